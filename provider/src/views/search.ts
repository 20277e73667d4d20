import { IpamError } from '../errors';
import { AllocationInfo, IpamApi, PoolInfo } from '../model/api';
import { parseAddressText } from '../net/address';
import { overlaps, parseCidr } from '../net/cidr';
import { parseCanonicalCidr } from '../map/fast-cidr';

interface SearchHit {
  space: string;
  pool: string;
  poolCidr: string;
  /** The allocation found, when the hit is one. */
  allocation?: Pick<AllocationInfo, 'owner' | 'cidr' | 'status' | 'graceEndsAt'>;
  /** Set when the address is the pool's gateway or in a reserved range. */
  reserved?: boolean;
}

export interface SearchResult {
  query: string;
  /** How the query was read. */
  kind: 'address' | 'cidr' | 'owner';
  hits: SearchHit[];
  /** More matched than the limit. */
  truncated: boolean;
}

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
