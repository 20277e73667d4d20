import { ServerResponse } from 'node:http';
import { ResourceDefinition } from './kube-crds';
import { KubeObject, ObjectChange } from './kube-objects';
import { badRequest } from './kube-status';

/**
 * Watch streams as kube-apiserver serves them (`GET ...?watch=1`): a chunked response of JSON
 * lines `{"type":"ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"|"ERROR","object":...}`.
 *   - resourceVersion unset or "0": the objects that exist now arrive as ADDED, then the changes;
 *   - resourceVersion N: the changes after N, from the server's window of recent changes (its
 *     watch cache); N older than that window gets one ERROR event carrying a Status 410 Expired
 *     ("too old resource version"), after which a client lists again;
 *   - allowWatchBookmarks=true: a BOOKMARK (an object of the kind with only
 *     metadata.resourceVersion) every bookmarkIntervalMs, so a quiet watch can resume without
 *     falling out of the window;
 *   - timeoutSeconds: the server ends the stream after that long (the client watches again).
 * labelSelector and fieldSelector filter the events as they filter a list.
 */
export interface WatchRequest {
  def: ResourceDefinition;
  namespace?: string;
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  matches: (object: KubeObject) => boolean;
  /** The objects that exist now (for a watch that starts without a resourceVersion). */
  current: () => KubeObject[];
}

interface Watcher {
  request: WatchRequest;
  res: ServerResponse;
}

export class WatchHub {
  /** How many recent changes the window keeps (kube-apiserver's watch cache holds ~100 per resource by default). */
  windowSize = 1000;
  bookmarkIntervalMs = 60_000;
  private readonly changes: { rv: number; change: ObjectChange }[] = [];
  /** Changes at or before this resourceVersion are no longer in the window. */
  private forgottenUpTo = 0;
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly currentVersion: () => number) {}

  record(change: ObjectChange): void {
    const rv = Number(change.object.metadata.resourceVersion);
    this.changes.push({ rv, change });
    while (this.changes.length > this.windowSize) this.forgottenUpTo = this.changes.shift()!.rv;
    for (const watcher of this.watchers) this.deliver(watcher, change);
  }

  /** Forgets the window (a fresh cluster): every watch ends, and resuming from before now gets 410. */
  reset(): void {
    this.changes.length = 0;
    this.forgottenUpTo = this.currentVersion();
    for (const watcher of [...this.watchers]) watcher.res.end();
  }

  /** Ends every open watch (as an API server restart does). */
  closeAll(): void {
    for (const watcher of [...this.watchers]) watcher.res.end();
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  serve(request: WatchRequest, res: ServerResponse): void {
    const from = request.resourceVersion;
    if (from !== undefined && from !== '' && !/^\d+$/.test(from)) throw badRequest(`invalid resource version: "${from}"`);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    // The server answers at once, before any event: a client's watch call returns when it does.
    res.flushHeaders();
    const watcher: Watcher = { request, res };
    const write = (line: unknown) => res.write(`${JSON.stringify(line)}\n`);
    if (from === undefined || from === '' || from === '0') {
      for (const object of request.current()) write({ type: 'ADDED', object });
    } else if (Number(from) < this.forgottenUpTo) {
      write({ type: 'ERROR', object: expired(Number(from), this.forgottenUpTo + 1) });
      res.end();
      return;
    } else {
      for (const { rv, change } of this.changes) if (rv > Number(from)) this.deliver(watcher, change);
    }
    this.watchers.add(watcher);
    const timers: NodeJS.Timeout[] = [];
    if (request.allowBookmarks) {
      timers.push(setInterval(() => write({ type: 'BOOKMARK', object: bookmark(request.def, this.currentVersion()) }), this.bookmarkIntervalMs));
    }
    if (request.timeoutSeconds !== undefined) timers.push(setTimeout(() => res.end(), request.timeoutSeconds * 1000));
    const stop = () => {
      this.watchers.delete(watcher);
      for (const timer of timers) clearTimeout(timer);
    };
    res.on('close', stop);
    res.on('finish', stop);
  }

  private deliver(watcher: Watcher, change: ObjectChange): void {
    const { request, res } = watcher;
    if (change.def !== request.def) return;
    if (request.namespace !== undefined && change.object.metadata.namespace !== request.namespace) return;
    if (!request.matches(change.object)) return;
    res.write(`${JSON.stringify({ type: change.type, object: change.object })}\n`);
  }
}

function expired(asked: number, oldest: number): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${asked} (${oldest})`, reason: 'Expired', code: 410 };
}

function bookmark(def: ResourceDefinition, rv: number): unknown {
  return { kind: def.kind, apiVersion: def.group === '' ? def.version : `${def.group}/${def.version}`, metadata: { resourceVersion: String(rv) } };
}
