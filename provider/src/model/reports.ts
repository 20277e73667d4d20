/**
 * What the engine reports about a pool: its figures and its consistency check. Types only: the
 * allocator computes them (allocator/stats.ts, allocator/consistency.ts), and every face (HTTP,
 * CLI, Pulumi outputs) shows them.
 */

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

type ConsistencyFinding = 'DUPLICATE_OWNER' | 'OVERLAPPING_BLOCKS' | 'OUTSIDE_POOL' | 'MALFORMED_CIDR';

export interface ConsistencyIssue {
  finding: ConsistencyFinding;
  message: string;
}

export interface ConsistencyReport {
  pool: string;
  ok: boolean;
  checkedAllocations: number;
  issues: ConsistencyIssue[];
}

