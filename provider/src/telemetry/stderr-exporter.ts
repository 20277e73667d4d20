import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';

/**
 * OTEL_TRACES_EXPORTER=console: each span as one JSON line on stderr. Not stdout (where the
 * SDK's own console exporter writes), because stdout is the output of `ipam` commands and, for
 * the provider plugin, the port Pulumi reads.
 */
export class StderrSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    for (const span of spans) {
      const { traceId, spanId } = span.spanContext();
      const line = {
        span: span.name,
        traceId,
        spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        ms: span.duration[0] * 1e3 + span.duration[1] / 1e6,
        attributes: span.attributes,
      };
      process.stderr.write(`${JSON.stringify(line)}\n`);
    }
    done({ code: 0 });
  }

  async shutdown(): Promise<void> {}
}
