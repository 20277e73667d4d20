import { Context, Span, SpanKind, SpanStatusCode, ROOT_CONTEXT, context, propagation, trace } from '@opentelemetry/api';
import * as otelApi from '@opentelemetry/api';
import { traceWith } from '../engine/instrumentation';
import { IncomingMessage } from 'node:http';
import { RequestLog } from './log';

// The service traces: its engine's batches and commits are children of its request spans.
traceWith(otelApi);

/**
 * The span of one HTTP request, named and annotated as OpenTelemetry's HTTP conventions say
 * ("POST /v1/spaces/{space}/pools/{pool}/allocations", http.route, http.response.status_code),
 * plus the IPAM's own: the space and pool of the path, the error code of a refusal. A caller's
 * `traceparent` header makes it a child of the caller's span (a Pulumi provider call through
 * the HTTP client). Without a registered SDK these are the API's no-ops.
 */
const tracer = trace.getTracer('pulumi-ipam/server');

export interface RequestSpan {
  /** The context the request is handled in: the engine's batch span becomes a child of the request's. */
  context: Context;
  end(entry: RequestLog): void;
}

export function startRequestSpan(request: IncomingMessage): RequestSpan {
  const method = request.method ?? 'GET';
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
  return { context: trace.setSpan(parent, span), end: (entry) => endRequestSpan(span, entry) };
}

function endRequestSpan(span: Span, entry: RequestLog): void {
  if (!span.isRecording()) return span.end();
  span.updateName(`${entry.method} ${entry.route}`);
  span.setAttributes({ 'url.path': entry.path, 'http.route': entry.route, 'http.response.status_code': entry.status, 'ipam.actor': entry.actor });
  if (entry.code !== undefined) span.setAttributes({ 'ipam.error.code': entry.code, 'error.type': entry.code });
  // A refusal (4xx) is the service working; only a failure of its own (5xx) marks the span an error.
  if (entry.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: entry.code });
  span.end();
}

/** The space and pool (or namespace and slice) a route's path names, on the request's span. */
export function annotateRequest(params: unknown): void {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording() || typeof params !== 'object' || params === null) return;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && name in PARAM_ATTRIBUTES) span.setAttribute(PARAM_ATTRIBUTES[name], value);
  }
}

const PARAM_ATTRIBUTES: Record<string, string> = {
  space: 'ipam.space',
  pool: 'ipam.pool',
  owner: 'ipam.owner',
  namespace: 'ipam.space',
  name: 'ipam.slice',
};

/** Runs `fn` in the request's context (so what it queues in the engine knows its parent). */
export function inRequestContext<T>(span: RequestSpan, fn: () => Promise<T>): Promise<T> {
  return context.with(span.context, fn);
}
