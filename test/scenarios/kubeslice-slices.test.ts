import { expect } from 'chai';
import { calculateMaxClusters } from '../../provider/src/model/slice-rules';
import { OpenBackend, onEveryBackend } from '../support/backends';
import { expectIpamError } from '../support/expect-error';

/** KubeSlice's dynamic IPAM design: its scenarios and its validation list, as tables, on every backend. */
const HOUR = 3600_000;
const T0 = Date.parse('2025-11-19T10:30:00Z');

async function world(open: OpenBackend) {
  const clock = { now: T0 };
  const { ipam } = await open({ now: () => clock.now });
  const sync = (name: string, sliceSubnet: string, clusters: string[], extra: { namespace?: string; subnetSize?: number } = {}) =>
    ipam.syncSlice({ namespace: extra.namespace ?? 'kubeslice-cisco', name, sliceSubnet, subnetSize: extra.subnetSize ?? 24, clusters });
  return { clock, ipam, sync };
}

const subnets = (s: { allocatedSubnets: { clusterName: string; subnet: string; status: string }[] }) =>
  s.allocatedSubnets.map((a) => `${a.clusterName} ${a.subnet} ${a.status}`);

onEveryBackend('KubeSlice slices', ['kubeslice-cisco', 'ns', 'other-project'], (open) => {
  it('scenario 3: blue and red slices with the same cluster names get independent subnets', async () => {
    const { ipam, sync } = await world(open);
    const blue = await sync('blue', '10.2.0.0/16', ['worker-1', 'worker-2']);
    const red = await sync('red', '10.3.0.0/16', ['worker-1', 'worker-2']);
    expect(subnets(blue)).to.deep.equal(['worker-1 10.2.0.0/24 Allocated', 'worker-2 10.2.1.0/24 Allocated']);
    expect(subnets(red)).to.deep.equal(['worker-1 10.3.0.0/24 Allocated', 'worker-2 10.3.1.0/24 Allocated']);
    for (const slice of [blue, red]) expect([slice.availableSubnets, slice.totalSubnets]).to.deep.equal([254, 256]);
    const pool = await ipam.getPool({ space: 'kubeslice-cisco', pool: 'blue' });
    expect(pool.stats.utilization).to.equal(0.0078125); // 2/256 = 0.78%, KubeSlice's ipam_utilization_rate
  });

  it('scenario 2: a removed cluster is Released (255 available), and rejoining gets the same subnet (254)', async () => {
    const { clock, sync } = await world(open);
    const initial = await sync('red', '10.2.0.0/16', ['worker-1', 'worker-2']);
    expect(initial.availableSubnets).to.equal(254);
    clock.now = T0 + 5 * 60_000;
    const removed = await sync('red', '10.2.0.0/16', ['worker-2']);
    expect(removed.allocatedSubnets[0]).to.deep.equal({
      clusterName: 'worker-1', subnet: '10.2.0.0/24', status: 'Released',
      allocatedAt: '2025-11-19T10:30:00.000Z', releasedAt: '2025-11-19T10:35:00.000Z',
    });
    expect(removed.availableSubnets).to.equal(255);
    clock.now = T0 + 10 * 60_000;
    const rejoined = await sync('red', '10.2.0.0/16', ['worker-2', 'worker-1']);
    expect(rejoined.allocatedSubnets[0]).to.deep.equal({
      clusterName: 'worker-1', subnet: '10.2.0.0/24', status: 'Allocated', allocatedAt: '2025-11-19T10:40:00.000Z',
    });
    expect(rejoined.availableSubnets).to.equal(254);
  });

  it('scenario 4: a new cluster gets the next sequential subnet', async () => {
    const { sync } = await world(open);
    await sync('dynamic-slice', '10.1.0.0/16', ['cluster-1', 'cluster-2']);
    const grown = await sync('dynamic-slice', '10.1.0.0/16', ['cluster-1', 'cluster-2', 'cluster-3']);
    expect(grown.allocatedSubnets[2]).to.include({ clusterName: 'cluster-3', subnet: '10.1.2.0/24' });
  });

  it('FindNextAvailableSubnetWithReclamation: fresh space first, then subnets released more than the grace period ago', async () => {
    const { clock, sync } = await world(open);
    // 10.1.0.0/24 allocated, 10.1.1.0/24 released 25 h ago, 10.1.2.0/24 released 1 h ago.
    await sync('s', '10.1.0.0/22', ['c0', 'c1', 'c2']);
    await sync('s', '10.1.0.0/22', ['c0', 'c2']);
    clock.now += 24 * HOUR;
    await sync('s', '10.1.0.0/22', ['c0']);
    clock.now += HOUR;
    const fresh = await sync('s', '10.1.0.0/22', ['c0', 'new-a']);
    expect(fresh.allocatedSubnets.find((a) => a.clusterName === 'new-a')!.subnet).to.equal('10.1.3.0/24');
    const reclaimed = await sync('s', '10.1.0.0/22', ['c0', 'new-a', 'new-b']);
    expect(subnets(reclaimed)).to.deep.equal([
      'c0 10.1.0.0/24 Allocated',
      'new-b 10.1.1.0/24 Allocated', // c1's, released 25 h ago: reclaimed
      'c2 10.1.2.0/24 Released', // released 1 h ago: still held for c2
      'new-a 10.1.3.0/24 Allocated',
    ]);
    await expectIpamError(sync('s', '10.1.0.0/22', ['c0', 'new-a', 'new-b', 'new-c']), 'POOL_EXHAUSTED',
      'pool "s" (10.1.0.0/22): no available subnets: no free /24 left; 256 address(es) are released but held for their owners\' grace period; release an allocation or use a larger pool');
    // The failed sync changed nothing: c2 still comes back to its own subnet.
    const back = await sync('s', '10.1.0.0/22', ['c0', 'new-a', 'new-b', 'c2']);
    expect(back.allocatedSubnets.find((a) => a.clusterName === 'c2')!.status).to.equal('Allocated');
  });

  it('scenario 1 (webhook): a sliceSubnet is unique per namespace, free across namespaces', async () => {
    const { sync } = await world(open);
    await sync('slice-pool-a', '10.100.0.0/16', ['cluster-1', 'cluster-2']);
    await expectIpamError(
      sync('slice-pool-b', '10.100.0.0/16', ['cluster-3']),
      'SLICE_SUBNET_CONFLICT',
      'sliceSubnet: Invalid value: "10.100.0.0/16": CIDR pool conflicts with existing slice \'slice-pool-a\'. Each Dynamic IPAM slice must have a unique sliceSubnet to prevent overlapping IP allocations',
    );
    expect((await sync('slice-pool-b', '10.101.0.0/16', ['cluster-3'])).allocatedSubnets).to.have.length(1);
    expect((await sync('slice-pool-a', '10.100.0.0/16', ['x'], { namespace: 'other-project' })).allocatedSubnets).to.have.length(1);
  });

  it('keeps sliceSubnet and subnetSize immutable', async () => {
    const { sync } = await world(open);
    await sync('blue', '10.2.0.0/16', ['w']);
    await expectIpamError(sync('blue', '10.9.0.0/16', ['w']), 'POOL_EXISTS',
      'sliceSubnet: slice "blue" exists with sliceSubnet 10.2.0.0/16 and subnetSize 24; these cannot change, delete the slice and create it again');
    await expectIpamError(sync('blue', '10.2.0.0/16', ['w'], { subnetSize: 25 }), 'POOL_EXISTS',
      'subnetSize: slice "blue" exists with sliceSubnet 10.2.0.0/16 and subnetSize 24; these cannot change, delete the slice and create it again');
  });

  it('refuses a cluster listed twice (ErrDuplicateCluster) and changes nothing', async () => {
    const { ipam, sync } = await world(open);
    await expectIpamError(sync('blue', '10.2.0.0/16', ['w1', 'w1']), 'INVALID_INPUT',
      'clusters[1]: duplicate cluster name in allocations: "w1" is listed twice');
    expect(await ipam.listPools({ space: 'kubeslice-cisco' })).to.deep.equal([]);
  });

  describe('validation (ValidateSliceSubnet, subnetSize, grace period), with KubeSlice\'s messages', () => {
    const cases: [string, string, number, string, string][] = [
      ['empty', '', 24, 'SLICE_SUBNET_EMPTY', 'sliceSubnet: slice subnet cannot be empty'],
      ['invalid', 'invalid', 24, 'INVALID_CIDR', 'sliceSubnet: invalid CIDR format: "invalid" is not a CIDR; write it as address/prefix, like 10.0.0.0/16 or 2001:db8::/32'],
      ['IPv6', 'fd00::/64', 24, 'SLICE_SUBNET_IPV6', 'sliceSubnet: only IPv4 subnets are supported (got fd00::/64)'],
      ['public', '8.8.8.0/24', 28, 'SLICE_SUBNET_NOT_PRIVATE', 'sliceSubnet: slice subnet must be from private IP ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) (got 8.8.8.0/24)'],
      ['straddling a private range', '192.168.0.0/15', 24, 'SLICE_SUBNET_NOT_PRIVATE', 'sliceSubnet: slice subnet must be from private IP ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) (got 192.168.0.0/15)'],
      ['too small', '10.1.0.0/32', 30, 'SLICE_SUBNET_TOO_SMALL', 'sliceSubnet: slice subnet is too small, minimum /28 required (got 10.1.0.0/32)'],
      ['too large', '10.0.0.0/7', 24, 'SLICE_SUBNET_TOO_LARGE', 'sliceSubnet: slice subnet is too large, maximum /8 allowed (got 10.0.0.0/7)'],
      ['subnetSize below 16', '10.0.0.0/8', 15, 'SUBNET_SIZE_INVALID', 'subnetSize: subnetSize must be between 16 and 30 (got 15)'],
      ['subnetSize above 30', '10.1.0.0/16', 31, 'SUBNET_SIZE_INVALID', 'subnetSize: subnetSize must be between 16 and 30 (got 31)'],
      ['subnetSize not longer than the slice', '10.1.0.0/16', 16, 'SUBNET_SIZE_TOO_SMALL', 'subnetSize: subnetSize must be greater than slice subnet prefix (/16 is not longer than /16)'],
    ];
    for (const [name, sliceSubnet, subnetSize, code, message] of cases) {
      it(`${name}: ${code}`, async () => {
        const { ipam } = await world(open);
        await expectIpamError(ipam.syncSlice({ namespace: 'ns', name: 's', sliceSubnet, subnetSize, clusters: ['a'] }), code, message);
        expect(await ipam.listPools()).to.deep.equal([]);
      });
    }

    it('accepts KubeSlice\'s good slice subnet and bounds the grace period to 1..168 hours', async () => {
      const { ipam } = await world(open);
      expect((await ipam.syncSlice({ namespace: 'ns', name: 'ok', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: [] })).totalSubnets).to.equal(256);
      await expectIpamError(
        ipam.syncSlice({ namespace: 'ns', name: 'g', sliceSubnet: '10.9.0.0/16', subnetSize: 24, clusters: [], gracePeriodHours: 169 }),
        'GRACE_PERIOD_INVALID',
        'gracePeriodHours: grace period must be a whole number of hours from 1 to 168; grace period cannot exceed 7 days (got 169)',
      );
    });
  });

  it('CalculateMaxClusters = 2^(subnetSize - slice prefix), computed, not listed', () => {
    const table: [string, number, number][] = [
      ['10.1.0.0/16', 24, 256],
      ['10.1.0.0/16', 22, 64],
      ['10.0.0.0/12', 24, 4096],
      ['192.168.0.0/20', 24, 16],
      ['10.0.0.0/8', 30, 4194304],
    ];
    for (const [subnet, size, expected] of table) expect(calculateMaxClusters(subnet, size), subnet).to.equal(expected);
    expect(() => calculateMaxClusters('10.1.0.0/16', 16)).to.throw('subnetSize must be greater than slice subnet prefix');
    expect(() => calculateMaxClusters('8.8.8.0/24', 28)).to.throw('slice subnet must be from private IP ranges');
  });
});
