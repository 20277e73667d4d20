import { errors } from '../errors';
import { Cidr, bitsOf, orderOf, parseCidr } from '../net/cidr';
import { gridLayout } from './grid';
import { DEFAULT_MAX_CELLS, MAP_STATES, MAX_CELLS, MapInput, MapOptions, MapState, PoolMap } from './model';
import { Span, occupantSpans } from './spans';
import { treemapLayout } from './treemap';

/**
 * The one layout of a pool's address map, drawn by the web view, `ipam pool map` and its SVG.
 * Pure: no I/O, no clock (now comes in the input). It works from the sorted occupants and
 * bigint ranges, never from addresses: a /8 with 100,000 allocations or an IPv6 /32 costs the
 * occupants plus a bounded number of cells (at most `maxCells`, itself at most MAX_CELLS).
 *
 * - grid (the default for IPv4): equal aligned blocks, the pool's /24s when they fit the
 *   budget, coarser when not (a /8 in 1,024 cells is a grid of /18s), finer for a small pool
 *   (a /24 shows each address). Area is proportional to addresses.
 * - treemap (the default for IPv6): see treemap.ts; area on a log scale.
 */
export function layoutPoolMap(input: MapInput, options: MapOptions = {}): PoolMap {
  const pool = parseCidr(input.cidr, 'cidr');
  const maxCells = checkMaxCells(options.maxCells);
  const layout = options.layout ?? (pool.family === 4 ? 'grid' : 'treemap');
  if (layout !== 'grid' && layout !== 'treemap') throw errors.INVALID_INPUT({ case: 'map-layout', value: layout });
  if (layout === 'treemap' && options.cellPrefix !== undefined) throw errors.INVALID_INPUT({ case: 'map-treemap-cells' });
  const spans = occupantSpans(pool, input);
  const base = { cidr: input.cidr, family: pool.family, totals: totals(pool, spans), occupants: spans.length };
  if (layout === 'treemap') {
    return { ...base, layout, ...treemapLayout(pool, spans, maxCells, checkAspect(options.aspect)) };
  }
  const cellOrder = gridCellOrder(pool, options.cellPrefix, maxCells);
  const grid = gridLayout(pool, spans, cellOrder);
  return {
    ...base,
    layout,
    width: grid.columns,
    height: grid.rows,
    cellPrefix: bitsOf(pool.family) - cellOrder,
    rowLabels: grid.rowLabels,
    cells: grid.cells,
  };
}

/**
 * The cell size when none is asked for. An IPv4 pool of /16 to /14 is its /24s; a larger one
 * the smallest blocks that fit the budget (a /8 in 1,024 cells is 32 x 32 /18s); a smaller one
 * 256 cells (a /22 as its /30s, a /24 address by address). IPv6: the budget's worth of cells.
 */
function gridCellOrder(pool: Cidr, cellPrefix: number | undefined, maxCells: number): number {
  const bits = bitsOf(pool.family);
  const poolOrder = orderOf(pool);
  const budgetDepth = Math.floor(Math.log2(maxCells));
  if (cellPrefix !== undefined) {
    if (!Number.isInteger(cellPrefix) || cellPrefix < pool.prefix || cellPrefix > bits) {
      throw errors.INVALID_INPUT({ case: 'map-cell-prefix', cellPrefix, poolPrefix: pool.prefix, bits });
    }
    if (cellPrefix - pool.prefix > budgetDepth) {
      throw errors.INVALID_INPUT({ case: 'map-too-many-cells', cellPrefix, poolPrefix: pool.prefix, maxCells, depth: budgetDepth });
    }
    return bits - cellPrefix;
  }
  const wanted = pool.family === 4 ? Math.max(8, poolOrder - 8) : budgetDepth;
  return poolOrder - Math.min(budgetDepth, wanted, poolOrder);
}

function checkMaxCells(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_CELLS;
  if (!Number.isInteger(value) || value < 1 || value > MAX_CELLS) {
    throw errors.INVALID_INPUT({ case: 'map-max-cells', value, max: MAX_CELLS });
  }
  return value;
}

function checkAspect(value: number | undefined): number {
  if (value === undefined) return 1.6;
  if (!Number.isFinite(value) || value < 0.25 || value > 4) {
    throw errors.INVALID_INPUT({ case: 'map-aspect', value });
  }
  return value;
}

function totals(pool: Cidr, spans: readonly Span[]): Record<MapState, string> {
  const sums = new Map<MapState, bigint>(MAP_STATES.map((s) => [s, 0n]));
  let occupied = 0n;
  for (const span of spans) {
    const n = span.last - span.first + 1n;
    sums.set(span.holder.state, sums.get(span.holder.state)! + n);
    occupied += n;
  }
  sums.set('free', (1n << BigInt(orderOf(pool))) - occupied);
  return Object.fromEntries(MAP_STATES.map((s) => [s, sums.get(s)!.toString()])) as Record<MapState, string>;
}
