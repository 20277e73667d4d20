import { z } from 'zod';
import { poolMapOf } from '../map/source';
import { MAX_CELLS, poolMapSchema } from '../map/model';
import { IpamApi } from '../model/api';
import { MAX_PAGE, PAGE_SORTS, allocationPage, allocationPageSchema } from '../views/allocation-page';
import { search, searchResultSchema } from '../views/search';
import { Route, route } from './route';
import { noParams, poolParams, queryInteger } from './schemas';

/**
 * Read-only routes for people looking at the address space (the web view at /, dashboards):
 * a pool's address map, a page of its allocations, and a search. Like the rest of the API they
 * are validated and documented from their zod schemas; each hands the request to one function
 * of map/ or views/ over the IpamApi.
 */
const POOL = '/v1/spaces/{space}/pools/{pool}';

const mapQuery = z.strictObject({
  cells: queryInteger(`at most this many cells (default 1024, at most ${MAX_CELLS})`).optional(),
  cellPrefix: queryInteger('grid cells of this prefix length, e.g. 24 for the pool\'s /24s').optional(),
  layout: z.enum(['grid', 'treemap']).describe('grid (the IPv4 default) or treemap (the IPv6 default)').optional(),
});

const pageQuery = z.strictObject({
  sort: z.enum(PAGE_SORTS).describe('sort by this column (default cidr, by address)').optional(),
  order: z.enum(['asc', 'desc']).describe('ascending (default) or descending').optional(),
  offset: queryInteger('skip this many rows (default 0)').optional(),
  limit: queryInteger(`rows per page (default 50, at most ${MAX_PAGE})`).optional(),
  owner: z.string().describe('only owners containing this text, in any case').optional(),
  within: z.string().describe('only allocations overlapping this block, e.g. a map cell').optional(),
});

const searchQuery = z.strictObject({
  q: z.string().describe('an address (10.0.0.7), a CIDR (10.0.0.0/24) or part of an owner or pool name'),
  space: z.string().describe('only this address space').optional(),
});

type Handler<P, Q, R> = (api: IpamApi, request: { params: P; query: Q }) => Promise<R>;

function get<P, Q, R>(path: string, operationId: string, summary: string, params: z.ZodType<P>, query: z.ZodType<Q>, response: z.ZodType<R>, handle: Handler<P, Q, R>): Route {
  return route<P, Q, undefined, R>({ method: 'GET', path, operationId, summary, scope: 'read', params, query, status: 200, response, handle });
}

export const VIEW_ROUTES: Route[] = [
  get(
    `${POOL}/map`,
    'poolMap',
    "The pool's address map: a bounded list of cells (a grid of equal blocks for IPv4, an ordered treemap for IPv6) with their states, counts and labels",
    poolParams,
    mapQuery,
    poolMapSchema,
    async (api, { params, query }) =>
      (await poolMapOf(api, params, { maxCells: query.cells, cellPrefix: query.cellPrefix, layout: query.layout }, Date.now())).map,
  ),
  get(
    `${POOL}/allocation-page`,
    'allocationPage',
    "One page of a pool's allocations, filtered by owner or block and sorted: { total, offset, limit, sort, order, items }",
    poolParams,
    pageQuery,
    allocationPageSchema,
    async (api, { params, query }) => allocationPage(await api.listAllocations(params), query),
  ),
  get('/v1/search', 'search', 'Find pools and allocations by address, CIDR, or part of an owner or pool name', noParams, searchQuery, searchResultSchema, (api, { query }) => search(api, query)),
];
