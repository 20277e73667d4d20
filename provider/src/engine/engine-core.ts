import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Context } from '@opentelemetry/api';
import { errors, isIpamError } from '../errors';
import { Store } from './store';
import { EngineInstrumentation } from './instrumentation';
import { DEFAULT_RETRY, RetryPolicy, backoffDelay, sleep } from './retry';
import { SpaceState } from './space-state';
import { SpaceTx } from './space-tx';

export interface EngineOptions {
  /** Milliseconds since the epoch; tests pass a controllable clock. */
  now?: () => number;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** How many queued operations of one space may share one commit. */
  maxBatch?: number;
}

interface PendingOp {
  run: (tx: SpaceTx, argument: unknown) => unknown;
  /** What `run` is given besides the transaction: a module-level operation and its input need no closure per call. */
  argument: unknown;
  actor: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** The trace context it was queued in (the HTTP request's, say). */
  /** The tracing context it was queued in; undefined while nothing in the process traces. */
  queuedIn: Context | undefined;
}

interface SpaceCache {
  state: SpaceState;
  queue: PendingOp[];
  draining: boolean;
}

/**
 * An operation's outcome is its value, or this when it threw: no object is made for each
 * operation that succeeds (every allocation of a batch, usually).
 */
class Failed {
  constructor(readonly error: unknown) {}
}


/**
 * Where decisions meet state. Operations on one space queue up and run one batch at a time:
 * catch up with the store (a delta since the cached version), decide every queued operation
 * against the in-memory state, then commit all their writes with one compare-and-swap. Losing
 * the race to another process undoes the batch in memory, waits with jitter, and decides again
 * on the caught-up state; nothing else is ever retried. Batching is what lets many concurrent
 * requests share one durable commit (one fsync on SQLite, one transaction on PostgreSQL).
 */
export class EngineCore {
  private readonly spaces = new Map<string, SpaceCache>();
  private readonly retry: RetryPolicy;
  readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxBatch: number;
  /** Spans of batches and commits; observers of them (the service's metrics). */
  readonly instrumentation = new EngineInstrumentation();

  constructor(
    readonly store: Store,
    options: EngineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? sleep;
    this.maxBatch = options.maxBatch ?? 512;
  }

  /**
   * A direct store call (listing spaces, the audit trail, a raw read for the consistency check),
   * with a failure reported as STORE_UNAVAILABLE like every other store failure.
   */
  async direct<T>(call: (store: Store) => Promise<T>): Promise<T> {
    try {
      return await call(this.store);
    } catch (e) {
      throw storeError(e, this.store.kind);
    }
  }

  /**
   * Runs `fn` against the space's current state; its writes are committed before the promise
   * settles. `fn` is given `argument`, so a hot operation can be a module function and its
   * input rather than a closure made for each call.
   */
  run<T, A = undefined>(space: string, actor: string, fn: (tx: SpaceTx, argument: A) => T, argument?: A): Promise<T> {
    let cache = this.spaces.get(space);
    if (cache === undefined) {
      cache = { state: new SpaceState(space), queue: [], draining: false };
      this.spaces.set(space, cache);
    }
    // The operation is made first and the promise's executor only hands it the settling
    // functions: a closure over the operation alone, not over everything queued in it.
    const op: PendingOp = { run: fn as PendingOp['run'], argument, actor, resolve: unsettled, reject: unsettled, queuedIn: this.instrumentation.queuedIn() };
    const promise = new Promise<T>((resolve, reject) => {
      op.resolve = resolve as (v: unknown) => void;
      op.reject = reject;
    });
    cache.queue.push(op);
    if (!cache.draining) void this.drain(space, cache);
    return promise;
  }

  private async drain(space: string, cache: SpaceCache): Promise<void> {
    cache.draining = true;
    try {
      // Before taking each batch, let the event loop finish its current turn: every request
      // that arrived with this one (each HTTP socket is read in its own callback) queues first
      // and shares the commit. Without this, a store that commits synchronously (SQLite)
      // commits the first request alone before the next socket is even read.
      for (await nextTurn(); cache.queue.length > 0; await nextTurn()) {
        const batch = cache.queue.splice(0, this.maxBatch);
        await this.instrumentation.batch(space, batch.map((op) => op.queuedIn), () => this.runBatch(space, cache, batch));
      }
    } finally {
      cache.draining = false;
    }
  }

  /**
   * Applies what changed in the store since the cached version; false when nothing had. The
   * version names the whole state, so a loaded state at the store's version is current even
   * when the store answers with everything (a space never written, a history too short).
   */
  private async catchUp(space: string, state: SpaceState): Promise<boolean> {
    const loaded = state.loaded;
    const read = await this.store.read(space, loaded ? state.version : undefined);
    if (loaded && read.version === state.version) return false;
    state.catchUp(read);
    return true;
  }

  private async runBatch(space: string, cache: SpaceCache, batch: PendingOp[]): Promise<void> {
    const state = cache.state;
    // Decisions are made on the cached state without asking the store first: a commit's
    // compare-and-swap proves the cache was current (or fails, and the batch is decided again
    // after catching up), so a read before every commit would only cost a round trip. A batch
    // that writes nothing proves nothing that way: it asks the store afterwards.
    // Whether the batch must catch up before deciding (first load, or a lost compare-and-swap),
    // and whether the state it is decided on is known to be the store's current one.
    let mustRead = !state.loaded;
    for (let attempt = 0; ; attempt++) {
      let current = false;
      if (mustRead || !state.loaded) {
        try {
          await this.catchUp(space, state);
        } catch (e) {
          return settleAll(batch, storeError(e, this.store.kind));
        }
        [mustRead, current] = [false, true];
      }
      const tx = new SpaceTx(space, state, this.now(), '');
      /** Each operation's value, or Failed. */
      const outcomes: unknown[] = [];
      for (const op of batch) {
        const mark = state.mark();
        const writesMark = tx.writes.length;
        const auditMark = tx.audit.length;
        tx.actor = op.actor;
        try {
          outcomes.push(op.run(tx, op.argument));
        } catch (error) {
          state.rollbackTo(mark);
          tx.writes.length = writesMark;
          tx.audit.length = auditMark;
          outcomes.push(new Failed(error));
        }
      }
      const { writes, audit } = tx;
      if (writes.length === 0) {
        if (!current) {
          // Decided on the cache alone: the answers stand only if the store has not moved since.
          // (Nothing to undo first: every change to the state comes with a write.)
          try {
            if (await this.catchUp(space, state)) continue;
          } catch (e) {
            return settleAll(batch, storeError(e, this.store.kind));
          }
        }
        state.settle();
        return settle(batch, outcomes);
      }
      let committed: Awaited<ReturnType<Store['commit']>>;
      try {
        const request = { space, expectedVersion: state.version, writes, audit };
        committed = await this.instrumentation.commit(request, this.store.kind, () => this.store.commit(request));
      } catch (e) {
        state.rollbackTo(0);
        if (refusedBeforeWriting(e)) {
          // Nothing was written and the cache is still current. Decide each operation alone, so
          // one allocation too many does not fail the releases batched with it.
          if (batch.length === 1) return settleAll(batch, e);
          for (const op of batch) await this.runBatch(space, cache, [op]);
          return;
        }
        // The commit may or may not have happened: forget the cache, reload it next time.
        state.loaded = false;
        return settleAll(batch, storeError(e, this.store.kind));
      }
      if (committed.ok) {
        state.version = committed.version;
        state.settle();
        return settle(batch, outcomes);
      }
      state.rollbackTo(0);
      mustRead = true;
      if (attempt + 1 >= this.retry.maxAttempts) {
        return settleAll(
          batch,
          errors.CONTENTION({ space, attempts: attempt + 1 }),
        );
      }
      await this.sleep(backoffDelay(attempt, this.retry, this.random));
    }
  }
}

/** What a PendingOp holds for a moment, until its promise's executor gives it the real settling functions. */
function unsettled(): void {}

function settle(batch: PendingOp[], outcomes: unknown[]): void {
  for (let i = 0; i < batch.length; i++) {
    const outcome = outcomes[i];
    if (outcome instanceof Failed) batch[i].reject(outcome.error);
    else batch[i].resolve(outcome);
  }
}

function settleAll(batch: PendingOp[], error: unknown): void {
  for (const op of batch) op.reject(error);
}

/** A store's typed refusal of a commit's content (Store.commit): nothing was written. */
function refusedBeforeWriting(e: unknown): boolean {
  return isIpamError(e) && e.code !== 'STORE_UNAVAILABLE';
}

function storeError(e: unknown, kind: string): unknown {
  if (isIpamError(e)) return e;
  return errors.STORE_UNAVAILABLE({ case: 'failed', kind, cause: e instanceof Error ? e.message : String(e) });
}
