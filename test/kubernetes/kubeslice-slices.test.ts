import { expect } from 'chai';
import { at } from './kube-api';
import { derivedDifferences } from './derived-check';
import { KUBESLICE_SLICES_TABLE, kubectlGet } from './kubectl';
import { useCluster } from './setup';

/**
 * KubeSlice's multi-slice scenario on the Kubernetes backend, end to end through the engine:
 * two slices with the same cluster names get independent subnets, the SliceIpam objects show
 * them, and `kubectl get sliceipams` prints AVAILABLE 254 of TOTAL 256 as KubeSlice does. Then a
 * cluster leaves (its subnet held, Released) and comes back to the same subnet.
 */
const NS = 'kubeslice-cisco';

describe('Kubernetes backend: KubeSlice slices (blue/red)', function () {
  this.timeout(120_000);
  const t = useCluster([NS]);

  it('gives worker-1/worker-2 their subnets in blue and red, shown by SliceIpam objects and kubectl', async () => {
    const ipam = await t.open(NS);
    const blue = await ipam.syncSlice({ namespace: NS, name: 'blue', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: ['worker-1', 'worker-2'] });
    const red = await ipam.syncSlice({ namespace: NS, name: 'red', sliceSubnet: '10.3.0.0/16', subnetSize: 24, clusters: ['worker-1', 'worker-2'] });
    const subnets = (slice: typeof blue) => slice.allocatedSubnets.map((a) => `${a.clusterName}=${a.subnet}`);
    expect(subnets(blue)).to.deep.equal(['worker-1=10.2.0.0/24', 'worker-2=10.2.1.0/24']);
    expect(subnets(red)).to.deep.equal(['worker-1=10.3.0.0/24', 'worker-2=10.3.1.0/24']);

    const object = await t.api.getNamespacedCustomObject({ ...at(NS, 'sliceipams'), name: 'red' });
    expect(object.spec).to.deep.equal({ sliceSubnet: '10.3.0.0/16', subnetSize: 24, gracePeriodHours: 24 });
    expect(object.status).to.include({ availableSubnets: 254, totalSubnets: 256 });
    expect(object.status.allocatedSubnets.map((a: { clusterName: string; subnet: string; status: string }) => [a.clusterName, a.subnet, a.status])).to.deep.equal([
      ['worker-1', '10.3.0.0/24', 'Allocated'],
      ['worker-2', '10.3.1.0/24', 'Allocated'],
    ]);
    expect(object.status.allocatedSubnets[0].allocatedAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await derivedDifferences(t.api, NS)).to.deep.equal([]);

    const shown = await kubectlGet(t.cluster, 'sliceipams', NS);
    if (shown !== undefined) expect(shown).to.deep.equal(KUBESLICE_SLICES_TABLE);
  });

  it('holds the subnet of a cluster that leaves (Released, AVAILABLE 255) and gives it back when it rejoins', async () => {
    const ipam = await t.open(NS);
    const slice = { namespace: NS, name: 'blue', sliceSubnet: '10.2.0.0/16', subnetSize: 24 };
    await ipam.syncSlice({ ...slice, clusters: ['worker-1', 'worker-2'] });
    const left = await ipam.syncSlice({ ...slice, clusters: ['worker-2'] });
    expect(left.allocatedSubnets.map((a) => [a.clusterName, a.subnet, a.status])).to.deep.equal([
      ['worker-1', '10.2.0.0/24', 'Released'],
      ['worker-2', '10.2.1.0/24', 'Allocated'],
    ]);
    const released = await t.api.getNamespacedCustomObject({ ...at(NS, 'sliceipams'), name: 'blue' });
    expect(released.status.availableSubnets).to.equal(255);
    expect(released.status.allocatedSubnets[0]).to.include({ clusterName: 'worker-1', subnet: '10.2.0.0/24', status: 'Released' });
    expect(released.status.allocatedSubnets[0].releasedAt).to.match(/Z$/);

    // A third cluster joining meanwhile does not get worker-1's held subnet.
    await ipam.syncSlice({ ...slice, clusters: ['worker-2', 'worker-3'] });
    const back = await ipam.syncSlice({ ...slice, clusters: ['worker-1', 'worker-2', 'worker-3'] });
    expect(back.allocatedSubnets.map((a) => [a.clusterName, a.subnet, a.status])).to.deep.equal([
      ['worker-1', '10.2.0.0/24', 'Allocated'],
      ['worker-2', '10.2.1.0/24', 'Allocated'],
      ['worker-3', '10.2.2.0/24', 'Allocated'],
    ]);
    const rejoined = await t.api.getNamespacedCustomObject({ ...at(NS, 'sliceipams'), name: 'blue' });
    expect(rejoined.status).to.include({ availableSubnets: 253, totalSubnets: 256 });
    expect(rejoined.status.allocatedSubnets[0]).to.not.have.property('releasedAt');
    expect(await derivedDifferences(t.api, NS)).to.deep.equal([]);
  });

  it('refuses a second slice with the same sliceSubnet in the namespace, as KubeSlice\'s webhook does', async () => {
    const ipam = await t.open(NS);
    await ipam.syncSlice({ namespace: NS, name: 'slice-pool-a', sliceSubnet: '10.100.0.0/16', subnetSize: 24, clusters: ['cluster-1'] });
    let error: Error | undefined;
    await ipam.syncSlice({ namespace: NS, name: 'slice-pool-b', sliceSubnet: '10.100.0.0/16', subnetSize: 24, clusters: ['cluster-3'] }).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(
      'sliceSubnet: Invalid value: "10.100.0.0/16": CIDR pool conflicts with existing slice \'slice-pool-a\'. Each Dynamic IPAM slice must have a unique sliceSubnet to prevent overlapping IP allocations',
    );
    const names = (await t.api.listNamespacedCustomObject({ ...at(NS, 'sliceipams') })).items.map((o: { metadata: { name: string } }) => o.metadata.name);
    expect(names).to.deep.equal(['slice-pool-a']);
  });
});
