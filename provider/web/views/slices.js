import { get } from '../api.js';
import { h, link, when } from '../dom.js';

/** KubeSlice slices: each slice's subnet, its clusters' subnets, and how long a released subnet is held. */
export async function slicesPage() {
  const pools = (await get('/v1/pools')).filter((p) => p.kind === 'slice');
  const slices = await Promise.all(pools.map((p) => get(`/v1/namespaces/${encodeURIComponent(p.space)}/slices/${encodeURIComponent(p.name)}`)));
  const page = h('section', { 'aria-labelledby': 'slices-title' }, h('h1', { id: 'slices-title' }, 'KubeSlice slices'));
  if (slices.length === 0) page.append(h('p', {}, 'No slices. A SliceIpam resource or `ipam slice sync` makes one.'));
  for (const slice of slices) {
    const graceMs = slice.gracePeriodHours * 3600 * 1000;
    page.append(
      h(
        'article',
        { class: 'slice', 'data-slice': slice.name },
        h('h2', {}, `${slice.name} `, h('span', { class: 'hint' }, `namespace ${slice.namespace}`)),
        h(
          'p',
          {},
          'Slice subnet ',
          h('a', { href: link('pool', slice.namespace, slice.name) }, h('code', {}, slice.sliceSubnet)),
          `, a /${slice.subnetSize} per cluster, ${slice.availableSubnets} of ${slice.totalSubnets} subnets available; a released subnet is held ${slice.gracePeriodHours} h for its cluster.`,
        ),
        h(
          'table',
          {},
          h('caption', {}, `Clusters of ${slice.name}`),
          h('thead', {}, h('tr', {}, ['Cluster', 'Subnet', 'Status', 'Allocated at', 'Released at', 'Held until'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            slice.allocatedSubnets.map((c) =>
              h(
                'tr',
                { class: c.status.toLowerCase() },
                h('td', {}, c.clusterName),
                h('td', {}, h('code', {}, c.subnet)),
                h('td', {}, c.status),
                h('td', {}, when(c.allocatedAt)),
                h('td', {}, when(c.releasedAt)),
                h('td', {}, c.releasedAt === undefined ? '' : when(new Date(Date.parse(c.releasedAt) + graceMs).toISOString())),
              ),
            ),
          ),
        ),
      ),
    );
  }
  return page;
}
