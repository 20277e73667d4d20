import { IpamError } from '../errors';
import { z } from 'zod';
import { AllocationInfo, IpamApi, PoolInfo } from '../model/api';
import { allocationInfoSchema } from '../model/outputs';
import { parseAddressText } from '../net/address';
import { overlaps, parseCidr } from '../net/cidr';
import { parseCanonicalCidr } from '../map/fast-cidr';

const searchHitSchema = z.object({
  space: z.string(),
  pool: z.string(),
  poolCidr: z.string(),
  allocation: allocationInfoSchema.pick({ owner: true, cidr: true, status: true, graceEndsAt: true }).describe('the allocation found, when the hit is one').optional(),
  reserved: z.boolean().describe("set when the address is the pool's gateway or in a reserved range").optional(),
});
type SearchHit = z.infer<typeof searchHitSchema>;

/** GET /v1/search: pools and allocations by address, CIDR or owner. */
export const searchResultSchema = z
  .object({
    query: z.string(),
    kind: z.enum(['address', 'cidr', 'owner']).describe('how the query was read'),
    hits: z.array(searchHitSchema),
    truncated: z.boolean().describe('more matched than the limit'),
  })
  .describe('what a search found');
type SearchResult = z.infer<typeof searchResultSchema>;

const SEARCH_LIMIT = 100;

/**
 * The web view's search box: an address is `ipam find` (which pools hold it, which allocation);
 * a CIDR finds the pools and allocations overlapping it; any other text finds owners and pool
 * names containing it (any case). At most SEARCH_LIMIT hits, pools before allocations.
 */
export async function search(api: IpamApi, input: { q: string; space?: string }): Promise<SearchResult> {
  const query = input.q.trim();
  if (query === '') throw new IpamError('INVALID_INPUT', 'q: give an address (10.0.0.7), a CIDR (10.0.0.0/24) or part of an owner or pool name', 'q');
  if (parseAddressText(query) !== undefined) {
    const found = await api.find({ ip: query, space: input.space });
    return result(query, 'address', found.map((f) => ({ space: f.space, pool: f.pool, poolCidr: f.poolCidr, ...allocationOf(f.allocation), ...(f.reserved ? { reserved: true } : {}) })));
  }
  const pools = await api.listPools({ space: input.space });
  if (query.includes('/')) {
    const block = parseCidr(query, 'q');
    const hits: SearchHit[] = [];
    for (const pool of pools.filter((p) => overlaps(parseCidr(p.cidr), block))) {
      hits.push(poolHit(pool));
      for (const a of await api.listAllocations({ space: pool.space, pool: pool.name })) {
        if (overlaps(parseCanonicalCidr(a.cidr, 'cidr'), block)) hits.push({ ...poolHit(pool), ...allocationOf(a) });
      }
    }
    return result(query, 'cidr', hits);
  }
  const needle = query.toLowerCase();
  const hits: SearchHit[] = pools.filter((p) => p.name.toLowerCase().includes(needle)).map(poolHit);
  for (const pool of pools) {
    if (hits.length > SEARCH_LIMIT) break;
    for (const a of await api.listAllocations({ space: pool.space, pool: pool.name })) {
      if (a.owner.toLowerCase().includes(needle)) hits.push({ ...poolHit(pool), ...allocationOf(a) });
    }
  }
  return result(query, 'owner', hits);
}

function result(query: string, kind: SearchResult['kind'], hits: SearchHit[]): SearchResult {
  return { query, kind, hits: hits.slice(0, SEARCH_LIMIT), truncated: hits.length > SEARCH_LIMIT };
}

const poolHit = (pool: PoolInfo): SearchHit => ({ space: pool.space, pool: pool.name, poolCidr: pool.cidr });

function allocationOf(a: AllocationInfo | undefined): Pick<SearchHit, 'allocation'> {
  if (a === undefined) return {};
  return { allocation: { owner: a.owner, cidr: a.cidr, status: a.status, ...(a.graceEndsAt === undefined ? {} : { graceEndsAt: a.graceEndsAt }) } };
}
