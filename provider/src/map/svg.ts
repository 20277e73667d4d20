import { escapeUnsafe } from '../errors';
import { formatCount } from './labels';
import { MAP_STATES, MapCell, MapState, PoolMap, STATE_NAMES } from './model';
import { PALETTE } from './palette';

/**
 * The map as a standalone SVG document: a <title> and <desc> for screen readers (role="img"),
 * a <title> per cell (the tooltip a browser shows on hover), and a legend. A grid cell is drawn
 * as stacked bars, one per state in proportion to its addresses (any use gets at least a
 * sliver, so one address in a /18 still shows); a treemap cell takes its main state's colour,
 * hatched when several things share it.
 */
export function renderSvg(map: PoolMap, title: string): string {
  const grid = map.layout === 'grid';
  const labelWidth = grid ? 8 + 7.5 * Math.max(...map.rowLabels!.map((l) => l.length)) : 0;
  const cellPx = grid ? Math.max(8, Math.min(40, Math.floor(768 / map.width))) : 0;
  const drawWidth = grid ? cellPx * map.width : 960;
  const drawHeight = grid ? cellPx * map.height : 600;
  const scaleX = grid ? cellPx : drawWidth / map.width;
  const scaleY = grid ? cellPx : drawHeight / map.height;
  const top = 48;
  const left = 12 + labelWidth;
  const width = Math.max(left + drawWidth + 12, 640);
  const legendTop = top + drawHeight + 24;
  const height = legendTop + 24 * Math.ceil(MAP_STATES.length / 4) + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="map-title map-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13">`,
    `<title id="map-title">${xml(title)}</title>`,
    `<desc id="map-desc">${xml(summary(map))}</desc>`,
    '<defs><pattern id="mixed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="6" fill="#ffffff" fill-opacity="0.55"/></pattern></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="16" font-weight="600" fill="#1a1a1a">${xml(title)}</text>`,
    `<text x="12" y="40" fill="#333333">${xml(subtitle(map))}</text>`,
  ];
  if (grid) {
    map.rowLabels!.forEach((label, row) => {
      out.push(`<text x="${left - 8}" y="${top + row * cellPx + cellPx / 2 + 4}" text-anchor="end" fill="#333333" font-family="ui-monospace, monospace" font-size="12">${xml(label)}</text>`);
    });
  }
  for (const cell of map.cells) {
    const x = left + cell.x * scaleX;
    const y = top + cell.y * scaleY;
    const w = cell.w * scaleX;
    const h = cell.h * scaleY;
    out.push(`<g data-state="${cell.state}"><title>${xml(cell.label)}</title>${grid ? gridCell(cell, x, y, w, h) : treemapCell(cell, x, y, w, h)}</g>`);
  }
  out.push(...legend(map, legendTop), '</svg>');
  return `${out.join('\n')}\n`;
}

function gridCell(cell: MapCell, x: number, y: number, w: number, h: number): string {
  const inner = { x: x + 0.5, y: y + 0.5, w: w - 1, h: h - 1 };
  const parts = [rect(inner.x, inner.y, inner.w, inner.h, PALETTE.free.fill)];
  let bottom = inner.y + inner.h;
  const size = Number(cell.size);
  for (const state of MAP_STATES) {
    const count = cell.counts[state];
    if (state === 'free' || count === undefined) continue;
    const share = Number(count) / size;
    const barHeight = Math.min(bottom - inner.y, Math.max(2, share * inner.h));
    bottom -= barHeight;
    parts.push(rect(inner.x, bottom, inner.w, barHeight, PALETTE[state].fill));
  }
  return parts.join('');
}

function treemapCell(cell: MapCell, x: number, y: number, w: number, h: number): string {
  const body = rect(x, y, w, h, PALETTE[cell.main].fill, ' stroke="#ffffff" stroke-width="1"');
  return cell.state === 'mixed' ? body + rect(x, y, w, h, 'url(#mixed)') : body;
}

function rect(x: number, y: number, w: number, h: number, fill: string, extra = ''): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(w, 0))}" height="${n(Math.max(h, 0))}" fill="${fill}"${extra}/>`;
}

function legend(map: PoolMap, top: number): string[] {
  const out: string[] = [];
  MAP_STATES.forEach((state: MapState, i) => {
    const x = 12 + (i % 4) * 200;
    const y = top + Math.floor(i / 4) * 24;
    out.push(`<rect x="${x}" y="${y}" width="14" height="14" fill="${PALETTE[state].fill}" stroke="#333333" stroke-width="0.5"/>`);
    out.push(`<text x="${x + 20}" y="${y + 12}" fill="#1a1a1a">${xml(STATE_NAMES[state])}</text>`);
  });
  const note = map.layout === 'grid' ? 'Bars in a cell: its addresses by state.' : 'Area grows with the log of a cell\u2019s size; hatched cells are shared.';
  out.push(`<text x="12" y="${top + 24 * Math.ceil(MAP_STATES.length / 4) + 16}" fill="#333333">${xml(`${note} ${totalsText(map)}`)}</text>`);
  return out;
}

function subtitle(map: PoolMap): string {
  return map.layout === 'grid'
    ? `${map.cells.length.toLocaleString('en-US')} cells of /${map.cellPrefix}, ${map.width} to a row, in address order`
    : `${map.cells.length.toLocaleString('en-US')} cells in address order, left to right and top to bottom`;
}

function totalsText(map: PoolMap): string {
  const parts = MAP_STATES.filter((s) => map.totals[s] !== '0').map((s) => `${STATE_NAMES[s]} ${formatCount(BigInt(map.totals[s]))}`);
  return `Addresses: ${parts.join(', ')}.`;
}

function summary(map: PoolMap): string {
  return `Address map of ${map.cidr}: ${subtitle(map)}. ${totalsText(map)} ${map.occupants.toLocaleString('en-US')} occupants.`;
}

const n = (v: number): string => String(Math.round(v * 100) / 100);

/** Text for XML: stored names may hold anything, so control characters are escaped first, then markup. */
function xml(text: string): string {
  return escapeUnsafe(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
