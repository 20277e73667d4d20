import { CustomObjectsApi } from '@kubernetes/client-node';
import { AllocationRecord } from '../../provider/src/model/records';
import { readStoredSpec } from '../../provider/src/store/kubernetes/ledger-format';
import { at } from './kube-api';

/**
 * Compares, independently of the store's own code, what the cluster shows with what the
 * namespace's ledger holds: one SubnetPool (or SliceIpam) per pool marked with the pool's
 * revision and counting its live allocations, one SubnetPoolClaim per block and per claimed
 * child pool, one ClientIp per host address, with the right CIDR and phase, and nothing else.
 * Returns the differences, in words; none when they agree.
 */
interface Obj {
  metadata: { name: string };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

async function items(api: CustomObjectsApi, namespace: string, plural: string): Promise<Obj[]> {
  return (await api.listNamespacedCustomObject({ ...at(namespace, plural) })).items as Obj[];
}

export async function derivedDifferences(api: CustomObjectsApi, namespace: string): Promise<string[]> {
  // The ledger's records are stored compressed: the stored format's reader is the one way in.
  const ledger = (await api.getNamespacedCustomObject({ ...at(namespace, 'ipamledgers'), name: 'ledger' })) as { spec: Record<string, unknown> };
  const { pools, allocations, revisions } = readStoredSpec(namespace, ledger.spec);
  const differences: string[] = [];
  const expectSame = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) differences.push(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  const subnetPools = await items(api, namespace, 'subnetpools');
  const slices = await items(api, namespace, 'sliceipams');
  expectSame('SubnetPools', subnetPools.map((o) => o.metadata.name).sort(), pools.filter((p) => p.kind === 'pool').map((p) => p.name).sort());
  expectSame('SliceIpams', slices.map((o) => o.metadata.name).sort(), pools.filter((p) => p.kind === 'slice').map((p) => p.name).sort());
  for (const object of [...subnetPools, ...slices]) {
    const name = object.metadata.name;
    expectSame(`${name} status.ledgerVersion`, object.status?.ledgerVersion, revisions[name]);
    const live = allocations.filter((a) => a.pool === name && a.status === 'allocated');
    if (subnetPools.includes(object)) expectSame(`${name} status.liveAllocations`, object.status?.liveAllocations, live.length);
    else expectSame(`${name} clusters`, (object.status?.allocatedSubnets as { clusterName: string; subnet: string; status: string }[] | undefined)?.map((a) => `${a.clusterName}=${a.subnet}/${a.status}`).sort(), allocations.filter((a) => a.pool === name).map((a) => `${a.owner}=${a.cidr}/${a.status === 'allocated' ? 'Allocated' : 'Released'}`).sort());
  }
  const inPools = allocations.filter((a) => pools.find((p) => p.name === a.pool)?.kind === 'pool');
  const phase = (a: AllocationRecord) => (a.status === 'allocated' ? 'Bound' : 'Released');
  const claims = await items(api, namespace, 'subnetpoolclaims');
  expectSame(
    'SubnetPoolClaims',
    claims.map((c) => `${c.spec.parentPoolRef}/${c.spec.owner}=${c.status?.cidr} ${c.status?.phase}${c.status?.boundPoolName === undefined ? '' : ` -> ${c.status.boundPoolName}`}`).sort(),
    [
      ...inPools.filter((a) => a.kind === 'prefix').map((a) => `${a.pool}/${a.owner}=${a.cidr} ${phase(a)}`),
      ...pools.filter((p) => p.owner !== undefined && p.parent !== undefined).map((p) => `${p.parent}/${p.owner}=${p.cidr} Bound -> ${p.name}`),
    ].sort(),
  );
  const clientIps = await items(api, namespace, 'clientips');
  expectSame(
    'ClientIps',
    clientIps.map((c) => `${c.spec.poolRef}/${c.spec.owner}=${c.status?.cidr} ${c.status?.phase}`).sort(),
    inPools.filter((a) => a.kind === 'host').map((a) => `${a.pool}/${a.owner}=${a.cidr} ${phase(a)}`).sort(),
  );
  return differences;
}
