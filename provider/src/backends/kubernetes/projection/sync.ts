import { isDeepStrictEqual } from 'node:util';
import { KubeClient, isAlreadyExists, isConflict } from '../../../store/kubernetes/client';
import { isShownByAppliedPool } from '../../../store/kubernetes/applied';
import { LedgerChange, LedgerSpec } from '../../../store/kubernetes/ledger';
import { API_VERSION, FINALIZER, KubeObject, LEDGER_VERSION_ANNOTATION, MANAGED_BY, MANAGED_BY_LABEL, PLURAL, POOL_LABEL } from '../../../store/kubernetes/resources';
import { ChangedMember, changedMembers } from './changes';
import { Condition, DerivedKind, DesiredObject, desiredPool } from './desired';
import { LedgerStates } from './state-cache';
import { changesImmutableField } from './immutable';

/**
 * Writes the derived objects of a namespace after its ledger changed, and repairs what an
 * interrupted writer left behind.
 *
 * Each SubnetPool/SliceIpam shows in status.ledgerVersion the ledger revision of its pool that
 * it and its members reflect (its mark); members are written first, the mark last. A pool
 * whose revision is past its mark is brought in line: when the mark was the pool's revision
 * before this commit, only the members this commit changed are written; otherwise (a writer
 * died before finishing, or is still writing) every member of the pool is compared.
 *
 * Every derived object also carries the ledger version it was written from (an annotation):
 * a writer holding an older ledger never overwrites or deletes an object written from a newer
 * one, so concurrent writers converge. Objects are written only when they differ.
 * Only objects labelled as managed by pulumi-ipam are listed, and so removed; an object of these
 * kinds that bears a derived object's name is taken over (the kinds are pulumi-ipam's own, and
 * docs/kubernetes.md asks people not to create them by hand).
 */
const POOL_KINDS: DerivedKind[] = ['SubnetPool', 'SliceIpam'];
const MEMBER_KINDS: DerivedKind[] = ['SubnetPoolClaim', 'ClientIp'];
const MANAGED = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
/** Parallel writes per pool: enough to fill a pool's first sync quickly, gentle on the server. */
const PARALLEL_WRITES = 8;
const ATTEMPTS = 3;
const DELETION_BLOCKED = 'DeletionBlocked';

/** A pool whose object someone deleted with kubectl while the pool is still in the ledger. */
export interface DeletionAsked {
  pool: string;
  kind: DerivedKind;
}

export class DerivedObjects {
  private readonly states = new LedgerStates();

  constructor(
    private readonly client: KubeClient,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Brings the namespace's derived objects in line with the ledger. Returns the pools that
   * someone asked to delete (kubectl delete: their object has a deletionTimestamp) and that are
   * still in the ledger: the caller decides whether they can go.
   */
  async sync(space: string, spec: LedgerSpec, change?: LedgerChange): Promise<DeletionAsked[]> {
    const existing = await this.listByKey(POOL_KINDS, space, MANAGED);
    const changed = change === undefined ? undefined : changedMembers(change.base, change.writes);
    const state = this.states.stateOf(space, spec, change);
    const deletions: DeletionAsked[] = [];
    for (const record of spec.pools) {
      const key = `${record.kind === 'slice' ? 'SliceIpam' : 'SubnetPool'}/${record.name}`;
      const object = existing.get(key);
      existing.delete(key);
      const revision = spec.revisions[record.name] ?? spec.version;
      if (isShownByAppliedPool(space, record)) {
        // An applied SubnetPool or SliceIpam is its own view (the controller writes its status,
        // and handles its deletion), so it carries no mark: its members (what Pulumi or `ipam`
        // allocated in it) are compared each time.
        const desired = desiredPool(space, state, record.name, revision, this.now());
        if (desired.object.kind === 'SubnetPool') await this.writeAll(space, spec.version, record.name, desired.members);
        continue;
      }
      if (object?.metadata.deletionTimestamp !== undefined) deletions.push({ pool: record.name, kind: record.kind === 'slice' ? 'SliceIpam' : 'SubnetPool' });
      if (markOf(object) >= revision) continue;
      const wasComplete = change !== undefined && markOf(object) === (change.base.revisions[record.name] ?? -1);
      const changedHere = changed?.get(record.name) ?? new Map<string, ChangedMember>();
      const desired = desiredPool(space, state, record.name, revision, this.now(), wasComplete ? new Set(changedHere.keys()) : undefined);
      if (desired.object.kind === 'SubnetPool') {
        if (wasComplete) await this.writeChanged(space, spec.version, desired.members, changedHere);
        else await this.writeAll(space, spec.version, record.name, desired.members);
      }
      await this.writePool(space, spec.version, desired.object, object, revision);
    }
    for (const [key, object] of existing) {
      if (stampOf(object) <= spec.version) await this.removePool(space, spec.version, key.split('/')[0] as DerivedKind, object);
    }
    return deletions;
  }

  /** Shows on the pool's object why a deletion asked with kubectl waits (the engine's refusal). */
  async reportDeletionBlocked(space: string, kind: DerivedKind, pool: string, message: string): Promise<void> {
    const object = await this.client.get(PLURAL[kind], space, pool);
    await this.withRetries(kind, space, pool, object, async (current) => {
      if (current?.metadata.deletionTimestamp === undefined) return;
      const status = structuredClone(current.status ?? {});
      const previous = conditionsOf(status).find((c) => c.type === DELETION_BLOCKED);
      const blocked: Condition = { type: DELETION_BLOCKED, status: 'True', reason: 'PoolInUse', message, lastTransitionTime: previous?.lastTransitionTime ?? current.metadata.deletionTimestamp };
      status.conditions = [...conditionsOf(status).filter((c) => c.type !== DELETION_BLOCKED), blocked];
      if (!isDeepStrictEqual(status, current.status)) await this.client.replaceStatus(PLURAL[kind], space, { ...current, status });
    });
  }

  /** The members this commit changed, when the pool's objects were complete before it. */
  private async writeChanged(space: string, version: number, desired: DesiredObject[], changed: Map<string, ChangedMember>): Promise<void> {
    const byKey = new Map(desired.map((d) => [d.key, d]));
    await inParallel([...changed], async ([key, member]) => {
      const wanted = byKey.get(key);
      const current = member.existed ? await this.client.get(PLURAL[member.kind], space, wanted?.name ?? member.name) : undefined;
      if (wanted !== undefined) await this.writeMember(space, version, wanted, current);
      // Only derived objects go: an applied object that happens to bear the name stays.
      else if (current !== undefined && isManaged(current) && stampOf(current) <= version) await this.client.delete(PLURAL[member.kind], space, current);
    });
  }

  /** Every member of the pool compared with what the ledger says; the ones left over deleted. */
  private async writeAll(space: string, version: number, pool: string, desired: DesiredObject[]): Promise<void> {
    const existing = await this.listByKey(MEMBER_KINDS, space, `${MANAGED},${POOL_LABEL}=${pool}`);
    await inParallel(desired, (member) => {
      const key = `${member.kind}/${member.name}`;
      const current = existing.get(key);
      existing.delete(key);
      return this.writeMember(space, version, member, current);
    });
    const leftOver = [...existing].filter(([, object]) => stampOf(object) <= version);
    await inParallel(leftOver, ([key, object]) => this.client.delete(PLURAL[key.split('/')[0] as DerivedKind], space, object));
  }

  private async writeMember(space: string, version: number, desired: DesiredObject, known: KubeObject | undefined): Promise<void> {
    await this.withRetries(desired.kind, space, desired.name, known, async (current) => {
      if (current !== undefined && stampOf(current) > version) return;
      if (current !== undefined && isDeepStrictEqual(mainBody(space, desired, current, stampOf(current)), current) && isDeepStrictEqual(statusOf(desired, current), current.status)) return;
      await this.write(space, desired, current, version);
    });
  }

  /** The pool's own object, last: its status carries the mark. */
  private async writePool(space: string, version: number, desired: DesiredObject, known: KubeObject | undefined, revision: number): Promise<void> {
    await this.withRetries(desired.kind, space, desired.name, known, async (current) => {
      if (markOf(current) >= revision) return;
      await this.write(space, desired, current, current === undefined ? version : stampOf(current));
    });
  }

  /** Creates or updates the object (spec, labels, finalizer, stamp), then its status, each only if it differs. */
  private async write(space: string, desired: DesiredObject, current: KubeObject | undefined, stamp: number): Promise<void> {
    const plural = PLURAL[desired.kind];
    if (current !== undefined && MEMBER_KINDS.includes(desired.kind) && changesImmutableField(desired.kind, current.spec, plain(desired.spec))) {
      // Members carry no finalizer: the delete is immediate, and the name is free for the create.
      await this.client.delete(plural, space, current);
      current = undefined;
    }
    let object = current === undefined ? await this.client.create(plural, space, mainBody(space, desired, undefined, stamp)) : current;
    const main = mainBody(space, desired, object, stamp);
    if (!isDeepStrictEqual(main, object)) object = await this.client.replace(plural, space, main);
    const status = statusOf(desired, object);
    if (!isDeepStrictEqual(status, object.status)) await this.client.replaceStatus(plural, space, { ...object, status });
  }

  /** Deletes the objects of a pool that left the ledger: its members, then itself (finalizer off). */
  private async removePool(space: string, version: number, kind: DerivedKind, object: KubeObject): Promise<void> {
    if (kind === 'SubnetPool') await this.writeAll(space, version, object.metadata.name, []);
    await this.withRetries(kind, space, object.metadata.name, object, async (current) => {
      if (current === undefined || stampOf(current) > version) return;
      const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
      const freed = finalizers.length === (current.metadata.finalizers ?? []).length ? current : await this.client.replace(PLURAL[kind], space, { ...current, metadata: { ...current.metadata, finalizers } });
      // With no finalizer left, an object already marked for deletion is gone now.
      if (current.metadata.deletionTimestamp === undefined || finalizers.length > 0) await this.client.delete(PLURAL[kind], space, freed);
    });
  }

  private async listByKey(kinds: DerivedKind[], space: string, selector: string): Promise<Map<string, KubeObject>> {
    const found = new Map<string, KubeObject>();
    for (const kind of kinds) {
      for (const object of await this.client.list(PLURAL[kind], space, selector)) found.set(`${kind}/${object.metadata.name}`, object);
    }
    return found;
  }

  /** Runs a read-modify-write; on a conflict (someone wrote in between) reads again and retries. */
  private async withRetries(kind: DerivedKind, space: string, name: string, known: KubeObject | undefined, write: (current: KubeObject | undefined) => Promise<void>): Promise<void> {
    let current = known;
    for (let attempt = 1; ; attempt++) {
      try {
        return await write(current);
      } catch (e) {
        if (attempt >= ATTEMPTS || !(isConflict(e) || isAlreadyExists(e))) throw e;
        current = await this.client.get(PLURAL[kind], space, name);
      }
    }
  }
}

const isManaged = (object: KubeObject): boolean => object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;

/** The ledger version an object was written from (0: unknown, the oldest). */
const stampOf = (object: KubeObject): number => Number(object.metadata.annotations?.[LEDGER_VERSION_ANNOTATION] ?? 0);

/** A pool object's mark: the pool revision it and its members show (-1: no object). */
const markOf = (object: KubeObject | undefined): number => (object === undefined ? -1 : Number(object.status?.ledgerVersion ?? 0));

/** The object as it should be, apart from status: our spec, labels, stamp and (on pools) finalizer. */
function mainBody(space: string, desired: DesiredObject, current: KubeObject | undefined, stamp: number): KubeObject {
  const metadata = current === undefined ? { name: desired.name, namespace: space } : { ...current.metadata };
  const finalizers = [...(current?.metadata.finalizers ?? [])];
  // No finalizer may be added to an object being deleted.
  if (POOL_KINDS.includes(desired.kind) && !finalizers.includes(FINALIZER) && current?.metadata.deletionTimestamp === undefined) finalizers.push(FINALIZER);
  if (finalizers.length > 0) Object.assign(metadata, { finalizers });
  return {
    ...(current ?? {}),
    apiVersion: API_VERSION,
    kind: desired.kind,
    metadata: {
      ...metadata,
      labels: { ...current?.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY, [POOL_LABEL]: desired.pool },
      annotations: { ...current?.metadata.annotations, [LEDGER_VERSION_ANNOTATION]: String(stamp) },
    },
    spec: plain(desired.spec),
  };
}

/** The status to show: the desired one, plus, on a pool whose deletion was asked, why it waits. */
function statusOf(desired: DesiredObject, current: KubeObject): Record<string, unknown> {
  const status = plain(desired.status);
  const deleting = current.metadata.deletionTimestamp;
  if (deleting === undefined || !POOL_KINDS.includes(desired.kind)) return status;
  const reported = conditionsOf(current.status ?? {}).find((c) => c.type === DELETION_BLOCKED);
  const blocked: Condition = reported ?? {
    type: DELETION_BLOCKED,
    status: 'True',
    reason: 'DeletionRequested',
    message: 'deletion was requested; the pool is deleted once it has no live allocations and no child pools',
    lastTransitionTime: deleting,
  };
  if (desired.kind === 'SubnetPool') status.phase = 'Deleting';
  status.conditions = [...conditionsOf(status), blocked];
  return status;
}

const conditionsOf = (status: Record<string, unknown>): Condition[] => (status.conditions as Condition[] | undefined) ?? [];

/** What the API server stores: JSON, without undefined fields. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Runs `run` on every item, PARALLEL_WRITES at a time, in order of the items. */
async function inParallel<T>(items: T[], run: (item: T) => Promise<unknown>): Promise<void> {
  // A shared cursor, not shift(): a pool's first pass hands over 50,000 members, and shift() on
  // an array that large moves every later element each time.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_WRITES, items.length) }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}
