import BTree from 'sorted-btree';
import { AllocationRecord, PoolRecord } from '../model/records';
import { parseAddress } from '../net/address';
import { Cidr, endOf, hostCidr, orderOf, parseCidr, compareBigints } from '../net/cidr';
import { hostExclusions } from '../net/facts';
import { FreeSpace, powerOfTwo } from './free-space';
import { LedgerAllocation } from './ledger-entry';
import { OwnerTable } from './owner-table';

export { LedgerAllocation };

/** Something that holds a block of a pool: an allocation (its ledger entry), a child pool, or a reserved range. */
export type Occupant =
  | LedgerAllocation
  | { type: 'child'; block: Cidr; name: string }
  | { type: 'reserved'; block: Cidr; gateway: boolean };

/** Addresses in the block, from the cached powers of two (net's sizeOf builds a new bigint each time). */
const blockSize = (cidr: Cidr): bigint => powerOfTwo(orderOf(cidr));
const compareExpiry = (a: [number, string], b: [number, string]): number =>
  a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/**
 * The in-memory state of one pool, kept in step with the store by the engine. It holds two
 * free-space indexes:
 *   - `fresh`: space nobody has ever held (every allocation, live or released, is occupied);
 *   - `grantable`: space a new owner may get now (released blocks past their grace period are free).
 * Preferring `fresh` over `grantable` is KubeSlice's "fresh space before reclaimable space".
 * The two differ only once a released block's grace period has ended: until then `grantable`
 * is `fresh` itself (one index to update per change, not two), and the first expiry gives it
 * its own copy (O(1): the B-trees are copy-on-write).
 * Expiry is driven by the time the caller passes to advance(): the ledger never reads a clock.
 */
export class PoolLedger {
  readonly cidr: Cidr;
  /** Addresses of the pool no host may get (network, broadcast...): fixed by the CIDR, so computed once. */
  readonly hostExclusions: readonly bigint[];
  readonly graceMs: number;
  readonly allocations = new OwnerTable<LedgerAllocation>();
  readonly children = new Map<string, Cidr>();
  /** Live allocations by creator (addresses and count), so a quota is checked without a pass over the allocations. */
  readonly liveByCreator = new Map<string, { addresses: bigint; blocks: number }>();
  readonly fresh: FreeSpace;
  /** The grantable index once it differs from `fresh` (a block has expired); see `grantable`. */
  private reclaimable: FreeSpace | undefined;
  /** Every occupant by start address; occupants never overlap, so one map answers "who holds X". */
  private readonly occupants = new BTree<bigint, Occupant>(undefined, compareBigints);
  /** Released, not yet expired allocations by (expiry time, owner). */
  private readonly expiries = new BTree<[number, string], true>(undefined, compareExpiry);
  private advancedTo = Number.NEGATIVE_INFINITY;
  /** Released allocations past their grace period: grantable, though still in the ledger. */
  private readonly expired = new Set<LedgerAllocation>();
  /** Running totals (addresses, and allocation counts), so figures never need a pass over allocations. */
  private sums = { live: 0n, released: 0n, expired: 0n, children: 0n, reserved: 0n, liveCount: 0, releasedCount: 0 };

  constructor(readonly record: PoolRecord) {
    this.cidr = parseCidr(record.cidr);
    this.hostExclusions = hostExclusions(this.cidr);
    this.graceMs = record.gracePeriodSeconds * 1000;
    const order = orderOf(this.cidr);
    this.fresh = new FreeSpace(this.cidr.start, order);
    for (const text of record.reserved) this.addReserved(parseCidr(text), false);
    if (record.gateway !== undefined) {
      const gateway = hostCidr(parseAddress(record.gateway));
      if (this.occupantsIn(gateway).length === 0) this.addReserved(gateway, true);
    }
  }

  /** Space a new owner may get now. Read it, never change it: the ledger keeps it in step. */
  get grantable(): FreeSpace {
    return this.reclaimable ?? this.fresh;
  }

  get addressSums(): Readonly<typeof this.sums> {
    return this.sums;
  }

  /** Occupants that overlap the block: at most one that holds it, or any number inside it. */
  occupantsIn(block: Cidr): Occupant[] {
    const found: Occupant[] = [];
    const before = this.occupants.getPairOrNextLower(block.start);
    if (before !== undefined && endOf(before[1].block) >= block.start) found.push(before[1]);
    const end = endOf(block);
    if (block.start < end) {
      this.occupants.forRange(block.start + 1n, end, true, (_start, occupant) => {
        found.push(occupant);
      });
    }
    return found;
  }

  /** The occupant holding an address, if any. */
  occupantAt(address: bigint): Occupant | undefined {
    const before = this.occupants.getPairOrNextLower(address);
    return before !== undefined && endOf(before[1].block) >= address ? before[1] : undefined;
  }

  isExpired(record: AllocationRecord, nowMs: number): boolean {
    return record.status === 'released' && nowMs > Date.parse(record.releasedAt!) + this.graceMs;
  }

  /**
   * Moves the ledger's notion of "now": released blocks whose grace period ended become
   * grantable. Time normally moves forward; if a caller's clock is behind the last one seen
   * (another machine, clock skew), expiries after that time are undone so nobody gets a block
   * early.
   */
  advance(nowMs: number): void {
    if (nowMs < this.advancedTo) {
      for (const entry of this.expired) {
        if (!this.isExpired(entry, nowMs)) {
          this.expired.delete(entry);
          this.reclaimable!.occupy(entry.start, orderOf(entry));
          this.expiries.set([this.expiryOf(entry), entry.owner], true);
          this.sums.expired -= blockSize(entry);
        }
      }
    }
    this.advancedTo = nowMs;
    for (;;) {
      const first = this.expiries.minKey();
      if (first === undefined || first[0] >= nowMs) break;
      this.expiries.delete(first);
      const entry = this.allocations.get(first[1])!;
      this.expired.add(entry);
      this.reclaimable ??= this.fresh.clone();
      this.reclaimable.release(entry.start, orderOf(entry));
      this.sums.expired += blockSize(entry);
    }
  }

  /**
   * Adds an allocation whose block is free in `fresh` (the engine checked it): a ledger entry
   * (held as it is) or a stored record (an entry is made of it). `cidr` is the record's block
   * when the caller has it parsed already: parsing the text is the costliest step of adding one.
   */
  addAllocation(record: AllocationRecord, cidr: Cidr = record instanceof LedgerAllocation ? record : parseCidr(record.cidr)): void {
    const order = orderOf(cidr);
    this.fresh.occupy(cidr.start, order);
    this.reclaimable?.occupy(cidr.start, order);
    const entry = LedgerAllocation.of(record, cidr);
    this.occupants.set(cidr.start, entry);
    this.allocations.set(entry);
    if (record.status === 'released') {
      this.sums.released += blockSize(cidr);
      this.sums.releasedCount += 1;
      this.expiries.set([this.expiryOf(record), record.owner], true);
      if (this.advancedTo > this.expiryOf(record)) this.advance(this.advancedTo);
    } else {
      this.sums.live += blockSize(cidr);
      this.sums.liveCount += 1;
      this.countLive(record.creator, blockSize(cidr), 1);
    }
  }

  removeAllocation(owner: string): LedgerAllocation | undefined {
    const entry = this.allocations.get(owner);
    if (entry === undefined) return undefined;
    const order = orderOf(entry);
    const expired = this.expired.delete(entry);
    this.allocations.delete(owner);
    this.occupants.delete(entry.start);
    this.fresh.release(entry.start, order);
    if (!expired) this.reclaimable?.release(entry.start, order);
    if (entry.status === 'released') {
      this.sums.released -= blockSize(entry);
      this.sums.releasedCount -= 1;
      if (expired) this.sums.expired -= blockSize(entry);
      else this.expiries.delete([this.expiryOf(entry), owner]);
    } else {
      this.sums.live -= blockSize(entry);
      this.sums.liveCount -= 1;
      this.countLive(entry.creator, -blockSize(entry), -1);
    }
    return entry;
  }

  private countLive(creator: string | undefined, addresses: bigint, blocks: number): void {
    if (creator === undefined) return;
    const held = this.liveByCreator.get(creator) ?? { addresses: 0n, blocks: 0 };
    held.addresses += addresses;
    held.blocks += blocks;
    if (held.blocks === 0) this.liveByCreator.delete(creator);
    else this.liveByCreator.set(creator, held);
  }

  addChild(name: string, cidr: Cidr): void {
    this.fresh.occupy(cidr.start, orderOf(cidr));
    this.reclaimable?.occupy(cidr.start, orderOf(cidr));
    this.occupants.set(cidr.start, { type: 'child', block: cidr, name });
    this.children.set(name, cidr);
    this.sums.children += blockSize(cidr);
  }

  removeChild(name: string): void {
    const cidr = this.children.get(name);
    if (cidr === undefined) return;
    this.children.delete(name);
    this.occupants.delete(cidr.start);
    this.fresh.release(cidr.start, orderOf(cidr));
    this.reclaimable?.release(cidr.start, orderOf(cidr));
    this.sums.children -= blockSize(cidr);
  }

  /**
   * The allocations in address order: the owner table's own order is its hash order, which no
   * user should see (in a refusal's list, an audit trail, the order clusters are released in).
   */
  inAddressOrder(): LedgerAllocation[] {
    return [...this.allocations.values()].sort((a, b) => compareBigints(a.start, b.start));
  }

  /** Released allocations still inside their grace period (held for their owner). */
  *inGrace(): Generator<LedgerAllocation> {
    for (const [[, owner]] of this.expiries.entries()) yield this.allocations.get(owner)!;
  }

  private addReserved(cidr: Cidr, gateway: boolean): void {
    this.fresh.occupy(cidr.start, orderOf(cidr));
    this.reclaimable?.occupy(cidr.start, orderOf(cidr));
    this.occupants.set(cidr.start, { type: 'reserved', block: cidr, gateway });
    this.sums.reserved += blockSize(cidr);
  }

  private expiryOf(record: AllocationRecord): number {
    return Date.parse(record.releasedAt!) + this.graceMs;
  }
}
