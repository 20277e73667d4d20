import { Cidr, orderOf } from '../net/cidr';
import { CellTally, finishCell } from './cells';
import { MapCell } from './model';
import { Span, blockText } from './spans';

export interface Grid {
  columns: number;
  rows: number;
  cells: MapCell[];
  rowLabels: string[];
}

/**
 * The pool as a grid of equal aligned blocks of `cellOrder` (log2 of a cell's addresses), in
 * address order, row by row: a /16 drawn as its /24s is 16 rows of 16, each row a /20. Each
 * cell sums the spans that reach into it. Spans never overlap, so a span covers whole cells
 * except at its two ends: the work is O(spans + cells), never O(addresses).
 */
export function gridLayout(pool: Cidr, spans: readonly Span[], cellOrder: number): Grid {
  const depth = orderOf(pool) - cellOrder;
  const count = 2 ** depth;
  const columns = 2 ** Math.ceil(depth / 2);
  const rows = count / columns;
  const cellSize = 1n << BigInt(cellOrder);
  const tallies: CellTally[] = [];
  for (let i = 0; i < count; i++) {
    const first = pool.start + BigInt(i) * cellSize;
    tallies.push(new CellTally(first, first + cellSize - 1n));
  }
  const shift = BigInt(cellOrder);
  for (const span of spans) {
    const from = Number((span.first - pool.start) >> shift);
    const to = Number((span.last - pool.start) >> shift);
    for (let i = from; i <= to; i++) tallies[i].add(span);
  }
  const cells = tallies.map((tally, i) =>
    finishCell(pool.family, tally, { cidr: blockText(pool.family, tally.first, cellOrder), x: i % columns, y: Math.floor(i / columns), w: 1, h: 1 }),
  );
  const rowLabels = Array.from({ length: rows }, (_, r) => cells[r * columns].first);
  return { columns, rows, cells, rowLabels };
}
