import { bitsOf, formatCidr, orderOf, sizeOf } from '../net/cidr';
import { FreeSpace, powerOfTwo } from './free-space';
import { PoolLedger } from './pool-ledger';

/**
 * Figures a user reads about a pool. Computed from the ledger every time, never stored, so
 * they cannot drift from the allocations (a pool's status is recomputed on every change). Address counts are decimal strings
 * because an IPv6 pool holds more addresses than a JSON number can.
 */
export interface PoolStats {
  /** Addresses in the pool. */
  total: string;
  /** Addresses held by live allocations. */
  allocated: string;
  /** Addresses carved out for child pools. */
  children: string;
  /** Addresses reserved (reserved ranges and the gateway). */
  reserved: string;
  /** Addresses released but held for their owner until the grace period ends. */
  releasedInGrace: string;
  /** Addresses released and past their grace period: reused once fresh space runs out. */
  reclaimable: string;
  /** Addresses a new owner can get now (fresh or reclaimable). */
  free: string;
  /** Addresses not held by a live allocation, child or reservation (free + released in grace). */
  available: string;
  /** (total - available) / total, 0..1. */
  utilization: number;
  /** 1 - largest free block / free space, 0..1: 0 when the free space is one block. */
  fragmentation: number;
  /** The lowest of the largest free blocks, or null when the pool is full. */
  largestFreeBlock: string | null;
  liveAllocations: number;
  releasedAllocations: number;
  /** KubeSlice's subnet counts, for a given block size. */
  blocks?: BlockStats;
}

export interface BlockStats {
  prefixLength: number;
  /** Blocks of that size in the pool (KubeSlice's totalSubnets). */
  total: string;
  /** Blocks not held by a live allocation (KubeSlice's availableSubnets: released ones count). */
  available: string;
  /** Blocks a new owner can get now. */
  free: string;
}

export function poolStats(ledger: PoolLedger, nowMs: number, prefixLength?: number): PoolStats {
  ledger.advance(nowMs);
  const sums = ledger.addressSums;
  const total = sizeOf(ledger.cidr);
  const inGrace = sums.released - sums.expired;
  const free = ledger.grantable.freeAddresses;
  const available = free + inGrace;
  const largestOrder = ledger.grantable.largestFreeOrder();
  const stats: PoolStats = {
    total: total.toString(),
    allocated: sums.live.toString(),
    children: sums.children.toString(),
    reserved: sums.reserved.toString(),
    releasedInGrace: inGrace.toString(),
    reclaimable: sums.expired.toString(),
    free: free.toString(),
    available: available.toString(),
    utilization: ratio(total - available, total),
    fragmentation: free === 0n ? 0 : round9(1 - ratio(powerOfTwo(largestOrder), free)),
    largestFreeBlock: largestOrder < 0 ? null : lowestBlockOfOrder(ledger, largestOrder),
    liveAllocations: sums.liveCount,
    releasedAllocations: sums.releasedCount,
  };
  if (prefixLength !== undefined) stats.blocks = blockStats(ledger, prefixLength);
  return stats;
}

function blockStats(ledger: PoolLedger, prefixLength: number): BlockStats {
  const order = bitsOf(ledger.cidr.family) - prefixLength;
  const poolOrder = orderOf(ledger.cidr);
  if (order < 0 || order > poolOrder) return { prefixLength, total: '0', available: '0', free: '0' };
  const available: FreeSpace = ledger.grantable.clone();
  for (const entry of ledger.inGrace()) available.release(entry.cidr.start, orderOf(entry.cidr));
  return {
    prefixLength,
    total: (1n << BigInt(poolOrder - order)).toString(),
    available: available.countBlocks(order).toString(),
    free: ledger.grantable.countBlocks(order).toString(),
  };
}

function lowestBlockOfOrder(ledger: PoolLedger, order: number): string {
  const start = ledger.grantable.firstFit(order)!;
  return formatCidr({ family: ledger.cidr.family, start, prefix: bitsOf(ledger.cidr.family) - order });
}

/** a / b for bigints as a float, exact enough for a percentage (9 decimal places). */
export function ratio(a: bigint, b: bigint): number {
  if (b === 0n) return 0;
  return Number((a * 1_000_000_000n) / b) / 1_000_000_000;
}

function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
