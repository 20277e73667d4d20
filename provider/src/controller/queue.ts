import { Backoff as Doubling, backoffCap } from '../backoff';

/**
 * The controller's work queue: namespaces to reconcile, each at most once in the queue however
 * many events asked for it, one at a time. A pass that fails (the API server or the ledger
 * unreachable, a lost race) is retried after a backoff that doubles from baseMs up to maxMs,
 * at most `attempts` times; after that the namespace waits for its next event or resync.
 */
export interface Backoff extends Doubling {
  attempts: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 500, maxMs: 30_000, attempts: 8 };

export class NamespaceQueue {
  private readonly pending = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly work: (namespace: string) => Promise<void>,
    private readonly onFailure: (namespace: string, error: unknown, attempt: number, retryInMs?: number) => void,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {}

  add(namespace: string): void {
    if (this.stopped) return;
    this.pending.add(namespace);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  get depth(): number {
    return this.pending.size;
  }

  /** Resolves once nothing is queued or running (retries scheduled for later do not count). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pending.clear();
    for (const timer of this.timers) clearTimeout(timer);
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (let next = this.first(); next !== undefined && !this.stopped; next = this.first()) {
      this.pending.delete(next);
      try {
        await this.work(next);
        this.failures.delete(next);
      } catch (e) {
        const attempt = (this.failures.get(next) ?? 0) + 1;
        if (attempt >= this.backoff.attempts) {
          this.failures.delete(next);
          this.onFailure(next, e, attempt);
          continue;
        }
        this.failures.set(next, attempt);
        const delay = backoffCap(attempt - 1, this.backoff);
        this.onFailure(next, e, attempt, delay);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.add(next);
        }, delay);
        this.timers.add(timer);
      }
    }
  }

  private first(): string | undefined {
    return this.pending.values().next().value;
  }
}
