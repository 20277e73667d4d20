import { errors } from '../../errors';
import { plainData } from '../../model/frozen';
import { AuditEvent } from '../../model/records';
import { SpaceRead, StoreWrite } from '../../engine/store';
import { storedSpec } from './ledger-format';
import type { LedgerSpec } from './ledger-spec';
import { API_VERSION, FINALIZER, KubeObject, LEDGER_NAME, MANAGED_BY, MANAGED_BY_LABEL } from './resources';

/**
 * Design: the whole address space of a namespace is one object, the IpamLedger "ledger", so one
 * compare-and-swap update (its resourceVersion) decides every change, and invariants across
 * pools (siblings never overlap, a slice subnet is unique in its namespace) need no
 * multi-object transaction. To hold 50,000 allocations and more under etcd's request limit,
 * the object stores its records compactly (ledger-format.ts, ledger-codec.ts): packed column
 * by column, gzip, base64, about 1 to 20 bytes an allocation instead of about 150 as JSON.
 * The cost, chosen knowingly: every commit still rewrites the whole object (up to 1 MiB at the
 * limit) and sorts every record, though it packs again only the segments it changed; splitting
 * the ledger across objects would make commits grow with the change, at the price of a
 * multi-object write protocol (see docs/kubernetes.md, section 7).
 *
 * The content of a namespace's IpamLedger, decoded, is LedgerSpec (ledger-spec.ts).
 */
export type { LedgerSpec } from './ledger-spec';

/** The commit that led to a projection pass: what the ledger was before, and the writes. */
export interface LedgerChange {
  base: LedgerSpec;
  writes: StoreWrite[];
}

/** How many audit events a ledger keeps: enough for `ipam audit`, small next to the size limit. */
const AUDIT_KEPT = 128;

/**
 * The largest ledger object the store writes: 1 MiB of JSON (its records compressed), well under etcd's default request
 * limit (--max-request-bytes, 1.5 MiB), leaving room for what the API server adds (managedFields,
 * metadata) and for the etcd envelope.
 */
export const MAX_LEDGER_BYTES = 1024 * 1024;

export function emptyLedger(): LedgerSpec {
  return { version: 0, pools: [], allocations: [], revisions: {}, audit: [] };
}

/** Pool names hold no NUL: a key no two (pool, owner) pairs share, cheap to build for every record of every commit. */
const allocationKey = (pool: string, owner: string): string => `${pool}\u0000${owner}`;

/** The ledger after one commit at `version`: writes applied in order, pool revisions bumped. */
export function applyCommit(spec: LedgerSpec, writes: StoreWrite[], audit: AuditEvent[], version: number): LedgerSpec {
  const pools = new Map(spec.pools.map((p) => [p.name, p]));
  const allocations = new Map(spec.allocations.map((a) => [allocationKey(a.pool, a.owner), a]));
  const revisions = { ...spec.revisions };
  const touch = (pool: string | undefined) => {
    if (pool !== undefined && pools.has(pool)) revisions[pool] = version;
  };
  for (const write of writes) {
    switch (write.type) {
      case 'savePool':
        pools.set(write.pool.name, structuredClone(write.pool));
        touch(write.pool.name);
        touch(write.pool.parent);
        break;
      case 'removePool': {
        const parent = pools.get(write.name)?.parent;
        pools.delete(write.name);
        delete revisions[write.name];
        touch(parent);
        break;
      }
      case 'saveAllocation':
        allocations.set(allocationKey(write.allocation.pool, write.allocation.owner), structuredClone(plainData(write.allocation)));
        touch(write.allocation.pool);
        break;
      case 'removeAllocation':
        allocations.delete(allocationKey(write.pool, write.owner));
        touch(write.pool);
        break;
    }
  }
  return {
    version,
    pools: [...pools.values()],
    allocations: [...allocations.values()],
    revisions,
    audit: [...spec.audit, ...structuredClone(audit)].slice(-AUDIT_KEPT),
  };
}

export function toSpaceRead(spec: LedgerSpec): SpaceRead {
  return {
    version: spec.version,
    full: true,
    pools: structuredClone(spec.pools),
    deletedPools: [],
    allocations: structuredClone(spec.allocations),
    deletedAllocations: [],
  };
}

/** The ledger's size before and after a commit, in bytes and in records (pools plus allocations). */
export interface LedgerGrowth {
  bytes: number;
  previousBytes: number;
  records: number;
  previousRecords: number;
  allocations: number;
}

/**
 * Refuses a commit before the API server (etcd) would refuse the write with a less helpful
 * error. A commit that adds records may not take the ledger past `limit`. Any other commit (a
 * release, an update, a delete, an expired block reused by a new owner) may go on up to 11/8 of
 * it, still under etcd's 1.5 MiB: a release makes its record larger, and a full space must still
 * be able to release, be destroyed and be cleaned up. A commit that shrinks the ledger always passes.
 */
export function checkLedgerSize(space: string, size: LedgerGrowth, limit = MAX_LEDGER_BYTES): void {
  if (size.bytes <= limit || size.bytes <= size.previousBytes) return;
  if (size.records <= size.previousRecords && size.bytes <= Math.floor((limit * 11) / 8)) return;
  const perAllocation = size.allocations === 0 ? 0 : Math.ceil(size.bytes / size.allocations);
  throw errors.LEDGER_TOO_LARGE({ space, bytes: size.bytes, limit, allocations: size.allocations, perAllocation });
}

/** The IpamLedger object holding `spec`: the stored one's metadata (resourceVersion: the CAS), or a new one's. */
export function ledgerObject(space: string, spec: LedgerSpec, stored: KubeObject | undefined): KubeObject {
  const metadata = stored?.metadata ?? {
    name: LEDGER_NAME,
    namespace: space,
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
    // Deleting the ledger would wipe the address space: the finalizer makes that deliberate.
    finalizers: [FINALIZER],
  };
  return { apiVersion: API_VERSION, kind: 'IpamLedger', metadata, spec: storedSpec(spec) as unknown as Record<string, unknown> };
}
