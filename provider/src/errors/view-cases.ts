import { at } from './define';

/**
 * The address map (map/, `ipam pool map`) and the web view's read views (views/): refusals of
 * what a map or a page is asked to show. Cases of INVALID_INPUT (input-codes.ts spreads them in).
 */

/** How a map refusal names the pool it is drawing: by its size, the one thing that matters there. */
const thePool = (poolPrefix: number) => `the pool (/${poolPrefix})`;

export const VIEW_INPUT_CASES = {
  'map-layout': (p: { value: unknown }) => at('layout', `"${String(p.value)}" is not a map layout; use grid or treemap`),
  'map-treemap-cells': () => at('cellPrefix', 'only a grid has cells of one size; leave it out for a treemap'),
  'map-cell-prefix': (p: { cellPrefix: number; poolPrefix: number; bits: number }) =>
    at('cellPrefix', `/${p.cellPrefix} is not a block size of ${thePool(p.poolPrefix)}; give a prefix length from /${p.poolPrefix} to /${p.bits}`),
  /** More cells of that size than the budget: the finest size that fits is /(poolPrefix + depth). */
  'map-too-many-cells': (p: { cellPrefix: number; poolPrefix: number; maxCells: number; depth: number }) =>
    at(
      'cellPrefix',
      `${thePool(p.poolPrefix)} holds 2^${p.cellPrefix - p.poolPrefix} blocks of /${p.cellPrefix}, more than the ${p.maxCells} cells allowed; give /${p.poolPrefix + p.depth} or a shorter prefix`,
    ),
  'map-max-cells': (p: { value: number; max: number }) => at('maxCells', `${p.value} is not a cell count the map can draw; give a whole number from 1 to ${p.max}`),
  'map-aspect': (p: { value: number }) => at('aspect', `${p.value} is not a width/height ratio the map can draw; give a number from 0.25 to 4`),
  'map-svg-file': (p: { file: string; cause: string }) => at('svg', `cannot write ${p.file} (${p.cause}); give a file in a folder that exists`),
  'search-empty': () => at('q', 'give an address (10.0.0.7), a CIDR (10.0.0.0/24) or part of an owner or pool name'),
  'page-size': (p: { limit: number; max: number }) => at('limit', `${p.limit} rows is not a page size; give 1 to ${p.max}`),
} as const;
