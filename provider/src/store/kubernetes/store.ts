import { textLogger, warnTo } from '../../log';
import { BackendInfo } from '../../model/api';
import { DEFAULT_SPACE } from '../../model/constants';
import { AuditEvent } from '../../model/records';
import { CommitRequest, CommitResult, SpaceRead, Store, emptySpace } from '../../engine/store';
import { KubeClient, KubeApiError, isAlreadyExists, isConflict } from './client';
import { backendError } from './errors';
import { readStoredSpec } from './ledger-format';
import { LedgerChange, LedgerSpec, MAX_LEDGER_BYTES, applyCommit, checkLedgerSize, emptyLedger, ledgerObject, toSpaceRead } from './ledger';
import { KubeObject, LEDGER_NAME, PLURAL } from './resources';

/**
 * The Store over Kubernetes custom resources. An address space is a namespace; its state is one
 * IpamLedger object, and a commit is one update of it with the resourceVersion read before
 * (compare-and-swap): a 409 Conflict means another writer won, and the engine retries with
 * jitter. After each commit the ledger's projection (backends/kubernetes draws the SubnetPool,
 * SubnetPoolClaim, SliceIpam and ClientIp objects) is brought in line, in the background: a
 * commit returns once the ledger is saved,
 * and commits that land while the objects are being written are folded into one more pass
 * (idle() waits for all of it; close() too). A failure there never fails a commit: the next
 * pass, or the next process's first read of the namespace, repairs it.
 *
 * Reads are whole (the ledger is one object), except that a reader already at the current
 * version is told so and nothing else.
 */
/**
 * What is drawn from a namespace's ledger after each commit, and on a process's first read of the
 * namespace (which repairs what an interrupted writer left). The store knows no more of it: the
 * objects kubectl shows are made above the engine (backends/kubernetes/projection), with the
 * engine's own figures, and injected here.
 */
export interface LedgerProjection {
  /** `change` is the commit that led here; absent, everything is compared. Rejects to be warned about, never to fail a commit. */
  sync(space: string, spec: LedgerSpec, change?: LedgerChange): Promise<void>;
}

export interface KubernetesStoreOptions {
  /** What to draw from the ledger; none: the ledger alone (the Store contract needs no more). */
  projection?: LedgerProjection;
  /** Where a request across all namespaces falls back to when listing them is not allowed. */
  namespace?: string;
  /** The size limit of a ledger object; tests lower it. */
  maxLedgerBytes?: number;
  /** Problems that do not fail an operation (a derived object not written). Default: stderr. */
  warn?: (message: string) => void;
}

interface LoadedLedger {
  spec: LedgerSpec;
  /** The stored object; undefined while the namespace has no ledger yet. */
  object?: KubeObject;
  bytes: number;
}

export class KubernetesStore implements Store {
  readonly kind = 'kubernetes';
  private readonly ledgers = new Map<string, LoadedLedger>();
  private readonly checked = new Set<string>();
  private readonly projection?: LedgerProjection;
  private readonly background = new Set<Promise<unknown>>();
  /** Namespaces whose derived objects are being written, with the pass to run after. */
  private readonly syncs = new Map<string, { next?: SyncRequest }>();
  private readonly namespace: string;
  private readonly maxLedgerBytes: number;
  private readonly warn: (message: string) => void;

  constructor(
    readonly client: KubeClient,
    options: KubernetesStoreOptions = {},
  ) {
    this.namespace = options.namespace ?? DEFAULT_SPACE;
    this.maxLedgerBytes = options.maxLedgerBytes ?? MAX_LEDGER_BYTES;
    this.warn = options.warn ?? warnTo(textLogger('ipam'));
    this.projection = options.projection;
  }

  async read(space: string, since?: number): Promise<SpaceRead> {
    const ledger = await this.guard(() => this.load(space));
    // A process's first look at a namespace also repairs what an interrupted writer left.
    if (!this.checked.has(space)) {
      this.checked.add(space);
      this.scheduleSync(space, ledger.spec);
    }
    if (since === ledger.spec.version) return { ...emptySpace(since), full: false };
    return toSpaceRead(ledger.spec);
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const { space, expectedVersion } = request;
    let base = this.ledgers.get(space);
    if (base === undefined || base.spec.version !== expectedVersion) {
      base = await this.guard(() => this.load(space));
      if (base.spec.version !== expectedVersion) return { ok: false, version: base.spec.version };
    }
    const spec = applyCommit(base.spec, request.writes, request.audit, expectedVersion + 1);
    const body = ledgerObject(space, spec, base.object);
    const bytes = Buffer.byteLength(JSON.stringify(body));
    const records = (l: LedgerSpec) => l.pools.length + l.allocations.length;
    checkLedgerSize(space, { bytes, previousBytes: base.bytes, records: records(spec), previousRecords: records(base.spec), allocations: spec.allocations.length }, this.maxLedgerBytes);
    let saved: KubeObject;
    try {
      saved = await this.guard(() =>
        base.object === undefined ? this.client.create(PLURAL.IpamLedger, space, body) : this.client.replace(PLURAL.IpamLedger, space, body),
      );
    } catch (e) {
      if (!isLostRace(e)) throw e;
      const current = await this.guard(() => this.load(space));
      return { ok: false, version: current.spec.version };
    }
    this.ledgers.set(space, { spec, object: saved, bytes });
    this.scheduleSync(space, spec, { base: base.spec, writes: request.writes });
    return { ok: true, version: spec.version };
  }

  async listSpaces(): Promise<string[]> {
    try {
      const ledgers = await this.client.listAllNamespaces(PLURAL.IpamLedger);
      return [...new Set(ledgers.map((l) => l.metadata.namespace!))].sort();
    } catch (e) {
      // A Role grants one namespace, not the cluster: then the configured namespace is all we see.
      if (e instanceof KubeApiError && e.code === 403) return [this.namespace];
      throw backendError(e, this.client.server);
    }
  }

  async listAudit(space: string, pool: string, limit: number): Promise<AuditEvent[]> {
    const ledger = await this.guard(() => this.load(space));
    return ledger.spec.audit
      .filter((event) => event.pool === pool)
      .reverse()
      .slice(0, limit);
  }

  /** The id of the namespace's IpamLedger object (its uid): none while the namespace holds no state. */
  async identity(space: string): Promise<BackendInfo> {
    let ledger = this.ledgers.get(space);
    if (ledger?.object === undefined) ledger = await this.guard(() => this.load(space));
    return { id: ledger.object?.metadata.uid, kind: this.kind, location: `the IpamLedger of namespace "${space}" on ${this.client.server}` };
  }

  async ping(): Promise<void> {
    await this.guard(() => this.client.get(PLURAL.IpamLedger, this.namespace, LEDGER_NAME));
  }

  async close(): Promise<void> {
    await this.idle();
  }

  /** Resolves once the work this store started in the background (its projection, and what that started) is done. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Runs `work` in the background, tracked by idle(); it reports its own failures. */
  track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private async load(space: string): Promise<LoadedLedger> {
    const object = await this.client.get(PLURAL.IpamLedger, space, LEDGER_NAME);
    // Unchanged since we last held it: no need to decode it again (tens of thousands of records).
    const held = this.ledgers.get(space);
    const same = held?.object !== undefined && object !== undefined && held.object.metadata.resourceVersion === object.metadata.resourceVersion && held.object.metadata.uid === object.metadata.uid;
    if (same) return held!;
    const ledger: LoadedLedger =
      object === undefined
        ? { spec: emptyLedger(), bytes: 0 }
        : { spec: readStoredSpec(space, object.spec), object, bytes: Buffer.byteLength(JSON.stringify(object)) };
    this.ledgers.set(space, ledger);
    return ledger;
  }

  /**
   * Brings the derived objects in line with `spec`, now or, while a pass for the namespace is
   * running, right after it: commits that queue up meanwhile make one pass, not one each.
   */
  private scheduleSync(space: string, spec: LedgerSpec, change?: LedgerChange): void {
    const queued = this.syncs.get(space);
    if (queued !== undefined) {
      queued.next = foldChanges(queued.next, { spec, change });
      return;
    }
    const entry: { next?: SyncRequest } = {};
    this.syncs.set(space, entry);
    const run = async (request: SyncRequest): Promise<void> => {
      await this.syncDerived(space, request.spec, request.change);
      const next = entry.next;
      entry.next = undefined;
      if (next !== undefined) return run(next);
      this.syncs.delete(space);
    };
    this.track(run({ spec, change }));
  }

  private async syncDerived(space: string, spec: LedgerSpec, change?: LedgerChange): Promise<void> {
    if (this.projection === undefined) return;
    try {
      await this.projection.sync(space, spec, change);
    } catch (e) {
      this.warn(
        `the ledger of namespace "${space}" is saved, but its SubnetPool/SubnetPoolClaim/SliceIpam/ClientIp objects could not all be written; ` +
          `the next change repairs them: ${(backendError(e, this.client.server) as Error).message}`,
      );
    }
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (isLostRace(e)) throw e;
      throw backendError(e, this.client.server);
    }
  }
}

interface SyncRequest {
  spec: LedgerSpec;
  change?: LedgerChange;
}

/**
 * Two passes waiting as one: the later ledger, and the writes of both commits when they follow
 * each other (else a comparison of everything that lags).
 */
function foldChanges(earlier: SyncRequest | undefined, later: SyncRequest): SyncRequest {
  if (earlier === undefined) return later;
  const consecutive = earlier.change !== undefined && later.change !== undefined && later.change.base.version === earlier.spec.version;
  return {
    spec: later.spec,
    change: consecutive ? { base: earlier.change!.base, writes: [...earlier.change!.writes, ...later.change!.writes] } : undefined,
  };
}

/**
 * Another writer got there first: our compare-and-swap (update, or the first create) lost; or
 * the ledger was deleted under us (someone removed its finalizer), which a reload shows.
 */
const isLostRace = (e: unknown): boolean =>
  isConflict(e) || isAlreadyExists(e) || (e instanceof KubeApiError && e.code === 404 && e.detailsKind === PLURAL.IpamLedger && e.detailsName === LEDGER_NAME);
