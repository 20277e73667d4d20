import { Context, Link, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { isIpamError } from '../errors';
import { CommitRequest, CommitResult } from './store';

/**
 * What the engine tells the world about its batches and commits: OpenTelemetry spans, and
 * events for whoever counts them (the HTTP service's Prometheus metrics).
 *
 * Only `@opentelemetry/api` is used here: without a registered SDK (no OTEL_* variables) every
 * call is the API's no-op, and nothing is exported, read or written. The SDK is started far
 * above the engine (provider/src/telemetry), so the engine stays free of I/O.
 *
 * Spans: "ipam.engine.batch" (the operations of one space decided together) and, inside it,
 * "ipam.store.commit" (one compare-and-swap; a lost race shows as a commit with outcome
 * "conflict" followed by another). A batch's parent is the context of its first operation
 * (the HTTP request that queued it); the other operations' contexts are links.
 */
const tracer = trace.getTracer('pulumi-ipam/engine');

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
  queuedIn(): Context {
    return context.active();
  }

  /** Runs one batch inside its span. */
  async batch(space: string, queuedIn: Context[], run: () => Promise<void>): Promise<void> {
    for (const observer of this.observers) observer.batch(space, queuedIn.length);
    const links: Link[] = [];
    for (let i = 1; i < queuedIn.length; i++) {
      const linked = trace.getSpanContext(queuedIn[i]);
      if (linked !== undefined) links.push({ context: linked });
    }
    const span = tracer.startSpan(
      'ipam.engine.batch',
      { kind: SpanKind.INTERNAL, links, attributes: { 'ipam.space': space, 'ipam.batch.operations': queuedIn.length } },
      queuedIn[0],
    );
    try {
      await context.with(trace.setSpan(queuedIn[0], span), run);
    } finally {
      span.end();
    }
  }

  /** Runs one store commit inside its span, child of the batch's. */
  async commit(request: CommitRequest, storeKind: string, commit: () => Promise<CommitResult>): Promise<CommitResult> {
    const span = tracer.startSpan('ipam.store.commit', {
      kind: SpanKind.CLIENT,
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
      span.setAttribute('ipam.commit.version', result.version);
      return result;
    } catch (e) {
      outcome = isIpamError(e) && e.code !== 'STORE_UNAVAILABLE' ? 'refused' : 'failed';
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      if (isIpamError(e)) span.setAttribute('ipam.error.code', e.code);
      throw e;
    } finally {
      span.setAttribute('ipam.commit.outcome', outcome);
      span.end();
      const seconds = (performance.now() - started) / 1000;
      for (const observer of this.observers) observer.commit(request.space, outcome, seconds);
    }
  }
}
