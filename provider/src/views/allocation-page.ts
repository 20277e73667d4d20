import { IpamError } from '../errors';
import { z } from 'zod';
import { AllocationInfo } from '../model/api';
import { allocationInfoSchema } from '../model/outputs';
import { Cidr, endOf, parseCidr } from '../net/cidr';
import { parseCanonicalCidr } from '../map/fast-cidr';

const pageSortSchema = z.enum(['cidr', 'owner', 'status', 'allocatedAt']);
export const PAGE_SORTS = pageSortSchema.options;
type PageSort = z.infer<typeof pageSortSchema>;

export interface PageQuery {
  sort?: PageSort;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
  /** Only owners containing this text (any case). */
  owner?: string;
  /** Only allocations overlapping this block (a map cell). */
  within?: string;
}

/** GET .../pools/{pool}/allocation-page: one page of a pool's allocations. */
export const allocationPageSchema = z
  .object({
    total: z.number().int().describe('allocations that match the filters (all pages)'),
    offset: z.number().int(),
    limit: z.number().int(),
    sort: pageSortSchema,
    order: z.enum(['asc', 'desc']),
    items: z.array(allocationInfoSchema),
  })
  .describe("one page of a pool's allocations, filtered and sorted");
type AllocationPage = z.infer<typeof allocationPageSchema>;

const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/**
 * One page of a pool's allocations, filtered and sorted, for the web view's table: a pool of
 * 100,000 allocations sends 50 rows, not 100,000. Blocks sort by address (as numbers, so
 * 10.0.10.0 comes after 10.0.9.0), ties by owner.
 */
export function allocationPage(all: readonly AllocationInfo[], query: PageQuery): AllocationPage {
  const sort = query.sort ?? 'cidr';
  const order = query.order ?? 'asc';
  const offset = query.offset ?? 0;
  const limit = query.limit ?? DEFAULT_PAGE;
  if (limit < 1 || limit > MAX_PAGE) throw new IpamError('INVALID_INPUT', `limit: ${limit} rows is not a page size; give 1 to ${MAX_PAGE}`, 'limit');
  let rows = all.map((info) => ({ info, cidr: parseCanonicalCidr(info.cidr, 'cidr') }));
  if (query.within !== undefined) {
    const block = parseCidr(query.within, 'within');
    rows = rows.filter((row) => overlapping(block, row.cidr));
  }
  if (query.owner !== undefined && query.owner !== '') {
    const needle = query.owner.toLowerCase();
    rows = rows.filter((row) => row.info.owner.toLowerCase().includes(needle));
  }
  const direction = order === 'asc' ? 1 : -1;
  const byOwner = (a: AllocationInfo, b: AllocationInfo) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0);
  rows.sort((a, b) => {
    let c = 0;
    if (sort === 'cidr') c = a.cidr.start < b.cidr.start ? -1 : a.cidr.start > b.cidr.start ? 1 : a.cidr.prefix - b.cidr.prefix;
    else if (sort !== 'owner') c = a.info[sort] < b.info[sort] ? -1 : a.info[sort] > b.info[sort] ? 1 : 0;
    return direction * (c || byOwner(a.info, b.info));
  });
  return { total: rows.length, offset, limit, sort, order, items: rows.slice(offset, offset + limit).map((row) => row.info) };
}

function overlapping(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.start <= endOf(b) && b.start <= endOf(a);
}
