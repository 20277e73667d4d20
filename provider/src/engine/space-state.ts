import { LedgerAllocation, Occupant, PoolLedger } from '../allocator/pool-ledger';
import { Corruption, Holder, IpamError, StoredRow, errors } from '../errors';
import { DEFAULT_SPACE } from '../model/constants';
import { AllocationRecord, PoolRecord } from '../model/records';
import { Cidr, contains, formatCidr, parseCidr } from '../net/cidr';
import { SpaceRead } from './store';

/** Undo slots (three per change) kept between batches: a full batch of 512 allocations, and their reclaims, fits. */
const KEPT_UNDO_SLOTS = 3 * 4096;

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
  private readonly undoLog: (PoolLedger | (() => void) | string | LedgerAllocation | undefined)[] = [];
  /**
   * How much of undoLog is in use. Settling empties the entries rather than the array: emptied
   * by `length = 0`, the array let its storage go, and every batch grew it again from nothing
   * (a copy at each growth, 77 bytes an allocation).
   */
  private undoLength = 0;

  /** `space` names the address space in the errors about its stored rows. */
  constructor(readonly space: string = DEFAULT_SPACE) {}

  mark(): number {
    return this.undoLength;
  }

  /** Undoes every mutation made after the mark, newest first. */
  rollbackTo(mark: number): void {
    const log = this.undoLog;
    while (this.undoLength > mark) {
      const at = (this.undoLength -= 3);
      const step = log[at] as PoolLedger | (() => void);
      const owner = log[at + 1] as string | undefined;
      const previous = log[at + 2] as LedgerAllocation | undefined;
      log.fill(undefined, at, at + 3);
      if (typeof step === 'function') {
        step();
        continue;
      }
      step.removeAllocation(owner!);
      if (previous !== undefined) step.addAllocation(previous, previous.block);
    }
  }

  /** Undoing will give `owner` back what it held before: `previous`, or nothing. */
  private undoAllocation(ledger: PoolLedger, owner: string, previous: LedgerAllocation | undefined): void {
    this.pushUndo(ledger, owner, previous);
  }

  private undoBy(undo: () => void): void {
    this.pushUndo(undo, undefined, undefined);
  }

  private pushUndo(step: PoolLedger | (() => void), owner: string | undefined, previous: LedgerAllocation | undefined): void {
    const log = this.undoLog;
    const at = this.undoLength;
    log[at] = step;
    log[at + 1] = owner;
    log[at + 2] = previous;
    this.undoLength = at + 3;
  }

  /** Forgets the undo history: the mutations are now the store's truth. Nothing it held stays reachable from here. */
  settle(): void {
    // A batch of batches' size keeps the array; one far larger (an import of 100,000 rows takes
    // 300,000 slots) lets it go rather than keep megabytes for the life of the space.
    if (this.undoLength > KEPT_UNDO_SLOTS) this.undoLog.length = 0;
    else this.undoLog.fill(undefined, 0, this.undoLength);
    this.undoLength = 0;
  }

  ledger(name: string): PoolLedger | undefined {
    return this.pools.get(name);
  }

  childrenOf(name: string): PoolLedger[] {
    const ledger = this.pools.get(name);
    return ledger === undefined ? [] : [...ledger.children.keys()].map((child) => this.pools.get(child)!);
  }

  /** `block` is the record's CIDR, parsed (see PoolLedger.addAllocation). */
  saveAllocation(record: AllocationRecord, block: Cidr): void {
    const ledger = this.requireLedger(record.pool);
    const previous = ledger.removeAllocation(record.owner);
    ledger.addAllocation(record, block);
    this.undoAllocation(ledger, record.owner, previous);
  }

  removeAllocation(pool: string, owner: string): void {
    const ledger = this.requireLedger(pool);
    const previous = ledger.removeAllocation(owner);
    if (previous !== undefined) this.undoAllocation(ledger, owner, previous);
  }

  /** Creates a pool, or rebuilds it when its definition changed (gateway, reserved, grace...). */
  savePool(record: PoolRecord): void {
    const previous = this.pools.get(record.name);
    const next = new PoolLedger(record);
    if (previous !== undefined) {
      for (const child of previous.children.keys()) next.addChild(child, previous.children.get(child)!);
      for (const entry of previous.allocations.values()) next.addAllocation(entry);
    } else if (record.parent !== undefined) {
      const parent = this.requireLedger(record.parent);
      parent.addChild(record.name, parseCidr(record.cidr));
      this.undoBy(() => parent.removeChild(record.name));
    }
    this.pools.set(record.name, next);
    this.undoBy(() => {
      if (previous === undefined) this.pools.delete(record.name);
      else this.pools.set(record.name, previous);
    });
  }

  removePool(name: string): void {
    const previous = this.pools.get(name);
    if (previous === undefined) return;
    this.pools.delete(name);
    const parent = previous.record.parent === undefined ? undefined : this.pools.get(previous.record.parent);
    parent?.removeChild(name);
    this.undoBy(() => {
      this.pools.set(name, previous);
      parent?.addChild(name, previous.cidr);
    });
  }

  /**
   * Brings the state to the store's version. Removals go first, then pools (parents before
   * children), then allocations, so no step ever sees two holders of one block. Rows that
   * still contradict each other (a corrupted or hand-edited store) are refused as
   * STATE_CORRUPTED naming the row, and leave the state unloaded: the next read is whole.
   */
  catchUp(read: SpaceRead): void {
    this.loaded = false;
    if (read.full) {
      this.pools.clear();
    } else {
      for (const key of read.deletedAllocations) this.pools.get(key.pool)?.removeAllocation(key.owner);
      for (const record of read.allocations) this.pools.get(record.pool)?.removeAllocation(record.owner);
      for (const name of read.deletedPools) this.removePool(name);
    }
    for (const record of parentsFirst(read.pools)) this.loadPool(record);
    for (const record of read.allocations) {
      const ledger = this.pools.get(record.pool);
      if (ledger !== undefined) this.loadAllocation(ledger, record);
    }
    this.version = read.version;
    this.loaded = true;
    this.settle();
  }

  /** savePool for a stored row: its parent must be loaded and have room for it. */
  private loadPool(record: PoolRecord): void {
    if (record.parent !== undefined && !this.pools.has(record.name)) {
      const parent = this.pools.get(record.parent);
      if (parent === undefined) throw this.corrupted(record.name, { problem: 'missing-parent', parent: record.parent });
      this.checkRoom(parent, parseCidr(record.cidr), { type: 'child', name: record.name, cidr: record.cidr });
    }
    try {
      this.savePool(record);
    } catch (e) {
      // A rebuilt pool whose new reserved ranges or gateway land on a stored holder.
      throw this.corrupted(record.name, { problem: 'contradicts', cidr: record.cidr, cause: (e as Error).message });
    }
  }

  /** addAllocation for a stored row: its block must lie in the pool and be held by nobody else. */
  private loadAllocation(ledger: PoolLedger, record: AllocationRecord): void {
    const row: StoredRow = { type: 'allocation', owner: record.owner, cidr: record.cidr };
    let cidr: Cidr;
    try {
      cidr = parseCidr(record.cidr);
    } catch (e) {
      throw this.corrupted(ledger.record.name, { problem: 'not-a-block', row, cause: (e as Error).message });
    }
    this.checkRoom(ledger, cidr, row);
    ledger.addAllocation(record, cidr);
  }

  private checkRoom(ledger: PoolLedger, cidr: Cidr, row: StoredRow): void {
    const pool = ledger.record.name;
    if (!contains(ledger.cidr, cidr)) throw this.corrupted(pool, { problem: 'outside', row, poolCidr: ledger.record.cidr });
    const holder = ledger.occupantsIn(cidr)[0];
    if (holder !== undefined) throw this.corrupted(pool, { problem: 'overlaps', row, holder: holderOf(holder) });
  }

  private corrupted(pool: string, corruption: Corruption): IpamError {
    return errors.STATE_CORRUPTED({ case: 'pool', space: this.space, pool, corruption });
  }

  private requireLedger(name: string): PoolLedger {
    const ledger = this.pools.get(name);
    // Cannot happen: callers look pools up through SpaceTx.pool, which refuses a missing one as
    // POOL_NOT_FOUND first. A plain Error: a bug, not a user's mistake.
    if (ledger === undefined) throw new Error(`internal: pool "${name}" is not in the space state`);
    return ledger;
  }
}

function holderOf(occupant: Occupant): Holder {
  const cidr = formatCidr(occupant.block);
  switch (occupant.type) {
    case 'allocation':
      return { type: 'allocation', owner: occupant.owner, cidr };
    case 'child':
      return { type: 'child', name: occupant.name, cidr };
    case 'reserved':
      return { type: 'reserved', gateway: occupant.gateway, cidr };
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
