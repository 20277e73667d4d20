import { expect } from 'chai';
import { at, refusal } from './kube-api';
import { derivedDifferences } from './derived-check';
import { kubectl, kubectlAvailable, tableRows } from './kubectl';
import { useCluster } from './setup';

/**
 * Pools, claims and client IPs as the cluster shows them (pool claims, VPN client addresses, pool status), and a pool
 * deleted with kubectl: kept by its finalizer while it holds live allocations, the engine's
 * refusal shown on it, and let go once it is empty.
 */
const NS = 'team-a';

describe('Kubernetes backend: pools, claims and client IPs as objects', function () {
  this.timeout(120_000);
  const t = useCluster([NS]);
  const get = (plural: string, name: string) => t.api.getNamespacedCustomObject({ ...at(NS, plural), name });

  it('shows pools, child pools, claims and client IPs, with figures recomputed on every change (as the pool status reconciler does)', async () => {
    const ipam = await t.open(NS);
    await ipam.createPool({ name: 'corp', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    await ipam.allocate({ pool: 'corp', owner: 'web' });
    await ipam.allocate({ pool: 'corp', owner: 'dev/db/Primary', prefixLength: 26 });
    await ipam.createPool({ name: 'finance', parent: 'corp', prefixLength: 20, owner: 'finance-tenant-pool' });
    await ipam.createPool({ name: 'vpn', cidr: '10.8.0.0/24', gateway: true });
    await ipam.allocate({ pool: 'vpn', owner: 'alice', kind: 'host' });

    const corp = await get('subnetpools', 'corp');
    expect(corp.metadata.finalizers).to.deep.equal(['ipam.pulumi-ipam.dev/ledger']);
    expect(corp.spec).to.deep.equal({ cidr: '10.0.0.0/16', strategy: 'first-fit', reserved: [], gracePeriodSeconds: 86400, defaultPrefixLength: 24 });
    expect(corp.status).to.include({ phase: 'Ready', total: '65536', allocated: '320', liveAllocations: 2, utilization: '6.74%' });
    expect(corp.status.children).to.deep.equal(['finance']);
    // The condition dates from the pool's creation in the ledger, which the API server's own
    // creationTimestamp of the derived object may follow by a second boundary.
    const created = (await ipam.getPool({ pool: 'corp' })).createdAt.replace(/\.\d+Z$/, 'Z');
    expect(corp.status.conditions).to.deep.equal([{ type: 'Ready', status: 'True', reason: 'CIDRAssigned', message: '10.0.0.0/16 is assigned', lastTransitionTime: created }]);
    expect((await get('subnetpools', 'finance')).spec).to.include({ cidr: '10.0.16.0/20', claimOwner: 'finance-tenant-pool' });
    const tenant = await get('subnetpoolclaims', 'corp.finance-tenant-pool');
    expect(tenant.spec).to.deep.equal({ parentPoolRef: 'corp', desiredBlockSize: 20, owner: 'finance-tenant-pool' });
    expect(tenant.status).to.include({ phase: 'Bound', cidr: '10.0.16.0/20', boundPoolName: 'finance' });
    // An owner key that is not a DNS label gets a readable name plus a hash.
    const db = (await t.api.listNamespacedCustomObject({ ...at(NS, 'subnetpoolclaims'), labelSelector: 'ipam.pulumi-ipam.dev/pool=corp' })).items.find(
      (c: { spec: { owner: string } }) => c.spec.owner === 'dev/db/Primary',
    );
    expect(db.metadata.name).to.match(/^corp\.dev-db-primary-[0-9a-f]{10}$/);
    expect(db.status).to.include({ phase: 'Bound', cidr: '10.0.1.0/26' });
    expect((await get('clientips', 'vpn.alice')).status).to.include({ phase: 'Bound', address: '10.8.0.2', cidr: '10.8.0.2/32', gateway: '10.8.0.1', netmask: '255.255.255.255' });

    // A release rewrites the claim and the pool's figures; an operation that changes nothing writes nothing.
    await ipam.release({ pool: 'corp', owner: 'web' });
    expect((await get('subnetpoolclaims', 'corp.web')).status).to.include({ phase: 'Released', cidr: '10.0.0.0/24' });
    const after = await get('subnetpools', 'corp');
    expect(after.status).to.include({ allocated: '64', liveAllocations: 1, releasedAllocations: 1 });
    await ipam.allocate({ pool: 'corp', owner: 'dev/db/Primary', prefixLength: 26 });
    await ipam.release({ pool: 'corp', owner: 'web' });
    expect((await get('subnetpools', 'corp')).metadata.resourceVersion).to.equal(after.metadata.resourceVersion);
    // A change rewrites what it changes, and only that: not the pool's unchanged claims, not other pools.
    const [claim, vpn] = [await get('subnetpoolclaims', 'corp.web'), await get('subnetpools', 'vpn')];
    await ipam.updatePool({ pool: 'corp', description: 'corporate' });
    expect((await get('subnetpools', 'corp')).spec.description).to.equal('corporate');
    expect((await get('subnetpoolclaims', 'corp.web')).metadata.resourceVersion).to.equal(claim.metadata.resourceVersion);
    expect((await get('subnetpools', 'vpn')).metadata.resourceVersion).to.equal(vpn.metadata.resourceVersion);
    expect(await derivedDifferences(t.api, NS)).to.deep.equal([]);

    if (!(await kubectlAvailable())) return console.log('      (kubectl not installed: the kubectl part is skipped)');
    const pools = await kubectl(t.cluster, ['get', 'subnetpools', '-n', NS]);
    expect(tableRows(pools.stdout)).to.deep.equal([
      ['NAME', 'CIDR', 'ALLOCATED', 'FREE', 'UTILIZATION', 'AGE'],
      ['corp', '10.0.0.0/16', '64', '61120', '6.35%', '<age>'],
      ['finance', '10.0.16.0/20', '0', '4096', '0.00%', '<age>'],
      ['vpn', '10.8.0.0/24', '1', '254', '0.78%', '<age>'],
    ]);
    const claims = await kubectl(t.cluster, ['get', 'subnetpoolclaims', '-n', NS]);
    expect(tableRows(claims.stdout).map((row) => row.slice(0, 5))).to.deep.equal([
      ['NAME', 'POOL', 'CIDR', 'PHASE', 'BOUND POOL'],
      [db.metadata.name, 'corp', '10.0.1.0/26', 'Bound', ''],
      ['corp.finance-tenant-pool', 'corp', '10.0.16.0/20', 'Bound', 'finance'],
      ['corp.web', 'corp', '10.0.0.0/24', 'Released', ''],
    ]);
    const ips = await kubectl(t.cluster, ['get', 'clientips', '-n', NS]);
    expect(tableRows(ips.stdout)).to.deep.equal([
      ['NAME', 'POOL', 'ADDRESS', 'PHASE', 'AGE'],
      ['vpn.alice', 'vpn', '10.8.0.2', 'Bound', '<age>'],
    ]);
  });

  it('keeps a pool deleted with kubectl while it is in use, says why, and lets it go once empty', async function () {
    if (!(await kubectlAvailable())) this.skip();
    const ipam = await t.open(NS);
    await ipam.createPool({ name: 'corp', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    await ipam.allocate({ pool: 'corp', owner: 'web' });
    const deleted = await kubectl(t.cluster, ['delete', 'subnetpool', 'corp', '-n', NS, '--wait=false']);
    expect(deleted.stdout).to.equal('subnetpool.ipam.pulumi-ipam.dev "corp" deleted\n');

    // The next change in the namespace sees the request; the engine refuses: the pool is in use.
    await ipam.allocate({ pool: 'corp', owner: 'db' });
    const held = await get('subnetpools', 'corp');
    expect(held.metadata.deletionTimestamp).to.match(/Z$/);
    expect(held.metadata.finalizers).to.deep.equal(['ipam.pulumi-ipam.dev/ledger']);
    expect(held.status.phase).to.equal('Deleting');
    expect(held.status.conditions.find((c: { type: string }) => c.type === 'DeletionBlocked')).to.deep.include({
      status: 'True',
      reason: 'PoolInUse',
      message: 'pool "corp" still has 2 live allocation(s): "web" (10.0.0.0/24), "db" (10.0.1.0/24); release them first',
    });
    expect((await ipam.listAllocations({ pool: 'corp' })).map((a) => a.owner)).to.deep.equal(['web', 'db']);
    const wide = await kubectl(t.cluster, ['get', 'subnetpool', 'corp', '-n', NS, '-o', 'wide']);
    expect(tableRows(wide.stdout)[1].slice(0, 7)).to.deep.equal(['corp', '10.0.0.0/16', '512', '65024', '0.78%', '', 'Deleting']);

    await ipam.release({ pool: 'corp', owner: 'web' });
    const stillHeld = await get('subnetpools', 'corp');
    expect(stillHeld.status.conditions.find((c: { type: string }) => c.type === 'DeletionBlocked').message).to.equal(
      'pool "corp" still has 1 live allocation(s): "db" (10.0.1.0/24); release them first',
    );

    // Empty (released blocks do not count, as for `ipam pool delete`): the pool goes, with its claims.
    await ipam.release({ pool: 'corp', owner: 'db' });
    expect((await refusal(get('subnetpools', 'corp'))).code).to.equal(404);
    expect((await t.api.listNamespacedCustomObject({ ...at(NS, 'subnetpoolclaims') })).items).to.deep.equal([]);
    expect((await ipam.listPools()).map((p) => p.name)).to.deep.equal([]);
    expect((await ipam.listAudit({ pool: 'corp', limit: 1 }))[0]).to.include({ action: 'delete-pool', actor: 'kubectl' });
  });

  it('deletes the objects of a pool deleted through the engine, finalizer and all', async () => {
    const ipam = await t.open(NS);
    await ipam.createPool({ name: 'tmp', cidr: '10.9.0.0/24' });
    await ipam.allocate({ pool: 'tmp', owner: 'x', prefixLength: 28 });
    await ipam.release({ pool: 'tmp', owner: 'x' });
    await ipam.deletePool({ pool: 'tmp' });
    expect((await refusal(get('subnetpools', 'tmp'))).code).to.equal(404);
    expect((await refusal(get('subnetpoolclaims', 'tmp.x'))).code).to.equal(404);
  });
});
