import { isoTime } from '../allocator/iso-time';
import { LedgerAllocation, PoolLedger } from '../allocator/pool-ledger';
import { errors } from '../errors';
import { AllocationRecord, AuditEvent, PoolRecord } from '../model/records';
import { Cidr } from '../net/cidr';
import { StoreWrite } from './store';
import { SpaceState } from './space-state';
import { freezeRecord } from '../model/frozen';

/**
 * One operation's view of a space while the engine decides it: reads go to the space state,
 * and every change goes both to the state (so the next operation of the batch sees it) and to
 * the list of store writes committed at the end of the batch.
 */
export class SpaceTx {
  readonly writes: StoreWrite[] = [];
  readonly audit: AuditEvent[] = [];
  readonly now: string;

  constructor(
    readonly space: string,
    readonly state: SpaceState,
    readonly nowMs: number,
    /** Who asks for the operation being decided: the engine decides a batch in one transaction, operation by operation. */
    public actor: string,
  ) {
    this.now = isoTime(nowMs);
  }

  pool(name: string, field = 'pool'): PoolLedger {
    const ledger = this.state.ledger(name);
    if (ledger === undefined) {
      throw errors.POOL_NOT_FOUND({ case: 'pool', field, pool: name, space: this.space });
    }
    return ledger;
  }

  /** `block` is the record's CIDR, parsed (see PoolLedger.addAllocation). Returns the entry the ledger now holds. */
  saveAllocation(given: AllocationRecord, block: Cidr, action: 'allocate' | 'release'): LedgerAllocation {
    // Frozen: the space state and the store's writes hold this one object, so nobody may change
    // it under the other, and a store in this process may keep it without a copy (MemoryStore).
    const record = freezeRecord(LedgerAllocation.of(given, block));
    this.state.saveAllocation(record, block);
    // The write around it is not frozen, as freezing it cost more than making it: no store
    // changes a write (MemoryStore logs the record alone; KubernetesStore keeps the writes until
    // its projection pass and only reads them).
    this.writes.push({ type: 'saveAllocation', allocation: record });
    // One literal in the order record() builds (owner and CIDR are always known here).
    this.audit.push({ at: this.now, pool: record.pool, action, actor: this.actor, owner: record.owner, cidr: record.cidr });
    return record;
  }

  /** Removes an allocation; `reclaim` when a released block past its grace period is reused. */
  removeAllocation(pool: string, owner: string, action: 'reclaim' | 'delete-pool'): void {
    const entry = this.state.ledger(pool)?.allocations.get(owner);
    this.state.removeAllocation(pool, owner);
    this.writes.push({ type: 'removeAllocation', pool, owner });
    if (action === 'reclaim') this.record(pool, 'reclaim', owner, entry?.record.cidr);
  }

  savePool(record: PoolRecord, action: 'create-pool' | 'update-pool'): void {
    this.state.savePool(record);
    this.writes.push({ type: 'savePool', pool: record });
    this.record(record.name, action, record.owner, record.cidr);
  }

  removePool(name: string): void {
    const cidr = this.state.ledger(name)?.record.cidr;
    this.state.removePool(name);
    this.writes.push({ type: 'removePool', name });
    this.record(name, 'delete-pool', undefined, cidr);
  }

  private record(pool: string, action: AuditEvent['action'], owner: string | undefined, cidr: string | undefined): void {
    const event: AuditEvent = { at: this.now, pool, action, actor: this.actor };
    if (owner !== undefined) event.owner = owner;
    if (cidr !== undefined) event.cidr = cidr;
    this.audit.push(event);
  }
}
