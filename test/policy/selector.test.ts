import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamApi } from '../../provider/src/model/api';
import { OpenBackend, onEveryBackend } from '../support/backends';
import { expectIpamError } from '../support/expect-error';

/**
 * Pools chosen by labels (topology-aware pool selection: a VM in zone A gets an address of a
 * zone-A pool), on every backend: which pool is chosen and in what order, idempotence by owner,
 * and two stacks racing for the last block of the only matching pool.
 */
async function zones(open: OpenBackend) {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const opened = await open({ now: () => now });
  const { ipam } = opened;
  await ipam.createPool({ name: 'zone-a', cidr: '10.1.0.0/16', defaultPrefixLength: 24, labels: { zone: 'a', env: 'prod' } });
  await ipam.createPool({ name: 'zone-b', cidr: '10.2.0.0/16', defaultPrefixLength: 24, labels: { zone: 'b', env: 'prod' } });
  await ipam.createPool({ name: 'zone-b-small', cidr: '10.3.0.0/20', defaultPrefixLength: 24, labels: { zone: 'b', env: 'prod' } });
  await ipam.createPool({ name: 'lab', cidr: '10.9.0.0/16', defaultPrefixLength: 24, labels: { env: 'lab' } });
  return { ...opened, advance: (ms: number) => (now += ms), clock: () => now };
}

const claim = (ipam: IpamApi, owner: string, poolSelector: unknown, extra: object = {}) =>
  ipam.allocateBySelector({ owner, poolSelector: poolSelector as Record<string, string>, ...extra });

onEveryBackend('pools chosen by labels', [], (open) => {
  it('a claim by {zone: "a"} gets a block of the zone-a pool, and the answer names the pool', async () => {
    const { ipam } = await zones(open);
    const a = await claim(ipam, 'vm-1', { zone: 'a' });
    expect([a.pool, a.cidr, a.poolCidr]).to.deep.equal(['zone-a', '10.1.0.0/24', '10.1.0.0/16']);
  });

  it('the three ways to write a selector choose alike: a map, a LabelSelector, selector text', async () => {
    const { ipam } = await zones(open);
    expect((await claim(ipam, 'm', { zone: 'b' })).pool).to.equal('zone-b');
    expect((await claim(ipam, 's', { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] })).pool).to.equal('zone-a');
    expect((await claim(ipam, 't', 'env in (lab,test),!zone')).pool).to.equal('lab');
  });

  it('among matching pools: most free addresses first, then the name; a priority label goes before both', async () => {
    const { ipam } = await zones(open);
    // zone-b (a /16) has more free space than zone-b-small (a /20).
    expect((await claim(ipam, 'first', { zone: 'b' })).pool).to.equal('zone-b');
    await ipam.updatePool({ pool: 'zone-b-small', labels: { zone: 'b', env: 'prod', priority: '10' } });
    expect((await claim(ipam, 'second', { zone: 'b' })).pool).to.equal('zone-b-small');
  });

  it('a full pool passes the claim to the next matching pool', async () => {
    const { ipam } = await zones(open);
    await ipam.updatePool({ pool: 'zone-b-small', labels: { zone: 'b', priority: '1' } });
    for (let i = 0; i < 16; i++) expect((await claim(ipam, `fill-${i}`, { zone: 'b' })).pool).to.equal('zone-b-small');
    expect((await claim(ipam, 'overflow', { zone: 'b' })).pool).to.equal('zone-b');
  });

  it('is idempotent: the owner gets its block again, even when another pool now has more room', async () => {
    const { ipam } = await zones(open);
    const first = await claim(ipam, 'vm-1', { zone: 'b' });
    await ipam.updatePool({ pool: 'zone-b-small', labels: { zone: 'b', priority: '5' } });
    const again = await claim(ipam, 'vm-1', { zone: 'b' });
    expect([again.pool, again.cidr]).to.deep.equal([first.pool, first.cidr]);
    expect((await ipam.listAllocations({ pool: 'zone-b-small' })).length).to.equal(0);
  });

  it('a released owner that returns within its grace period gets its old block from its old pool', async () => {
    const { ipam } = await zones(open);
    const first = await claim(ipam, 'vm-1', { zone: 'b' });
    await ipam.release({ pool: first.pool, owner: 'vm-1' });
    await ipam.updatePool({ pool: 'zone-b-small', labels: { zone: 'b', priority: '5' } });
    const back = await claim(ipam, 'vm-1', { zone: 'b' });
    expect([back.pool, back.cidr, back.status]).to.deep.equal(['zone-b', '10.2.0.0/24', 'allocated']);
  });

  it('no matching pool: NO_MATCHING_POOL naming the selector, and the fix as a hint each face words', async () => {
    const { ipam } = await zones(open);
    await expectIpamError(claim(ipam, 'x', { zone: 'c' }), 'NO_MATCHING_POOL',
      'poolSelector: no pool in address space "default" has labels matching "zone=c"', { kind: 'label-pool', space: 'default', selector: 'zone=c' });
  });

  it('a bad selector is refused by name before anything is chosen', async () => {
    const { ipam } = await zones(open);
    await expectIpamError(claim(ipam, 'x', 'zone in ()'), 'INVALID_INPUT', 'poolSelector: In on label "zone" needs at least one value');
    await expectIpamError(claim(ipam, 'x', {}), 'INVALID_INPUT',
      'poolSelector: the selector is empty and would match every pool; give labels like {"zone": "eu-west-1a"}, a Kubernetes label selector {matchLabels, matchExpressions}, or text like "zone=eu-west-1a,env in (prod,staging)"');
  });

  it('when every matching pool refuses, the error names each pool and why', async () => {
    const { ipam } = await zones(open);
    await expectIpamError(claim(ipam, 'huge', { zone: 'b' }, { prefixLength: 12 }), 'INVALID_PREFIX_LENGTH',
      'poolSelector: none of the 2 pools matching "zone=b" can take this request. ' +
        'pool "zone-b": prefixLength: /12 cannot be carved from pool "zone-b" (10.2.0.0/16); choose between /16 and /32; ' +
        'pool "zone-b-small": prefixLength: /12 cannot be carved from pool "zone-b-small" (10.3.0.0/20); choose between /20 and /32');
  });

  it('two stacks race for the last block of the only matching pool: one gets it, the other POOL_EXHAUSTED', async () => {
    const { ipam, store, clock } = await zones(open);
    await ipam.createPool({ name: 'edge', cidr: '10.50.0.0/23', defaultPrefixLength: 24, labels: { zone: 'edge' } });
    await claim(ipam, 'early', { zone: 'edge' });
    // A second writer with its own engine and cache, as another stack's `pulumi up` would be.
    const other = Ipam.create(store, { now: clock });
    const results = await Promise.allSettled([
      claim(ipam, 'stack-a', { zone: 'edge' }, { creator: 'pulumi:acme/a' }),
      claim(other, 'stack-b', { zone: 'edge' }, { creator: 'pulumi:acme/b' }),
    ]);
    const granted = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ cidr: string }>).value.cidr);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as { code: string }).code);
    expect([granted, refused]).to.deep.equal([['10.50.1.0/24'], ['POOL_EXHAUSTED']]);
    expect((await ipam.listAllocations({ pool: 'edge' })).map((a) => a.cidr)).to.deep.equal(['10.50.0.0/24', '10.50.1.0/24']);
  });
});
