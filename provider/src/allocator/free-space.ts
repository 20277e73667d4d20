import { compareBigints } from '../net/cidr';
import BTree from 'sorted-btree';


/** 2^order as a bigint, cached: the allocator asks for the same few powers millions of times. */
const POWERS: bigint[] = Array.from({ length: 129 }, (_, i) => 1n << BigInt(i));
/** ~(2^order - 1): `start & ALIGN[order]` is the start of the order-sized block holding `start`. Cached for the same reason. */
const ALIGN: bigint[] = POWERS.map((power) => ~(power - 1n));

export interface FreeBlock {
  start: bigint;
  order: number;
}

/**
 * The free space of one pool, held as its maximal free aligned blocks (the canonical CIDR
 * decomposition of every free range), grouped by order (log2 of the block size). Any free
 * aligned block lies inside exactly one maximal block, which makes the questions an allocator
 * asks cheap:
 *   - lowest free block of order k: the lowest-starting maximal block of order >= k;
 *   - smallest hole that fits (best-fit, the buddy rule): the lowest block of the smallest
 *     order >= k;
 *   - is this block free: does a maximal block of order >= k sit at its aligned-down start.
 * Occupying splits one maximal block into its buddies; freeing merges buddies back. Every
 * operation touches at most `bits` orders, each an O(log n) B-tree step: the cost depends on
 * the number of blocks, never on the number of addresses.
 */
export class FreeSpace {
  private readonly byOrder: (BTree<bigint, true> | undefined)[];
  private free: bigint;

  /** The pool block: `rootOrder` = bits - pool prefix. The whole pool starts free. */
  constructor(
    readonly rootStart: bigint,
    readonly rootOrder: number,
    empty = false,
  ) {
    this.byOrder = new Array(rootOrder + 1).fill(undefined);
    this.free = 0n;
    if (!empty) this.insert(rootStart, rootOrder);
  }

  /** O(1) copy: the trees are copy-on-write. */
  clone(): FreeSpace {
    const copy = new FreeSpace(this.rootStart, this.rootOrder, true);
    this.byOrder.forEach((tree, order) => {
      copy.byOrder[order] = tree?.clone();
    });
    copy.free = this.free;
    return copy;
  }

  get freeAddresses(): bigint {
    return this.free;
  }

  /** The maximal free block that holds the aligned block [start, start + 2^order), if it is all free. */
  maximalBlockHolding(start: bigint, order: number): FreeBlock | undefined {
    for (let o = order; o <= this.rootOrder; o++) {
      const aligned = start & ALIGN[o];
      if (this.byOrder[o]?.has(aligned)) return { start: aligned, order: o };
    }
    return undefined;
  }

  isFree(start: bigint, order: number): boolean {
    return this.maximalBlockHolding(start, order) !== undefined;
  }

  /** True when no address of the block is free (it may still be split among several occupants). */
  isFullyOccupied(start: bigint, order: number): boolean {
    if (this.isFree(start, order)) return false;
    const end = start + POWERS[order] - 1n;
    for (let o = 0; o < order; o++) {
      const next = this.byOrder[o]?.getPairOrNextHigher(start);
      if (next !== undefined && next[0] <= end) return false;
    }
    return true;
  }

  /** Marks a free aligned block as used. Throws if any of it is not free: callers check first. */
  occupy(start: bigint, order: number): void {
    const holder = this.maximalBlockHolding(start, order);
    // Cannot happen: the allocator checks a block is free before occupying it. A plain Error
    // (a bug), not an IpamError; stored state that breaks it is refused earlier as STATE_CORRUPTED.
    if (holder === undefined) throw new Error(`internal: occupy of a block that is not free (order ${order} at ${start})`);
    this.remove(holder.start, holder.order);
    // Walk down from the holder to the block, giving back the half we do not descend into.
    let current = holder.start;
    for (let o = holder.order - 1; o >= order; o--) {
      const half = POWERS[o];
      if (start >= current + half) {
        this.insert(current, o);
        current += half;
      } else {
        this.insert(current + half, o);
      }
    }
  }

  /** Gives an occupied aligned block back, merging with free buddies up to the pool block. */
  release(start: bigint, order: number): void {
    if (!this.isFullyOccupied(start, order)) {
      // Cannot happen: only occupied blocks are released (a bug, hence a plain Error).
      throw new Error(`internal: release of a block that is partly free (order ${order} at ${start})`);
    }
    let current = start;
    let o = order;
    while (o < this.rootOrder) {
      const buddy = current ^ POWERS[o];
      if (!this.byOrder[o]?.has(buddy)) break;
      this.remove(buddy, o);
      if (buddy < current) current = buddy;
      o += 1;
    }
    this.insert(current, o);
  }

  /**
   * Lowest aligned free block of the given order starting at or after `from`. For each order:
   * the lowest maximal block, when it starts at or after `from` (one cheap lookup: the usual
   * case); else the maximal block holding `from`, or the next one after it. No answer can be
   * lower than `from` rounded up to the order, so finding that stops the search.
   */
  firstFit(order: number, from: bigint = this.rootStart): bigint | undefined {
    const size = POWERS[order];
    const alignedFrom = from <= this.rootStart ? this.rootStart : (from + size - 1n) & ALIGN[order];
    let best: bigint | undefined;
    for (let o = order; o <= this.rootOrder; o++) {
      const tree = this.byOrder[o];
      if (tree === undefined || tree.size === 0) continue;
      let candidate: bigint | undefined = tree.minKey()!;
      if (candidate < from) {
        const holding = from & ALIGN[o];
        if (tree.has(holding) && alignedFrom + size <= holding + POWERS[o]) {
          candidate = alignedFrom;
        } else {
          candidate = tree.nextHigherKey(holding);
        }
      }
      if (candidate === alignedFrom) return candidate;
      if (candidate !== undefined && (best === undefined || candidate < best)) best = candidate;
    }
    return best;
  }

  /**
   * Free blocks of the given order from the smallest holes first (lowest address within a hole
   * size): the buddy allocator's best-fit, which keeps large blocks whole. Lazy, so a caller that
   * must skip a few addresses (network, broadcast) reads only what it needs.
   */
  *bestFitCandidates(order: number): Generator<bigint> {
    const size = POWERS[order];
    for (let o = order; o <= this.rootOrder; o++) {
      const tree = this.byOrder[o];
      if (tree === undefined) continue;
      for (const start of tree.keys()) {
        for (let sub = start; sub < start + POWERS[o]; sub += size) yield sub;
      }
    }
  }

  /** Free blocks of the given order, in address order. Lazy for the same reason as best-fit. */
  *firstFitCandidates(order: number): Generator<bigint> {
    let from = this.rootStart;
    for (;;) {
      const next = this.firstFit(order, from);
      if (next === undefined) return;
      yield next;
      from = next + POWERS[order];
    }
  }

  /** How many aligned blocks of the given order are free: sum over maximal blocks, never a scan of blocks. */
  countBlocks(order: number): bigint {
    let count = 0n;
    for (let o = order; o <= this.rootOrder; o++) {
      const tree = this.byOrder[o];
      if (tree !== undefined && tree.size > 0) count += BigInt(tree.size) << BigInt(o - order);
    }
    return count;
  }

  /** Order of the largest free aligned block, or -1 when nothing is free. */
  largestFreeOrder(): number {
    for (let o = this.rootOrder; o >= 0; o--) {
      const tree = this.byOrder[o];
      if (tree !== undefined && tree.size > 0) return o;
    }
    return -1;
  }

  /** Every maximal free block in address order (for tests and diagnostics). */
  blocks(): FreeBlock[] {
    const all: FreeBlock[] = [];
    this.byOrder.forEach((tree, order) => {
      tree?.forEach((_v, start) => {
        all.push({ start, order });
      });
    });
    return all.sort((a, b) => compareBigints(a.start, b.start));
  }

  private insert(start: bigint, order: number): void {
    let tree = this.byOrder[order];
    if (tree === undefined) {
      tree = new BTree<bigint, true>(undefined, compareBigints);
      this.byOrder[order] = tree;
    }
    tree.set(start, true);
    this.free += POWERS[order];
  }

  private remove(start: bigint, order: number): void {
    this.byOrder[order]!.delete(start);
    this.free -= POWERS[order];
  }
}

export function powerOfTwo(order: number): bigint {
  return POWERS[order];
}
