import { escapeUnsafe } from '../errors';
import { formatCount } from './labels';
import { MAP_STATES, MapCell, MapState, PoolMap, STATE_NAMES } from './model';
import { PALETTE } from './palette';

export interface TerminalOptions {
  /** ANSI colours and Unicode blocks (a terminal), or letters (a pipe, a file). */
  color: boolean;
  /** Treemap only: characters across and lines down (default 64 x 20). */
  columns?: number;
  lines?: number;
  /** Treemap only: how many cells to list under the drawing (default 24). */
  listed?: number;
}

const RESET = '\u001b[0m';

/**
 * The map as terminal text. A grid prints one cell per character (letters) or per two
 * characters (coloured blocks, square on most terminals), a row per line with the row's first
 * address; a treemap is rasterised to a character grid and followed by its cells in words.
 * Stored owner names are escaped here, since the colours mean the CLI cannot escape the
 * whole text after us.
 */
export function renderTerminal(map: PoolMap, title: string, options: TerminalOptions): string {
  const lines = [escapeUnsafe(title)];
  if (map.layout === 'grid') lines.push(...gridLines(map, options.color));
  else lines.push(...treemapLines(map, options));
  lines.push('', ...legend(map, options.color));
  return lines.join('\n');
}

function glyph(cell: MapCell, color: boolean): string {
  const style = PALETTE[cell.main];
  if (!color) return cell.state === 'mixed' && cell.counts.free !== undefined ? style.letter.toLowerCase() : style.letter;
  if (cell.main === 'free') return swatch('free');
  const free = cell.counts.free === undefined ? 0 : Number((BigInt(cell.counts.free) * 100n) / BigInt(cell.size));
  return swatch(cell.main, free === 0 ? '██' : free <= 50 ? '▓▓' : '▒▒');
}

function swatch(state: MapState, block = state === 'free' ? '░░' : '██'): string {
  return `\u001b[${PALETTE[state].ansi}m${block}${RESET}`;
}

function gridLines(map: PoolMap, color: boolean): string[] {
  const width = Math.max(...map.rowLabels!.map((l) => l.length));
  const lines = [`grid of ${map.cells.length.toLocaleString('en-US')} cells, each a /${map.cellPrefix}, ${map.width} to a row`];
  for (let row = 0; row < map.height; row++) {
    const cells = map.cells.slice(row * map.width, (row + 1) * map.width);
    lines.push(`${map.rowLabels![row].padEnd(width)}  ${cells.map((c) => glyph(c, color)).join('')}`);
  }
  return lines;
}

function treemapLines(map: PoolMap, options: TerminalOptions): string[] {
  const columns = options.columns ?? 64;
  const rows = options.lines ?? 20;
  const lines = [`treemap of ${map.cells.length.toLocaleString('en-US')} cells in address order (left to right, top to bottom); area grows with the log of a cell's size`];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < columns; c++) {
      const x = ((c + 0.5) / columns) * map.width;
      const y = ((r + 0.5) / rows) * map.height;
      const cell = map.cells.find((k) => x >= k.x && x < k.x + k.w && y >= k.y && y < k.y + k.h) ?? map.cells[map.cells.length - 1];
      // One character per position: a coloured block is drawn single here.
      line += options.color ? glyph(cell, true).replace(/(.)\1/, '$1') : glyph(cell, false);
    }
    lines.push(line);
  }
  const listed = options.listed ?? 24;
  const shown = map.cells.filter((c) => c.main !== 'free').slice(0, listed);
  lines.push('', shown.length === 0 ? 'nothing allocated' : 'taken cells, in address order:');
  for (const cell of shown) lines.push(`  ${glyph(cell, options.color)} ${escapeUnsafe(cell.label)}`);
  const more = map.cells.filter((c) => c.main !== 'free').length - shown.length;
  if (more > 0) lines.push(`  ... and ${more.toLocaleString('en-US')} more (ipam pool map --json lists every cell)`);
  return lines;
}

function legend(map: PoolMap, color: boolean): string[] {
  const entries = MAP_STATES.map((s) => `${color ? swatch(s) : PALETTE[s].letter} ${STATE_NAMES[s]}`);
  const lines = [entries.join('   ')];
  if (!color) lines.push('lowercase: the state holding most of a cell that is partly free');
  else lines.push('▓ partly free, ▒ mostly free');
  const totals = MAP_STATES.filter((s) => map.totals[s] !== '0').map((s) => `${STATE_NAMES[s]} ${formatCount(BigInt(map.totals[s]))}`);
  const total = MAP_STATES.reduce((sum, s) => sum + BigInt(map.totals[s]), 0n);
  lines.push(`addresses: ${totals.join(', ')} (of ${formatCount(total)}); ${map.occupants.toLocaleString('en-US')} occupants`);
  return lines;
}
