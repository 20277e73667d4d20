import { backoffCap } from '../backoff';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { KubeObject } from '../store/kubernetes/resources';

/**
 * A list-then-watch of one resource across the namespaces it may see, as client-go's reflector
 * does it: list (which gives a resourceVersion), then watch from there with bookmarks on, so a
 * watch that ends (the server's timeout, a dropped connection) resumes where it was without
 * listing again; a resourceVersion the server no longer has (410 Gone / Expired, in the stream
 * or as the answer) lists again. Failures wait with a doubling backoff (at most maxBackoffMs)
 * and never end the loop; stop() does.
 */
export interface WatchSource {
  /** API path of the collection, e.g. /apis/ipam.pulumi-ipam.dev/v1alpha1/subnetpools. */
  path: string;
  list: () => Promise<{ items: KubeObject[]; resourceVersion: string }>;
}

export interface WatchObserver {
  /** Every object listed, and every object a watch event carries. */
  onObject(object: KubeObject): void;
  /** After each successful list (the first one: the controller has seen everything). */
  onListed(): void;
  onRestart(reason: 'expired' | 'closed' | 'error', error?: unknown): void;
}

const WATCH_TIMEOUT_SECONDS = 300;

export class ResumableWatch {
  maxBackoffMs = 10_000;
  private resourceVersion = '';
  private stopped = false;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly config: KubeConfig,
    private readonly source: WatchSource,
    private readonly observer: WatchObserver,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (this.resourceVersion === '') {
          const listed = await this.source.list();
          for (const object of listed.items) this.observer.onObject(object);
          this.resourceVersion = listed.resourceVersion;
          this.observer.onListed();
        }
        const outcome = await this.watchOnce();
        failures = 0;
        if (outcome === 'expired') this.resourceVersion = '';
        if (!this.stopped) this.observer.onRestart(outcome);
      } catch (e) {
        if (this.stopped) break;
        if ((e as { statusCode?: number }).statusCode === 410) this.resourceVersion = '';
        this.observer.onRestart('error', e);
        failures += 1;
        await sleep(backoffCap(failures, { baseMs: 250, maxMs: this.maxBackoffMs }));
      }
    }
  }

  /** One watch request, until the server ends it ('closed') or says the resourceVersion is gone ('expired'). */
  private watchOnce(): Promise<'expired' | 'closed'> {
    return new Promise((resolve, reject) => {
      let expired = false;
      const query = { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS };
      new Watch(this.config)
        .watch(
          this.source.path,
          query,
          (type: string, object: KubeObject & { code?: number }) => {
            if (type === 'ERROR') {
              if (object.code === 410) expired = true;
              this.abort?.abort();
              return;
            }
            const rv = object.metadata?.resourceVersion;
            if (rv !== undefined && rv !== '') this.resourceVersion = rv;
            if (type !== 'BOOKMARK') this.observer.onObject(object);
          },
          (error: unknown) => {
            if (expired) resolve('expired');
            else if (error === null || error === undefined || this.stopped || (error as Error).name === 'AbortError') resolve('closed');
            else reject(error);
          },
        )
        .then((abort) => {
          this.abort = abort;
          if (this.stopped) abort.abort();
        }, reject);
    });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
