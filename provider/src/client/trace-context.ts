import { context, propagation } from '@opentelemetry/api';

/**
 * The headers that carry the caller's trace to the IPAM service (W3C `traceparent`, and
 * `tracestate`/`baggage` when there are any), so the service's request span is a child of the
 * caller's (a Pulumi provider call). Without a registered SDK there is no propagator and no
 * header is added.
 */
export function withTraceContext(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}
