import { Cidr, endOf, orderOf } from '../net/cidr';
import { CellTally, finishCell } from './cells';
import { MapCell } from './model';
import { Span, blockText } from './spans';

/** A block of the pool being cut in halves: spans[lo..hi) are the spans that reach into it. */
interface Block {
  start: bigint;
  order: number;
  lo: number;
  hi: number;
  halves?: [Block, Block];
}

/** A run of the map before it is drawn: free space, (part of) one span, or a block left summarised. */
interface Run {
  first: bigint;
  last: bigint;
  kind: 'free' | 'span' | 'mixed';
  lo: number;
  hi: number;
}

/**
 * The pool as an ordered treemap, for pools a grid cannot show (an IPv6 /32 holds 2^32 /64s; a
 * grid cell big enough to keep the count bounded would show a /64 as nothing). Two steps:
 *
 * 1. Cut the pool in aligned halves, a level at a time, while a block holds more than one
 *    thing (spans, or spans and free space) and the whole level still fits the cell budget.
 *    Blocks left holding several things become summarised cells; then neighbouring free blocks
 *    merge into one free run, and pieces of one span into that span. Each cut is a binary
 *    search in the sorted spans, so the work is O(cells x log spans + spans).
 * 2. Draw the runs in address order by splitting the rectangle in two along its longer side,
 *    in proportion to the two halves' weights, recursively (an ordered binary treemap: lower
 *    addresses stay left and up). A run's weight is the bit length of its size, so a /64 and
 *    the 2^95 free addresses beside it are both visible; the area is a log scale, as the
 *    legend says.
 */
export function treemapLayout(pool: Cidr, spans: readonly Span[], maxCells: number, aspect: number): { width: number; height: number; cells: MapCell[] } {
  const root: Block = { start: pool.start, order: orderOf(pool), lo: 0, hi: spans.length };
  cutInHalves(root, spans, maxCells);
  const runs = mergeRuns(leafRuns(root, spans), spans);
  const width = Math.round(aspect * 1000);
  const height = 1000;
  const weights = runs.map((run) => (run.last - run.first + 1n).toString(2).length);
  const places = orderedTreemap(weights, width, height);
  const cells = runs.map((run, i) => {
    const tally = new CellTally(run.first, run.last);
    for (let s = run.lo; s < run.hi; s++) tally.add(spans[s]);
    return finishCell(pool.family, tally, { cidr: alignedBlock(pool, run.first, run.last), ...places[i] });
  });
  return { width, height, cells };
}

function isUniform(block: Block, spans: readonly Span[]): boolean {
  if (block.hi === block.lo) return true;
  if (block.hi - block.lo > 1) return false;
  const span = spans[block.lo];
  return span.first <= block.start && span.last >= block.start + (1n << BigInt(block.order)) - 1n;
}

/** Level by level, so every part of the pool is shown at the same depth where the budget runs out. */
function cutInHalves(root: Block, spans: readonly Span[], maxCells: number): void {
  let level = [root];
  let leaves = 1;
  for (;;) {
    const mixed = level.filter((block) => !isUniform(block, spans));
    if (mixed.length === 0 || leaves + mixed.length > maxCells) return;
    leaves += mixed.length;
    level = [];
    for (const block of mixed) {
      block.halves = halves(block, spans);
      level.push(...block.halves);
    }
  }
}

function halves(block: Block, spans: readonly Span[]): [Block, Block] {
  const order = block.order - 1;
  const mid = block.start + (1n << BigInt(order));
  // First span starting in the upper half; the one before it may straddle the middle.
  let lo = block.lo;
  let hi = block.hi;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (spans[m].first < mid) lo = m + 1;
    else hi = m;
  }
  const upperFrom = lo > block.lo && spans[lo - 1].last >= mid ? lo - 1 : lo;
  return [
    { start: block.start, order, lo: block.lo, hi: lo },
    { start: mid, order, lo: upperFrom, hi: block.hi },
  ];
}

function leafRuns(root: Block, spans: readonly Span[]): Run[] {
  const runs: Run[] = [];
  const visit = (block: Block): void => {
    if (block.halves !== undefined) {
      visit(block.halves[0]);
      visit(block.halves[1]);
      return;
    }
    const first = block.start;
    const last = first + (1n << BigInt(block.order)) - 1n;
    const kind = block.hi === block.lo ? 'free' : isUniform(block, spans) ? 'span' : 'mixed';
    runs.push({ first, last, kind, lo: block.lo, hi: block.hi });
  };
  visit(root);
  return runs;
}

/** Neighbouring free runs become one; so do neighbouring pieces of one span. */
function mergeRuns(runs: Run[], spans: readonly Span[]): Run[] {
  const merged: Run[] = [];
  for (const run of runs) {
    const previous = merged[merged.length - 1];
    const same =
      previous !== undefined &&
      previous.kind === run.kind &&
      (run.kind === 'free' || (run.kind === 'span' && spans[previous.lo] === spans[run.lo]));
    if (same) previous.last = run.last;
    else merged.push({ ...run });
  }
  return merged;
}

/** The run as a CIDR when it is one aligned block. */
function alignedBlock(pool: Cidr, first: bigint, last: bigint): string | undefined {
  const size = last - first + 1n;
  if ((size & (size - 1n)) !== 0n) return undefined;
  const order = size.toString(2).length - 1;
  if ((first & (size - 1n)) !== 0n || last > endOf(pool)) return undefined;
  return blockText(pool.family, first, order);
}

/** Rectangles for weights, in order, filling width x height: each split along the longer side, near the middle weight. */
function orderedTreemap(weights: readonly number[], width: number, height: number): { x: number; y: number; w: number; h: number }[] {
  const prefix = [0];
  for (const w of weights) prefix.push(prefix[prefix.length - 1] + w);
  const places: { x: number; y: number; w: number; h: number }[] = new Array(weights.length);
  const stack: [number, number, number, number, number, number][] = [[0, weights.length, 0, 0, width, height]];
  while (stack.length > 0) {
    const [lo, hi, x, y, w, h] = stack.pop()!;
    if (hi - lo === 1) {
      places[lo] = { x: round(x), y: round(y), w: round(w), h: round(h) };
      continue;
    }
    const total = prefix[hi] - prefix[lo];
    const split = middle(prefix, lo, hi, prefix[lo] + total / 2);
    const share = (prefix[split] - prefix[lo]) / total;
    if (w >= h) {
      stack.push([lo, split, x, y, w * share, h], [split, hi, x + w * share, y, w * (1 - share), h]);
    } else {
      stack.push([lo, split, x, y, w, h * share], [split, hi, x, y + h * share, w, h * (1 - share)]);
    }
  }
  return places;
}

/** The split point k in (lo, hi) whose prefix sum is nearest to `target`. */
function middle(prefix: readonly number[], lo: number, hi: number, target: number): number {
  let a = lo + 1;
  let b = hi - 1;
  while (a < b) {
    const m = (a + b) >> 1;
    if (prefix[m] < target) a = m + 1;
    else b = m;
  }
  return a > lo + 1 && target - prefix[a - 1] < prefix[a] - target ? a - 1 : a;
}

const round = (n: number): number => Math.round(n * 100) / 100;
