import { get, poolPath } from '../api.js';
import { count, h, link, percent, when } from '../dom.js';
import { mapFigure } from '../map-view.js';

/** A pool: its figures, its address map, its allocations (sortable, paged) and its audit trail. */
export async function poolPage(space, name, query) {
  const base = poolPath(space, name);
  const [pool, map, audit] = await Promise.all([get(base), get(`${base}/map`), get(`${base}/audit`, { limit: 25 })]);
  const table = allocationsTable(base, { owner: query.owner ?? '', within: query.within ?? '' });
  const pick = (cell) => {
    const holder = cell.holder;
    if (holder?.state === 'child') location.hash = link('pool', space, holder.name);
    else if (holder?.name !== undefined) table.filter({ owner: holder.name, within: '' });
    else if (cell.cidr !== undefined) table.filter({ owner: '', within: cell.cidr });
  };
  return h(
    'article',
    { class: 'pool-page' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Pools'), ` › space ${space}`, pool.parent === undefined ? '' : [' › ', h('a', { href: link('pool', space, pool.parent) }, pool.parent)]),
    h('h1', {}, `Pool ${pool.name} `, h('code', {}, pool.cidr)),
    h('div', { class: 'overview' }, facts(pool), h('section', { 'aria-labelledby': 'map-title' }, h('h2', { id: 'map-title' }, 'Address map'), mapFigure(map, pick))),
    h('section', { 'aria-labelledby': 'alloc-title' }, h('h2', { id: 'alloc-title' }, 'Allocations'), table.element),
    h('section', { 'aria-labelledby': 'audit-title' }, h('h2', { id: 'audit-title' }, 'Audit trail'), auditTable(audit)),
  );
}

function facts(pool) {
  const s = pool.stats;
  const rows = [
    ['Space', pool.space],
    ['Kind', pool.kind],
    ['Strategy', pool.strategy],
    ['Gateway', pool.gateway],
    ['Reserved', pool.reserved.join(', ')],
    ['Grace period', `${pool.gracePeriodSeconds / 3600} h`],
    ['Children', pool.children.length === 0 ? undefined : pool.children.flatMap((c, i) => [i === 0 ? '' : ', ', h('a', { href: link('pool', pool.space, c) }, c)])],
    ['Utilization', [h('meter', { min: 0, max: 1, value: s.utilization, high: 0.8, low: 0.5, optimum: 0, 'aria-label': 'utilization' }), ` ${percent(s.utilization)}`]],
    ['Allocated', `${count(s.allocated)} addresses in ${s.liveAllocations.toLocaleString('en-US')} allocations`],
    ['Released, held', `${count(s.releasedInGrace)} addresses (${s.releasedAllocations.toLocaleString('en-US')} released allocations)`],
    ['Free', `${count(s.free)} of ${count(s.total)} addresses`],
    ['Largest free block', s.largestFreeBlock ?? 'none'],
    ['Fragmentation', percent(s.fragmentation)],
    ['Creator', pool.creator],
  ].filter(([, v]) => v !== undefined && v !== '');
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

const COLUMNS = [
  ['owner', 'Owner'],
  ['cidr', 'Block'],
  ['status', 'Status'],
  ['allocatedAt', 'Allocated at'],
];
const PAGE = 25;

/** The allocations of the pool, a page at a time from the service: sorted and filtered there. */
function allocationsTable(base, initial) {
  const state = { sort: 'cidr', order: 'asc', offset: 0, ...initial };
  const element = h('div', { class: 'allocations' });
  const ownerInput = h('input', { id: 'owner-filter', type: 'search', value: state.owner, autocomplete: 'off' });
  const form = h(
    'form',
    {
      class: 'filter',
      onsubmit: (event) => {
        event.preventDefault();
        filter({ owner: ownerInput.value.trim() });
      },
    },
    h('label', { for: 'owner-filter' }, 'Owner contains'),
    ownerInput,
    h('button', { type: 'submit' }, 'Filter'),
  );
  const body = h('div', { 'aria-live': 'polite' });
  element.append(form, body);

  async function load() {
    const page = await get(`${base}/allocation-page`, { sort: state.sort, order: state.order, offset: state.offset, limit: PAGE, owner: state.owner, within: state.within });
    const header = COLUMNS.map(([key, title]) => {
      const sorted = state.sort === key;
      return h(
        'th',
        { scope: 'col', 'aria-sort': sorted ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none' },
        h('button', { type: 'button', class: 'sort', onclick: () => sortBy(key) }, title, sorted ? (state.order === 'asc' ? ' ▲' : ' ▼') : ''),
      );
    });
    const rows = page.items.map((a) =>
      h('tr', { class: a.status, 'data-owner': a.owner }, h('td', {}, a.owner), h('td', {}, h('code', {}, a.cidr)), h('td', {}, a.status === 'released' ? `released, held until ${when(a.graceEndsAt)}` : a.status), h('td', {}, when(a.allocatedAt))),
    );
    const last = Math.min(page.offset + page.items.length, page.total);
    body.replaceChildren(
      state.within === '' ? '' : h('p', { class: 'chip' }, 'Only blocks in ', h('code', {}, state.within), ' ', h('button', { type: 'button', onclick: () => filter({ within: '' }) }, 'show all')),
      h('table', {}, h('caption', {}, page.total === 0 ? 'No allocations match.' : `Allocations ${page.offset + 1}–${last} of ${page.total.toLocaleString('en-US')}`), h('thead', {}, h('tr', {}, header)), h('tbody', {}, rows)),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Allocation pages' },
        h('button', { type: 'button', disabled: state.offset === 0, onclick: () => go(state.offset - PAGE) }, 'Previous'),
        h('button', { type: 'button', disabled: last >= page.total, onclick: () => go(state.offset + PAGE) }, 'Next'),
      ),
    );
  }
  function sortBy(key) {
    state.order = state.sort === key && state.order === 'asc' ? 'desc' : 'asc';
    state.sort = key;
    state.offset = 0;
    return load().catch(show);
  }
  function go(offset) {
    state.offset = Math.max(0, offset);
    return load().catch(show);
  }
  function filter(change) {
    Object.assign(state, change, { offset: 0 });
    ownerInput.value = state.owner;
    return load().catch(show);
  }
  function show(error) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message));
  }
  load().catch(show);
  return { element, filter };
}

function auditTable(events) {
  if (events.length === 0) return h('p', {}, 'No events yet.');
  return h(
    'table',
    { class: 'audit' },
    h('caption', {}, `The latest ${events.length} changes, newest first`),
    h('thead', {}, h('tr', {}, ['When', 'What', 'Owner', 'Block', 'Who'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, events.map((e) => h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.action), h('td', {}, e.owner ?? ''), h('td', {}, e.cidr === undefined ? '' : h('code', {}, e.cidr)), h('td', {}, e.actor)))),
  );
}
