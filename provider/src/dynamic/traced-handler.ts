import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import * as otelApi from '@opentelemetry/api';
import { traceWith } from '../engine/instrumentation';
import { startTracing } from '../telemetry/start';
import { ResourceHandler } from './resource-handler';
import { ResourceKind } from './specs';

// The provider traces (into Pulumi's tracer provider, or ours): its engine's spans go with it.
traceWith(otelApi);

/**
 * A resource kind's handler with a span around each call Pulumi makes ("ipam.provider.create"
 * and so on, with the kind, the URN where Pulumi gives it, the ID). The first call starts the
 * OpenTelemetry SDK when OTEL_* asks for it (Pulumi's provider host passes its environment on);
 * each call flushes its spans before it returns, because the host may be killed right after.
 * The backend calls inside (the engine in process, or the HTTP client, which passes the trace
 * on in `traceparent`) become the span's children.
 */
const tracer = trace.getTracer('pulumi-ipam/provider');

type Method = 'check' | 'diff' | 'create' | 'read' | 'update' | 'delete';
const METHODS: Method[] = ['check', 'diff', 'create', 'read', 'update', 'delete'];

export function traced(kind: ResourceKind, handler: ResourceHandler): ResourceHandler {
  const wrapped: ResourceHandler = { ...handler };
  for (const method of METHODS) {
    const call = (handler[method] as (...args: unknown[]) => Promise<unknown>).bind(handler);
    (wrapped[method] as (...args: unknown[]) => Promise<unknown>) = (...args) => {
      const tracing = startTracing();
      if (tracing === undefined) return call(...args);
      return tracer.startActiveSpan(`ipam.provider.${method}`, { kind: SpanKind.SERVER, attributes: attributes(kind, method, args) }, async (span) => {
        try {
          return await call(...args);
        } catch (e) {
          span.recordException(e as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
          throw e;
        } finally {
          span.end();
          await tracing.flush();
        }
      });
    };
  }
  return wrapped;
}

/** check gets the URN first; diff, read, update and delete get the resource's ID first. */
function attributes(kind: ResourceKind, method: Method, args: unknown[]): Record<string, string> {
  const first = args[0];
  const result: Record<string, string> = { 'pulumi.resource.kind': kind, 'pulumi.method': method };
  if (typeof first !== 'string') return result;
  if (method === 'check') result['pulumi.urn'] = first;
  else if (method !== 'create') result['pulumi.resource.id'] = first;
  return result;
}
