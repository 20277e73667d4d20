import { get } from '../api.js';
import { h, link, when } from '../dom.js';

/** Search results: an address as `ipam find` answers it, a CIDR's overlapping pools and blocks, or owners by name. */
export async function searchPage(q) {
  document.getElementById('q').value = q;
  const result = await get('/v1/search', { q });
  const how = { address: 'the address', cidr: 'blocks overlapping', owner: 'owners and pools containing' }[result.kind];
  const page = h('section', { 'aria-labelledby': 'search-title' }, h('h1', { id: 'search-title' }, `Search: ${how} `, h('code', {}, result.query)));
  if (result.hits.length === 0) {
    page.append(h('p', { role: 'status' }, result.kind === 'address' ? `${result.query} is in no pool.` : 'Nothing matches.'));
    return page;
  }
  page.append(
    h(
      'table',
      { class: 'results' },
      h('caption', {}, `${result.hits.length} result${result.hits.length === 1 ? '' : 's'}${result.truncated ? ' (the first ones; narrow the search)' : ''}`),
      h('thead', {}, h('tr', {}, ['Space', 'Pool', 'Pool block', 'Held by', 'Block', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        result.hits.map((hit) =>
          h(
            'tr',
            {},
            h('td', {}, hit.space),
            h('td', {}, h('a', { href: hit.allocation === undefined ? link('pool', hit.space, hit.pool) : `${link('pool', hit.space, hit.pool)}?owner=${encodeURIComponent(hit.allocation.owner)}` }, hit.pool)),
            h('td', {}, h('code', {}, hit.poolCidr)),
            h('td', {}, hit.allocation?.owner ?? (hit.reserved ? 'reserved (gateway or reserved range)' : '')),
            h('td', {}, hit.allocation === undefined ? '' : h('code', {}, hit.allocation.cidr)),
            h('td', {}, hit.allocation === undefined ? (hit.reserved ? 'reserved' : 'pool') : hit.allocation.status === 'released' ? `released, held until ${when(hit.allocation.graceEndsAt)}` : hit.allocation.status),
          ),
        ),
      ),
    ),
  );
  return page;
}
