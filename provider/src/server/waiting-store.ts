import { backoffCap } from '../backoff';
import { IpamError } from '../errors';
import { BackendInfo } from '../model/api';
import { AuditEvent } from '../model/records';
import { CommitRequest, CommitResult, SpaceRead, Store } from '../engine/store';

export interface WaitOptions {
  /** First pause after a failed attempt; doubled after each failure up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told of each failed attempt (the service logs it). */
  onRetry?: (error: Error, attempt: number, delayMs: number) => void;
  /**
   * An error no retry can fix (wrong password, no such database): opening stops and `opened`
   * rejects with what this returns. Undefined keeps retrying.
   */
  fatal?: (error: Error) => IpamError | undefined;
}

/**
 * A Store that opens its backend in the background, retrying with exponential backoff until the
 * backend answers, so `ipam serve` can listen (and /readyz answer 503) while a PostgreSQL that
 * is down at start comes up, instead of exiting. Until then every call fails with
 * STORE_UNAVAILABLE naming the last failure, which the engine and /readyz pass on as they do
 * for a backend that goes away later.
 */
export class WaitingStore implements Store {
  private inner: Store | undefined;
  private lastError = 'the first attempt is under way';
  private closed = false;
  /** Resolves with the backend once it answers; rejects on a fatal error or close(). */
  readonly opened: Promise<Store>;

  constructor(
    readonly kind: string,
    open: () => Promise<Store>,
    options: WaitOptions = {},
  ) {
    this.opened = this.keepOpening(open, options);
    // A caller that never awaits `opened` must not see an unhandled rejection.
    this.opened.catch(() => undefined);
  }

  private async keepOpening(open: () => Promise<Store>, options: WaitOptions): Promise<Store> {
    const base = options.baseDelayMs ?? 250;
    const max = options.maxDelayMs ?? 10_000;
    // Unref'd: a service shut down while waiting exits at once instead of at the next attempt.
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new IpamError('STORE_UNAVAILABLE', `store: the ${this.kind} state backend was closed before it answered`);
      try {
        const store = await open();
        if (this.closed) {
          await store.close();
          continue;
        }
        this.inner = store;
        return store;
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        const fatal = options.fatal?.(error);
        if (fatal !== undefined) throw fatal;
        this.lastError = error.message;
        const delay = backoffCap(attempt - 1, { baseMs: base, maxMs: max });
        options.onRetry?.(error, attempt, delay);
        await sleep(delay);
      }
    }
  }

  private ready(): Store {
    if (this.inner !== undefined) return this.inner;
    throw new IpamError('STORE_UNAVAILABLE', `store: the ${this.kind} state backend does not answer yet (still trying): ${this.lastError}`);
  }

  read(space: string, since?: number): Promise<SpaceRead> {
    return this.call((store) => store.read(space, since));
  }

  commit(request: CommitRequest): Promise<CommitResult> {
    return this.call((store) => store.commit(request));
  }

  identity(space: string): Promise<BackendInfo> {
    return this.call((store) => store.identity(space));
  }

  listSpaces(): Promise<string[]> {
    return this.call((store) => store.listSpaces());
  }

  listAudit(space: string, pool: string, limit: number): Promise<AuditEvent[]> {
    return this.call((store) => store.listAudit(space, pool, limit));
  }

  ping(): Promise<void> {
    return this.call((store) => store.ping());
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inner?.close();
  }

  /** Async so that "not open yet" is a rejection, like any other store failure, never a synchronous throw. */
  private async call<T>(run: (store: Store) => Promise<T>): Promise<T> {
    return run(this.ready());
  }
}
