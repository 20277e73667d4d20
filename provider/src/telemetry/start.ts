import type * as OtelApi from '@opentelemetry/api';
import { traceWith } from '../engine/instrumentation';
import type * as SdkTraceNode from '@opentelemetry/sdk-trace-node';
import type * as Resources from '@opentelemetry/resources';
import type { OTLPTraceExporter as OtlpExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { packageVersion } from '../package';
import { TraceExporter, tracingPlan } from './settings';
import { StderrSpanExporter } from './stderr-exporter';

/**
 * Starts the OpenTelemetry SDK when the OTEL_* variables ask for tracing (settings.ts), once per
 * process. The SDK, the exporters and the resource detectors are optional dependencies,
 * require()d here and only here, only then: without OTEL_* none of them is ever loaded, and the
 * engine's and the service's spans stay the API's no-ops.
 *
 * Where the process already has a tracer provider (Pulumi's own, inside its provider host when
 * it traces), ours is not started: the spans go to the one registered first.
 */
export interface Tracing {
  /** Sends the spans ended so far (a Pulumi provider call does before it returns: its process may be killed right after). */
  flush(): Promise<void>;
  /** Sends what is left and stops. */
  shutdown(): Promise<void>;
}

/** Says a problem with the configuration (stderr by default: it must never break a command's output). */
export type Warn = (message: string) => void;

let decided = false;
let started: Tracing | undefined;

/** `env` decides whether to trace; the SDK and the exporter read their own settings from process.env. */
export function startTracing(env: NodeJS.ProcessEnv = process.env, warn: Warn = warnOnStderr): Tracing | undefined {
  if (decided) return started;
  decided = true;
  const plan = tracingPlan(env);
  if (plan === undefined) return undefined;
  for (const warning of plan.warnings) warn(`tracing: ${warning}`);
  if (plan.exporters.length === 0) return undefined;
  let modules: { api: typeof OtelApi; sdk: typeof SdkTraceNode; resources: typeof Resources };
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    // The API too is loaded only here and now: a command that does not trace never loads it.
    modules = { api: require('@opentelemetry/api'), sdk: require('@opentelemetry/sdk-trace-node'), resources: require('@opentelemetry/resources') };
  } catch (e) {
    warn(`tracing: off, although OTEL_* variables ask for it: ${(e as Error).message.split('\n')[0]}; install pulumi-ipam's optional dependencies (npm install --include=optional)`);
    return undefined;
  }
  const { api, sdk, resources } = modules;
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'pulumi-ipam', 'service.version': packageVersion() }))
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults above.
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const spanProcessors = plan.exporters.map((exporter) => new sdk.BatchSpanProcessor(spanExporter(exporter)));
  const provider = new sdk.NodeTracerProvider({ resource, spanProcessors });
  provider.register();
  traceWith(api);
  if ((api.trace.getTracerProvider() as OtelApi.ProxyTracerProvider).getDelegate() !== provider) {
    void provider.shutdown();
    return undefined;
  }
  // A collector that is down costs spans, never the command or the provider call: said, not thrown.
  const quietly = (what: string, action: () => Promise<void>) => () =>
    action().catch((e: Error) => warn(`tracing: ${what}: spans not sent (${e.message})`));
  started = { flush: quietly('flush', () => provider.forceFlush()), shutdown: quietly('shutdown', () => provider.shutdown()) };
  return started;
}

function spanExporter(exporter: TraceExporter): SdkTraceNode.SpanExporter {
  if (exporter.type === 'console') return new StderrSpanExporter();
  // Each exporter reads its endpoint, headers and timeout from OTEL_EXPORTER_OTLP_* itself.
  const { OTLPTraceExporter } = (
    exporter.protocol === 'http/json' ? require('@opentelemetry/exporter-trace-otlp-http') : require('@opentelemetry/exporter-trace-otlp-proto')
  ) as { OTLPTraceExporter: typeof OtlpExporter };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new OTLPTraceExporter();
}

function warnOnStderr(message: string): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: message })}\n`);
}
