import { StoreWrite } from '../../../engine/store';
import { AllocationRecord } from '../../../model/records';
import { LedgerSpec } from '../../../store/kubernetes/ledger';
import { DerivedKind, memberKey } from './desired';
import { memberObjectName } from './names';

/** A member object a commit changed: how to find it if it must go. */
export interface ChangedMember {
  kind: DerivedKind;
  name: string;
  /** Whether the record was in the ledger before the commit (else its object is new: no need to look). */
  existed: boolean;
}

/**
 * Per pool, the member objects one commit changed (by memberKey): the allocations it wrote and
 * the claimed child pools it created or deleted. Lets the writer update just those objects when
 * the pool's derived objects were complete before its commit.
 */
export function changedMembers(base: LedgerSpec, writes: StoreWrite[]): Map<string, Map<string, ChangedMember>> {
  const changed = new Map<string, Map<string, ChangedMember>>();
  const note = (pool: string, key: string, member: ChangedMember) => {
    if (!changed.has(pool)) changed.set(pool, new Map());
    changed.get(pool)!.set(key, member);
  };
  // Only the records the writes name are looked up: one cheap pass, however large the ledger.
  const named = new Set(writes.flatMap((w) => (w.type === 'saveAllocation' ? [recordKey(w.allocation.pool, w.allocation.owner)] : w.type === 'removeAllocation' ? [recordKey(w.pool, w.owner)] : [])));
  const before = new Map<string, AllocationRecord>();
  if (named.size > 0) for (const a of base.allocations) if (named.has(recordKey(a.pool, a.owner))) before.set(recordKey(a.pool, a.owner), a);
  const previous = (pool: string, owner: string) => before.get(recordKey(pool, owner));
  for (const write of writes) {
    switch (write.type) {
      case 'saveAllocation': {
        const { pool, owner, kind } = write.allocation;
        const existed = previous(pool, owner) !== undefined;
        note(pool, memberKey.allocation(owner), { kind: kind === 'host' ? 'ClientIp' : 'SubnetPoolClaim', name: memberObjectName(pool, owner), existed });
        break;
      }
      case 'removeAllocation': {
        const kind = previous(write.pool, write.owner)?.kind === 'host' ? 'ClientIp' : 'SubnetPoolClaim';
        note(write.pool, memberKey.allocation(write.owner), { kind, name: memberObjectName(write.pool, write.owner), existed: true });
        break;
      }
      case 'savePool':
      case 'removePool': {
        const child = write.type === 'savePool' ? write.pool : base.pools.find((p) => p.name === write.name);
        if (child?.parent !== undefined && child.owner !== undefined) {
          const existed = base.pools.some((p) => p.name === child.name);
          note(child.parent, memberKey.childPool(child.name), { kind: 'SubnetPoolClaim', name: memberObjectName(child.parent, child.owner), existed });
        }
        break;
      }
    }
  }
  return changed;
}

/** Pool names hold no NUL: a key no two (pool, owner) pairs share. */
const recordKey = (pool: string, owner: string): string => `${pool}\u0000${owner}`;
