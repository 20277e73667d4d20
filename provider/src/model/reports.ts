/**
 * What the engine reports about a pool: its figures and its consistency check. Shapes only (zod
 * schemas, types inferred from them): the allocator computes them (allocator/stats.ts,
 * allocator/consistency.ts), and every face (HTTP, CLI, Pulumi outputs) shows them.
 */
import { z } from 'zod';

const count = (description: string) => z.string().describe(`${description}, as a decimal string`);

export const blockStatsSchema = z
  .object({
    prefixLength: z.number().int().describe('the block size counted'),
    total: count("blocks of that size in the pool (KubeSlice's totalSubnets)"),
    available: count("blocks not held by a live allocation (KubeSlice's availableSubnets: released ones count)"),
    free: count('blocks a new owner can get now'),
  })
  .describe("KubeSlice's subnet counts, for a given block size");
export type BlockStats = z.infer<typeof blockStatsSchema>;

/**
 * Figures a user reads about a pool. Computed from the ledger every time, never stored, so they
 * cannot drift from the allocations (a pool's status is recomputed on every change). Address
 * counts are decimal strings because an IPv6 pool holds more addresses than a JSON number can.
 */
export const poolStatsSchema = z
  .object({
    total: count('addresses in the pool'),
    allocated: count('addresses held by live allocations'),
    children: count('addresses carved out for child pools'),
    reserved: count('addresses reserved (reserved ranges and the gateway)'),
    releasedInGrace: count('addresses released but held for their owner until the grace period ends'),
    reclaimable: count('addresses released and past their grace period: reused once fresh space runs out'),
    free: count('addresses a new owner can get now (fresh or reclaimable)'),
    available: count('addresses not held by a live allocation, child or reservation (free + released in grace)'),
    utilization: z.number().describe('(total - available) / total, 0..1'),
    fragmentation: z.number().describe('1 - largest free block / free space, 0..1: 0 when the free space is one block'),
    largestFreeBlock: z.string().nullable().describe('the lowest of the largest free blocks, or null when the pool is full'),
    liveAllocations: z.number().int(),
    releasedAllocations: z.number().int(),
    blocks: blockStatsSchema.optional(),
  })
  .describe('figures of a pool, computed from its allocations on every read');
export type PoolStats = z.infer<typeof poolStatsSchema>;

const consistencyFindingSchema = z.enum(['DUPLICATE_OWNER', 'OVERLAPPING_BLOCKS', 'OUTSIDE_POOL', 'MALFORMED_CIDR']);

export const consistencyIssueSchema = z.object({ finding: consistencyFindingSchema, message: z.string() });
export type ConsistencyIssue = z.infer<typeof consistencyIssueSchema>;

export const consistencyReportSchema = z
  .object({
    pool: z.string(),
    ok: z.boolean().describe('true when no issue was found'),
    checkedAllocations: z.number().int(),
    issues: z.array(consistencyIssueSchema),
  })
  .describe('the stored allocations of a pool checked for overlaps, duplicate owners and strays');
export type ConsistencyReport = z.infer<typeof consistencyReportSchema>;
