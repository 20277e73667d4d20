import { SpaceState } from '../../../engine/space-state';
import { AllocationKey, SpaceRead, StoreWrite } from '../../../engine/store';
import { AllocationRecord, PoolRecord } from '../../../model/records';
import { LedgerChange, LedgerSpec } from '../../../store/kubernetes/ledger';
import { ledgerState } from './desired';

/**
 * The engine's view of each namespace's ledger, kept between projection passes so that a pass
 * after one commit costs what the commit changed, not what the namespace holds (building the
 * view of 50,000 allocations anew takes about half a second). A pass whose change leads from the
 * kept version applies just its writes; any other pass (the first, one after another process's
 * commits, one that deletes a pool) builds the view from the whole ledger.
 */
export class LedgerStates {
  private readonly kept = new Map<string, SpaceState>();

  stateOf(space: string, spec: LedgerSpec, change?: LedgerChange): SpaceState {
    const kept = this.kept.get(space);
    if (kept?.loaded === true && kept.version === spec.version) return kept;
    let state: SpaceState | undefined;
    const delta = change === undefined ? undefined : deltaOf(spec.version, change.writes);
    if (kept?.loaded === true && delta !== undefined && kept.version === change!.base.version) {
      try {
        kept.catchUp(delta);
        state = kept;
      } catch {
        // Rows that contradict each other: the whole ledger says so in its own words below.
      }
    }
    this.kept.delete(space);
    state ??= ledgerState(spec);
    this.kept.set(space, state);
    return state;
  }
}

/** The writes of one commit as a read of what changed; undefined when a pool is deleted (its leftovers need the whole ledger). */
function deltaOf(version: number, writes: StoreWrite[]): SpaceRead | undefined {
  const pools = new Map<string, PoolRecord>();
  const allocations = new Map<string, AllocationRecord | AllocationKey>();
  for (const write of writes) {
    if (write.type === 'removePool') return undefined;
    if (write.type === 'savePool') pools.set(write.pool.name, write.pool);
    else if (write.type === 'saveAllocation') allocations.set(JSON.stringify([write.allocation.pool, write.allocation.owner]), write.allocation);
    else allocations.set(JSON.stringify([write.pool, write.owner]), { pool: write.pool, owner: write.owner });
  }
  const put = [...allocations.values()].filter((a): a is AllocationRecord => 'cidr' in a);
  const deleted = [...allocations.values()].filter((a) => !('cidr' in a)).map(({ pool, owner }) => ({ pool, owner }));
  return { version, full: false, pools: [...pools.values()], deletedPools: [], allocations: put, deletedAllocations: deleted };
}
