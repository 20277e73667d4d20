import { PoolLedger } from '../allocator/pool-ledger';
import { AllocationRecord, PoolRecord } from '../model/records';
import { Cidr, parseCidr } from '../net/cidr';
import { SpaceRead } from '../store/store';

/**
 * The engine's copy of one address space: a PoolLedger per pool, kept in step with the store
 * by applying its reads (whole or delta). Mutations can be undone back to a mark, so a batch of
 * operations decided against this state can be thrown away when its commit loses the race to
 * another process, without reloading the space.
 */
export class SpaceState {
  version = 0;
  loaded = false;
  readonly pools = new Map<string, PoolLedger>();
  private readonly undoLog: (() => void)[] = [];

  mark(): number {
    return this.undoLog.length;
  }

  /** Undoes every mutation made after the mark, newest first. */
  rollbackTo(mark: number): void {
    while (this.undoLog.length > mark) this.undoLog.pop()!();
  }

  /** Forgets the undo history: the mutations are now the store's truth. */
  settle(): void {
    this.undoLog.length = 0;
  }

  ledger(name: string): PoolLedger | undefined {
    return this.pools.get(name);
  }

  childrenOf(name: string): PoolLedger[] {
    const ledger = this.pools.get(name);
    return ledger === undefined ? [] : [...ledger.children.keys()].map((child) => this.pools.get(child)!);
  }

  /** `block` is the record's CIDR, parsed (see PoolLedger.addAllocation). */
  putAllocation(record: AllocationRecord, block: Cidr): void {
    const ledger = this.requireLedger(record.pool);
    const previous = ledger.removeAllocation(record.owner);
    ledger.addAllocation(record, block);
    this.undoLog.push(() => {
      ledger.removeAllocation(record.owner);
      if (previous !== undefined) ledger.addAllocation(previous.record, previous.cidr);
    });
  }

  deleteAllocation(pool: string, owner: string): void {
    const ledger = this.requireLedger(pool);
    const previous = ledger.removeAllocation(owner);
    if (previous !== undefined) this.undoLog.push(() => ledger.addAllocation(previous.record, previous.cidr));
  }

  /** Creates a pool, or rebuilds it when its definition changed (gateway, reserved, grace...). */
  putPool(record: PoolRecord): void {
    const previous = this.pools.get(record.name);
    const next = new PoolLedger(record);
    if (previous !== undefined) {
      for (const child of previous.children.keys()) next.addChild(child, previous.children.get(child)!);
      for (const entry of previous.allocations.values()) next.addAllocation(entry.record, entry.cidr);
    } else if (record.parent !== undefined) {
      const parent = this.requireLedger(record.parent);
      parent.addChild(record.name, parseCidr(record.cidr));
      this.undoLog.push(() => parent.removeChild(record.name));
    }
    this.pools.set(record.name, next);
    this.undoLog.push(() => {
      if (previous === undefined) this.pools.delete(record.name);
      else this.pools.set(record.name, previous);
    });
  }

  deletePool(name: string): void {
    const previous = this.pools.get(name);
    if (previous === undefined) return;
    this.pools.delete(name);
    const parent = previous.record.parent === undefined ? undefined : this.pools.get(previous.record.parent);
    parent?.removeChild(name);
    this.undoLog.push(() => {
      this.pools.set(name, previous);
      parent?.addChild(name, previous.cidr);
    });
  }

  /**
   * Brings the state to the store's version. Removals go first, then pools (parents before
   * children), then allocations, so no step ever sees two holders of one block.
   */
  apply(read: SpaceRead): void {
    if (read.full) {
      this.pools.clear();
    } else {
      for (const key of read.deletedAllocations) this.pools.get(key.pool)?.removeAllocation(key.owner);
      for (const record of read.allocations) this.pools.get(record.pool)?.removeAllocation(record.owner);
      for (const name of read.deletedPools) this.deletePool(name);
    }
    for (const record of parentsFirst(read.pools)) this.putPool(record);
    for (const record of read.allocations) this.pools.get(record.pool)?.addAllocation(record);
    this.version = read.version;
    this.loaded = true;
    this.settle();
  }

  private requireLedger(name: string): PoolLedger {
    const ledger = this.pools.get(name);
    if (ledger === undefined) throw new Error(`internal: pool "${name}" is not in the space state`);
    return ledger;
  }
}

function parentsFirst(pools: PoolRecord[]): PoolRecord[] {
  const byName = new Map(pools.map((p) => [p.name, p]));
  const ordered: PoolRecord[] = [];
  const placed = new Set<string>();
  const place = (pool: PoolRecord): void => {
    if (placed.has(pool.name)) return;
    placed.add(pool.name);
    const parent = pool.parent === undefined ? undefined : byName.get(pool.parent);
    if (parent !== undefined) place(parent);
    ordered.push(pool);
  };
  pools.forEach(place);
  return ordered;
}
