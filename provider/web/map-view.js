import { count, h, s } from './dom.js';
import { STATES, STATE_NAMES } from './states.js';

// Draws the cells the service's map route returns (the same layout as `ipam pool map` and its
// SVG): a grid cell as stacked bars of its states, a treemap cell in its main state's colour,
// hatched when several things share it. Colours come from /ui/palette.css (map-STATE classes).
// State names and their order come from the service (/ui/states.js), as the colours do.
// The map takes the keyboard focus once: arrow keys move between cells, Enter opens one.

export function mapFigure(map, onPick) {
  const grid = map.layout === 'grid';
  const cellPx = grid ? Math.max(8, Math.min(32, Math.floor(720 / map.width))) : 0;
  const labelWidth = grid ? 8 + 7.5 * Math.max(...map.rowLabels.map((l) => l.length)) : 0;
  const width = grid ? labelWidth + cellPx * map.width : 960;
  const height = grid ? cellPx * map.height : 600;
  const sx = grid ? cellPx : width / map.width;
  const sy = grid ? cellPx : height / map.height;
  const details = h('p', { class: 'cell-details', 'aria-live': 'polite', id: 'cell-details' }, 'Point at a cell, or focus the map and use the arrow keys; Enter shows its allocations.');
  const cursor = s('rect', { class: 'cursor', width: 0, height: 0 });
  const svg = s(
    'svg',
    {
      class: 'map',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      tabindex: 0,
      role: 'group',
      'aria-label': `Address map of ${map.cidr}: ${map.cells.length} cells. Arrow keys move between cells, Enter shows a cell's allocations.`,
      'aria-describedby': 'cell-details',
    },
    s('defs', {}, s('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, s('rect', { width: 2, height: 6, fill: '#ffffff', 'fill-opacity': 0.55 }))),
  );
  if (grid) {
    map.rowLabels.forEach((label, row) => svg.append(s('text', { x: labelWidth - 8, y: row * cellPx + cellPx / 2 + 4, 'text-anchor': 'end', class: 'row-label' }, label)));
  }
  const boxes = map.cells.map((cell) => {
    const box = { x: (grid ? labelWidth : 0) + cell.x * sx, y: cell.y * sy, w: cell.w * sx, h: cell.h * sy };
    const g = s('g', { class: 'cell', 'data-state': cell.state, 'data-main': cell.main, 'data-cidr': cell.cidr, 'data-first': cell.first }, s('title', {}, cell.label));
    if (grid) gridCell(g, cell, box);
    else {
      g.append(s('rect', { x: box.x, y: box.y, width: box.w, height: box.h, class: `map-${cell.main}`, stroke: '#ffffff', 'stroke-width': 1 }));
      if (cell.state === 'mixed') g.append(s('rect', { x: box.x, y: box.y, width: box.w, height: box.h, fill: 'url(#hatch)' }));
    }
    svg.append(g);
    return box;
  });
  svg.append(cursor);
  let at = -1;
  const move = (index) => {
    at = Math.max(0, Math.min(map.cells.length - 1, index));
    const box = boxes[at];
    cursor.setAttribute('x', box.x);
    cursor.setAttribute('y', box.y);
    cursor.setAttribute('width', Math.max(box.w, 2));
    cursor.setAttribute('height', Math.max(box.h, 2));
    details.textContent = map.cells[at].label;
  };
  svg.addEventListener('mousemove', (event) => {
    const g = event.target.closest('g.cell');
    if (g !== null) move([...svg.querySelectorAll('g.cell')].indexOf(g));
  });
  svg.addEventListener('click', (event) => {
    const g = event.target.closest('g.cell');
    if (g !== null) onPick(map.cells[[...svg.querySelectorAll('g.cell')].indexOf(g)]);
  });
  svg.addEventListener('focus', () => at < 0 && move(0));
  svg.addEventListener('keydown', (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: grid ? map.width : 1, ArrowUp: grid ? -map.width : -1, Home: -Infinity, End: Infinity }[event.key];
    if (step !== undefined) {
      event.preventDefault();
      move(step === -Infinity ? 0 : step === Infinity ? map.cells.length - 1 : at + step);
    } else if (event.key === 'Enter' && at >= 0) {
      event.preventDefault();
      onPick(map.cells[at]);
    }
  });
  return h('figure', { class: 'map-figure' }, h('div', { class: 'map-scroll' }, svg), details, legend(map));
}

function gridCell(g, cell, box) {
  const inner = { x: box.x + 0.5, y: box.y + 0.5, w: box.w - 1, h: box.h - 1 };
  if (cell.state !== 'mixed') {
    g.append(s('rect', { x: inner.x, y: inner.y, width: inner.w, height: inner.h, class: `map-${cell.state}` }));
    return;
  }
  g.append(s('rect', { x: inner.x, y: inner.y, width: inner.w, height: inner.h, class: 'map-free' }));
  let bottom = inner.y + inner.h;
  for (const state of STATES) {
    if (state === 'free' || cell.counts[state] === undefined) continue;
    const share = Number(cell.counts[state]) / Number(cell.size);
    const bar = Math.min(bottom - inner.y, Math.max(2, share * inner.h));
    bottom -= bar;
    g.append(s('rect', { x: inner.x, y: bottom, width: inner.w, height: bar, class: `map-${state}` }));
  }
}

function legend(map) {
  const note = map.layout === 'grid' ? `Each cell is a /${map.cellPrefix}; its bars show its addresses by state.` : "Cells in address order; area grows with the log of a cell's size; hatched cells are shared.";
  return h(
    'figcaption',
    {},
    h('ul', { class: 'legend' }, STATES.map((state) => h('li', {}, h('span', { class: `swatch map-${state}`, 'aria-hidden': 'true' }), `${STATE_NAMES[state]}: ${count(map.totals[state])}`))),
    h('p', { class: 'hint' }, note),
  );
}
