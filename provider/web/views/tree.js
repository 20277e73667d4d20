import { get, poolPath } from '../api.js';
import { count, h, link, percent } from '../dom.js';

/** Every space's pools as a tree: parent, children, and each pool's claims (loaded when opened). */
export async function treePage() {
  const pools = await get('/v1/pools');
  const page = h('section', { 'aria-labelledby': 'pools-title' }, h('h1', { id: 'pools-title' }, 'Pools'));
  if (pools.length === 0) {
    page.append(h('p', {}, 'No pools yet. Create one with ', h('code', {}, 'ipam pool create NAME CIDR'), ' or a SubnetPool in a Pulumi program.'));
    return page;
  }
  const spaces = [...new Set(pools.map((p) => p.space))].sort();
  for (const space of spaces) {
    const inSpace = pools.filter((p) => p.space === space);
    const names = new Set(inSpace.map((p) => p.name));
    const roots = inSpace.filter((p) => p.parent === undefined || !names.has(p.parent));
    page.append(
      h('h2', {}, `Space ${space}`),
      h('ul', { class: 'tree', 'data-space': space }, roots.map((p) => poolNode(p, inSpace))),
    );
  }
  return page;
}

function poolNode(pool, all) {
  const s = pool.stats;
  const children = all.filter((p) => p.parent === pool.name);
  const claims = h('ul', { class: 'claims' });
  const details = h(
    'details',
    {
      ontoggle: async () => {
        if (!details.open || claims.dataset.loaded) return;
        claims.dataset.loaded = 'yes';
        claims.replaceChildren(h('li', {}, 'Loading…'));
        const page = await get(`${poolPath(pool.space, pool.name)}/allocation-page`, { limit: 10 });
        claims.replaceChildren(
          ...page.items.map((a) => h('li', { class: `claim ${a.status}` }, h('code', {}, a.cidr), ' ', a.owner, a.status === 'released' ? ' (released)' : '')),
          page.total > page.items.length ? h('li', {}, h('a', { href: link('pool', pool.space, pool.name) }, `all ${page.total.toLocaleString('en-US')} on the pool's page`)) : null,
        );
      },
    },
    h('summary', {}, `${(s.liveAllocations + s.releasedAllocations).toLocaleString('en-US')} claims`),
    claims,
  );
  return h(
    'li',
    { class: 'pool', 'data-pool': pool.name },
    h(
      'div',
      { class: 'pool-row' },
      h('a', { class: 'pool-name', href: link('pool', pool.space, pool.name) }, pool.name),
      h('code', {}, pool.cidr),
      pool.kind === 'slice' ? h('span', { class: 'badge' }, 'slice') : null,
      h('meter', { min: 0, max: 1, value: s.utilization, optimum: 0, high: 0.8, low: 0.5, 'aria-label': `${pool.name} utilization ${percent(s.utilization)}`, title: percent(s.utilization) }),
      h('span', { class: 'figure' }, percent(s.utilization), ' used'),
      h('span', { class: 'figure' }, `${count(s.allocated)} allocated`),
      h('span', { class: 'figure' }, `${count(s.free)} free`),
      h('span', { class: 'figure' }, 'largest free ', s.largestFreeBlock === null ? 'none' : h('code', {}, s.largestFreeBlock)),
      h('span', { class: 'figure' }, `fragmentation ${percent(s.fragmentation)}`),
    ),
    details,
    children.length === 0 ? null : h('ul', {}, children.map((c) => poolNode(c, all))),
  );
}
