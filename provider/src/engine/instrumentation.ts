import type * as OtelApi from '@opentelemetry/api';
import { isIpamError } from '../errors';
import { CommitRequest, CommitResult } from './store';

/**
 * What the engine tells the world about its batches and commits: OpenTelemetry spans, and
 * events for whoever counts them (the HTTP service's Prometheus metrics).
 *
 * Only `@opentelemetry/api` is used here, and only once a face that traces hands it over
 * (traceWith: the HTTP service, the Pulumi provider, telemetry/start when OTEL_* asks): an `ipam`
 * command that does not trace never loads it, which is a tenth of its start-up. Without a
 * registered SDK every call is the API's no-op. The SDK is started far above the engine
 * (provider/src/telemetry), so the engine stays free of I/O.
 *
 * Spans: "ipam.engine.batch" (the operations of one space decided together) and, inside it,
 * "ipam.store.commit" (one compare-and-swap; a lost race shows as a commit with outcome
 * "conflict" followed by another). A batch's parent is the context of its first operation
 * (the HTTP request that queued it); the other operations' contexts are links.
 */
let otel: { api: typeof OtelApi; tracer: OtelApi.Tracer } | undefined;

/** Lets the engine's batches and commits make spans with this API (the first call wins). */
export function traceWith(api: typeof OtelApi): void {
  otel ??= { api, tracer: api.trace.getTracer('pulumi-ipam/engine') };
}

/** How one compare-and-swap ended: written, lost the race (the batch is decided again), refused its content, or failed. */
export type CommitOutcome = 'committed' | 'conflict' | 'refused' | 'failed';

export interface EngineObserver {
  /** A batch of `operations` queued operations of `space` is about to be decided. */
  batch(space: string, operations: number): void;
  commit(space: string, outcome: CommitOutcome, seconds: number): void;
}

export class EngineInstrumentation {
  private observers: EngineObserver[] = [];

  /** Adds an observer; the returned function removes it. */
  observe(observer: EngineObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** The context an operation was queued in: its batch's parent or link. */
  queuedIn(): OtelApi.Context | undefined {
    return otel?.api.context.active();
  }

  /** Runs one batch inside its span. */
  async batch(space: string, queuedIn: (OtelApi.Context | undefined)[], run: () => Promise<void>): Promise<void> {
    for (const observer of this.observers) observer.batch(space, queuedIn.length);
    if (otel === undefined) return run();
    const { api, tracer } = otel;
    const parent = queuedIn[0] ?? api.ROOT_CONTEXT;
    const links: OtelApi.Link[] = [];
    for (let i = 1; i < queuedIn.length; i++) {
      const linked = queuedIn[i] === undefined ? undefined : api.trace.getSpanContext(queuedIn[i]!);
      if (linked !== undefined) links.push({ context: linked });
    }
    const span = tracer.startSpan(
      'ipam.engine.batch',
      { kind: api.SpanKind.INTERNAL, links, attributes: { 'ipam.space': space, 'ipam.batch.operations': queuedIn.length } },
      parent,
    );
    try {
      await api.context.with(api.trace.setSpan(parent, span), run);
    } finally {
      span.end();
    }
  }

  /** Runs one store commit inside its span, child of the batch's. */
  async commit(request: CommitRequest, storeKind: string, commit: () => Promise<CommitResult>): Promise<CommitResult> {
    const api = otel?.api;
    const span = otel?.tracer.startSpan('ipam.store.commit', {
      kind: api?.SpanKind.CLIENT,
      attributes: {
        'ipam.space': request.space,
        'ipam.store.kind': storeKind,
        'ipam.commit.writes': request.writes.length,
        'ipam.commit.expected_version': request.expectedVersion,
      },
    });
    const started = performance.now();
    let outcome: CommitOutcome = 'failed';
    try {
      const result = await commit();
      outcome = result.ok ? 'committed' : 'conflict';
      span?.setAttribute('ipam.commit.version', result.version);
      return result;
    } catch (e) {
      outcome = isIpamError(e) && e.code !== 'STORE_UNAVAILABLE' ? 'refused' : 'failed';
      if (api !== undefined) span?.setStatus({ code: api.SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      if (isIpamError(e)) span?.setAttribute('ipam.error.code', e.code);
      throw e;
    } finally {
      span?.setAttribute('ipam.commit.outcome', outcome);
      span?.end();
      const seconds = (performance.now() - started) / 1000;
      for (const observer of this.observers) observer.commit(request.space, outcome, seconds);
    }
  }
}
