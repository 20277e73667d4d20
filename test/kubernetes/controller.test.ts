import { expect } from 'chai';
import { at } from './kube-api';
import { KUBESLICE_SLICES_TABLE, kubectl, tableRows } from './kubectl';
import { LEASE_NAMESPACE, controllerPerTest, eventually, kubectlApply } from './controller-harness';
import { useCluster } from './setup';

/**
 * `ipam controller` with kubectl as the person: objects applied with `kubectl apply` alone get
 * their subnets, status, conditions and Events (what `kubectl describe` shows), through the
 * same engine and ledger as Pulumi and the `ipam` command. The controller runs in this process
 * against the API stand-in (or IPAM_TEST_KUBECONFIG's cluster).
 */
const NS = 'kubeslice-cisco';
const TEAM = 'team-a';

const slice = (name: string, subnet: string, clusters: string[]) => `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: SliceIpam
metadata:
  name: ${name}
spec:
  sliceSubnet: ${subnet}
  subnetSize: 24
  clusters: [${clusters.join(', ')}]
`;

const pool = (name: string, cidr: string) => `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: SubnetPool
metadata:
  name: ${name}
spec:
  cidr: ${cidr}
`;

const claim = (name: string, parent: string, size: number, poolName?: string) => `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: SubnetPoolClaim
metadata:
  name: ${name}
spec:
  parentPoolRef: ${parent}
  desiredBlockSize: ${size}${poolName === undefined ? '' : `\n  poolName: ${poolName}`}
`;

const docs = (...parts: string[]) => parts.join('---');

describe('ipam controller: objects applied with kubectl', function () {
  this.timeout(120_000);
  const t = useCluster([NS, TEAM, LEASE_NAMESPACE]);
  const running = controllerPerTest(() => t.cluster);

  const get = async (plural: string, namespace: string, name: string) => t.api.getNamespacedCustomObject({ ...at(namespace, plural), name });
  const until = (what: string, plural: string, namespace: string, name: string, holds: (o: { status?: Record<string, unknown>; metadata: Record<string, unknown> }) => boolean) =>
    eventually(what, async () => {
      const object = await get(plural, namespace, name);
      return holds(object) ? object : undefined;
    });
  const gone = (plural: string, namespace: string, name: string) =>
    eventually(`${plural}/${name} to be deleted`, async () => get(plural, namespace, name).then(() => undefined, (e: { code?: number }) => (e.code === 404 ? true : undefined)));

  /** The Events section of `kubectl describe`: [type, reason, message] per line. */
  async function describedEvents(kind: string, namespace: string, name: string): Promise<string[][]> {
    const shown = await kubectl(t.cluster, ['describe', kind, name, '-n', namespace]);
    expect(shown.code, shown.stderr).to.equal(0);
    const lines = shown.stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('Events:'));
    return lines
      .slice(start + 3)
      .filter((l) => l.trim() !== '')
      .map((l) => l.trim().split(/\s{2,}/))
      .map(([type, reason, , from, ...message]) => [type, reason, from, message.join('  ')]);
  }

  it('KubeSlice blue and red with kubectl apply alone: sequential subnets; a cluster leaves, rejoins within the grace period and gets its subnet back', async () => {
    await kubectlApply(t.cluster, NS, docs(slice('blue', '10.2.0.0/16', ['worker-1', 'worker-2']), slice('red', '10.3.0.0/16', ['worker-1', 'worker-2'])));
    for (const name of ['blue', 'red']) await until(`${name} allocated`, 'sliceipams', NS, name, (o) => o.status?.availableSubnets === 254);
    const shown = await kubectl(t.cluster, ['get', 'sliceipams', '-n', NS]);
    expect(tableRows(shown.stdout)).to.deep.equal(KUBESLICE_SLICES_TABLE);
    const red = await get('sliceipams', NS, 'red');
    expect(red.status.allocatedSubnets.map((a: Record<string, string>) => [a.clusterName, a.subnet, a.status])).to.deep.equal([
      ['worker-1', '10.3.0.0/24', 'Allocated'],
      ['worker-2', '10.3.1.0/24', 'Allocated'],
    ]);

    // worker-1 leaves blue: its subnet is held (Released) for the grace period.
    await kubectlApply(t.cluster, NS, slice('blue', '10.2.0.0/16', ['worker-2']));
    const left = await until('worker-1 released', 'sliceipams', NS, 'blue', (o) => o.status?.availableSubnets === 255);
    expect((left.status.allocatedSubnets as Record<string, string>[]).map((a) => [a.clusterName, a.subnet, a.status])).to.deep.equal([
      ['worker-1', '10.2.0.0/24', 'Released'],
      ['worker-2', '10.2.1.0/24', 'Allocated'],
    ]);
    // worker-3 joins meanwhile and does not get the held subnet; worker-1 rejoins and gets its own back.
    await kubectlApply(t.cluster, NS, slice('blue', '10.2.0.0/16', ['worker-2', 'worker-3']));
    await until('worker-3 allocated', 'sliceipams', NS, 'blue', (o) => o.status?.availableSubnets === 254);
    await kubectlApply(t.cluster, NS, slice('blue', '10.2.0.0/16', ['worker-1', 'worker-2', 'worker-3']));
    const back = await until('worker-1 back', 'sliceipams', NS, 'blue', (o) => o.status?.availableSubnets === 253);
    expect((back.status.allocatedSubnets as Record<string, string>[]).map((a) => [a.clusterName, a.subnet, a.status])).to.deep.equal([
      ['worker-1', '10.2.0.0/24', 'Allocated'],
      ['worker-2', '10.2.1.0/24', 'Allocated'],
      ['worker-3', '10.2.2.0/24', 'Allocated'],
    ]);

    const events = await describedEvents('sliceipam', NS, 'blue');
    expect(events.map(([type, reason, from, message]) => [type, reason, from, message.replace(/until \S+Z$/, 'until <time>')])).to.deep.equal([
      ['Normal', 'Allocated', 'pulumi-ipam-controller', 'cluster worker-1 of slice blue: 10.2.0.0/24'],
      ['Normal', 'Allocated', 'pulumi-ipam-controller', 'cluster worker-2 of slice blue: 10.2.1.0/24'],
      ['Normal', 'Released', 'pulumi-ipam-controller', 'cluster worker-1 left slice blue; 10.2.0.0/24 is held for it until <time>'],
      ['Normal', 'Allocated', 'pulumi-ipam-controller', 'cluster worker-3 of slice blue: 10.2.2.0/24'],
      ['Normal', 'Reclaimed', 'pulumi-ipam-controller', 'cluster worker-1 rejoined slice blue within the grace period and got 10.2.0.0/24 back'],
    ]);
    // The applied objects are their own views: no derived SliceIpam written beside them.
    const listed = await t.api.listNamespacedCustomObject({ ...at(NS, 'sliceipams') });
    expect(listed.items.map((o: { metadata: { name: string; labels?: object } }) => [o.metadata.name, o.metadata.labels ?? {}])).to.deep.equal([
      ['blue', {}],
      ['red', {}],
    ]);
  });

  it('a claim that becomes a pool, a claim on that pool applied before it exists (Pending, then Bound), and a parent deletion blocked until it is empty', async () => {
    await kubectlApply(t.cluster, TEAM, docs(pool('world', '10.0.0.0/8'), claim('payroll', 'finance-tenant', 24)));
    const pending = await until('payroll pending', 'subnetpoolclaims', TEAM, 'payroll', (o) => o.status?.phase === 'Pending');
    expect((pending.status!.conditions as Record<string, string>[])[0]).to.include({ type: 'Ready', status: 'False', reason: 'ClaimPending' });
    await kubectlApply(t.cluster, TEAM, claim('finance-tenant-pool', 'world', 20, 'finance-tenant'));
    const tenant = await until('the tenant claim bound', 'subnetpoolclaims', TEAM, 'finance-tenant-pool', (o) => o.status?.phase === 'Bound');
    expect(tenant.status).to.include({ phase: 'Bound', cidr: '10.0.0.0/20', boundPoolName: 'finance-tenant', creator: 'k8s:team-a/SubnetPoolClaim/finance-tenant-pool' });
    const payroll = await until('payroll bound', 'subnetpoolclaims', TEAM, 'payroll', (o) => o.status?.phase === 'Bound');
    expect(payroll.status).to.include({ phase: 'Bound', cidr: '10.0.0.0/24' });

    const pools = await kubectl(t.cluster, ['get', 'subnetpools', '-n', TEAM, '-o', 'wide']);
    expect(tableRows(pools.stdout)).to.deep.equal([
      ['NAME', 'CIDR', 'ALLOCATED', 'FREE', 'UTILIZATION', 'PARENT', 'PHASE', 'CREATOR', 'AGE'],
      ['finance-tenant', '10.0.0.0/20', '256', '3840', '6.25%', 'world', 'Ready', 'k8s:team-a/SubnetPoolClaim/finance-tenant-pool', '<age>'],
      ['world', '10.0.0.0/8', '0', '16773120', '0.02%', '', 'Ready', 'k8s:team-a/SubnetPool/world', '<age>'],
    ]);
    const claims = await kubectl(t.cluster, ['get', 'subnetpoolclaims', '-n', TEAM]);
    expect(tableRows(claims.stdout)).to.deep.equal([
      ['NAME', 'POOL', 'CIDR', 'PHASE', 'BOUND POOL', 'AGE'],
      ['finance-tenant-pool', 'world', '10.0.0.0/20', 'Bound', 'finance-tenant', '<age>'],
      ['payroll', 'finance-tenant', '10.0.0.0/24', 'Bound', '', '<age>'],
    ]);
    expect((await describedEvents('subnetpoolclaim', TEAM, 'payroll')).map(([type, reason, , message]) => [type, reason, message])).to.deep.equal([
      // The hint in kubectl terms: a cluster user lists the SubnetPools of the namespace.
      ['Normal', 'ClaimPending', 'SubnetPoolClaim payroll: pool: no pool "finance-tenant" in address space "team-a"; list pools with `kubectl get subnetpools -n team-a`'],
      ['Normal', 'Allocated', 'claim payroll: 10.0.0.0/24 from pool "finance-tenant" is held by "payroll"'],
    ]);

    // The claim that carved finance-tenant cannot go while payroll holds a block in it, nor can world.
    for (const [kind, name] of [['subnetpoolclaim', 'finance-tenant-pool'], ['subnetpool', 'world']]) {
      const deleted = await kubectl(t.cluster, ['delete', kind, name, '-n', TEAM, '--wait=false']);
      expect(deleted.code, deleted.stderr).to.equal(0);
    }
    const blocked = await until('the tenant deletion blocked', 'subnetpoolclaims', TEAM, 'finance-tenant-pool', (o) => JSON.stringify(o.status).includes('DeletionBlocked'));
    expect((blocked.status!.conditions as Record<string, string>[]).find((c) => c.type === 'DeletionBlocked')).to.include({
      status: 'True',
      reason: 'PoolInUse',
      message: 'pool "finance-tenant" still has 1 live allocation(s): "payroll" (10.0.0.0/24); release them first',
    });
    const world = await until('world deletion blocked', 'subnetpools', TEAM, 'world', (o) => o.status?.phase === 'Deleting');
    expect((world.status!.conditions as Record<string, string>[]).find((c) => c.type === 'DeletionBlocked')?.message).to.equal(
      'pool "world" still has child pool(s) "finance-tenant" (10.0.0.0/20); delete them first',
    );
    const warnings = (await describedEvents('subnetpoolclaim', TEAM, 'finance-tenant-pool')).filter(([type]) => type === 'Warning');
    expect(warnings.map(([type, reason, , message]) => [type, reason, message])).to.deep.equal([
      ['Warning', 'DeletionBlocked', 'SubnetPoolClaim finance-tenant-pool: pool "finance-tenant" still has 1 live allocation(s): "payroll" (10.0.0.0/24); release them first'],
    ]);

    // Once payroll is deleted, the tenant pool and then world go by themselves.
    expect((await kubectl(t.cluster, ['delete', 'subnetpoolclaim', 'payroll', '-n', TEAM, '--wait=false'])).code).to.equal(0);
    await gone('subnetpoolclaims', TEAM, 'payroll');
    await gone('subnetpoolclaims', TEAM, 'finance-tenant-pool');
    await gone('subnetpools', TEAM, 'world');
    const ipam = await t.open(TEAM);
    expect(await ipam.listPools({ space: TEAM })).to.deep.equal([]);
  });

  it('refusals (exhausted, invalid size, overlap) show as status, condition and a Warning Event with the engine\'s message, and change nothing', async () => {
    await kubectlApply(t.cluster, TEAM, docs(pool('small', '10.9.0.0/24'), claim('half-a', 'small', 25), claim('half-b', 'small', 25)));
    await until('half-b bound', 'subnetpoolclaims', TEAM, 'half-b', (o) => o.status?.phase === 'Bound');
    await kubectlApply(t.cluster, TEAM, docs(claim('one-more', 'small', 25), claim('too-big', 'small', 16), pool('overlapping', '10.9.0.0/25')));
    const exhausted = await until('one-more refused', 'subnetpoolclaims', TEAM, 'one-more', (o) => o.status?.phase === 'Error');
    const tooBig = await until('too-big refused', 'subnetpoolclaims', TEAM, 'too-big', (o) => o.status?.phase === 'Error');
    const overlapping = await until('overlapping refused', 'subnetpools', TEAM, 'overlapping', (o) => o.status?.phase === 'Error');
    const overlap = 'cidr: 10.9.0.0/25 overlaps pool "small" (10.9.0.0/24) in address space "team-a"; choose a range that does not overlap, or nest it with parent "small"';
    expect(overlapping.status).to.deep.include({ phase: 'Error', message: overlap });
    expect((await describedEvents('subnetpool', TEAM, 'overlapping')).map(([type, reason, , message]) => [type, reason, message])).to.deep.equal([
      ['Warning', 'Overlap', `SubnetPool overlapping: ${overlap}`],
    ]);
    const ready = (o: typeof exhausted) => (o.status!.conditions as Record<string, string>[]).find((c) => c.type === 'Ready');
    expect(ready(exhausted)).to.include({ status: 'False', reason: 'Error', message: exhausted.status!.message as string });
    const events = [...(await describedEvents('subnetpoolclaim', TEAM, 'one-more')), ...(await describedEvents('subnetpoolclaim', TEAM, 'too-big'))];
    expect(events.map(([type, reason, , message]) => [type, reason, message])).to.deep.equal([
      ['Warning', 'Exhausted', `SubnetPoolClaim one-more: ${exhausted.status!.message as string}`],
      ['Warning', 'Invalid', `SubnetPoolClaim too-big: ${tooBig.status!.message as string}`],
    ]);
    expect([exhausted.status!.message, tooBig.status!.message]).to.deep.equal([
      'pool "small" (10.9.0.0/24): no available subnets: no free /25 left; release an allocation or use a larger pool',
      'prefixLength: /16 cannot be carved from pool "small" (10.9.0.0/24); choose between /24 and /32',
    ]);
    const ipam = await t.open(TEAM);
    expect((await ipam.listAllocations({ space: TEAM, pool: 'small' })).map((a) => [a.owner, a.cidr])).to.deep.equal([
      ['half-a', '10.9.0.0/25'],
      ['half-b', '10.9.0.128/25'],
    ]);
    expect((await ipam.listPools({ space: TEAM })).map((p) => p.name)).to.deep.equal(['small']);
  });

  it('leaves what Pulumi or the ipam command manage to them, and shares their ledger: a claim applied with kubectl on a pool made with ipam', async () => {
    const ipam = await t.open(TEAM);
    await ipam.createPool({ space: TEAM, name: 'corp', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    await ipam.allocate({ space: TEAM, pool: 'corp', owner: 'web' });
    const derivedBefore = await get('subnetpoolclaims', TEAM, 'corp.web');
    await kubectlApply(t.cluster, TEAM, claim('db', 'corp', 24));
    const db = await until('db bound', 'subnetpoolclaims', TEAM, 'db', (o) => o.status?.phase === 'Bound');
    expect(db.status).to.include({ cidr: '10.0.1.0/24' });
    await running.controller.idle();
    // The derived objects are untouched: no finalizer, no status of the controller's.
    expect(await get('subnetpoolclaims', TEAM, 'corp.web')).to.deep.equal(derivedBefore);
    const corp = await until('corp counts db', 'subnetpools', TEAM, 'corp', (o) => o.status?.allocated === '512');
    expect(corp.metadata.finalizers).to.deep.equal(['ipam.pulumi-ipam.dev/ledger']);
    // One object per allocation: the applied claim is the view of its block.
    const names = (await t.api.listNamespacedCustomObject({ ...at(TEAM, 'subnetpoolclaims') })).items.map((o: { metadata: { name: string } }) => o.metadata.name);
    expect(names).to.deep.equal(['corp.web', 'db']);
    expect((await ipam.listAllocations({ space: TEAM, pool: 'corp' })).map((a) => [a.owner, a.cidr, a.creator])).to.deep.equal([
      ['web', '10.0.0.0/24', 'test'],
      ['db', '10.0.1.0/24', 'k8s:team-a/SubnetPoolClaim/db'],
    ]);
    // The controller's block stays its own: `ipam` acting for a Pulumi stack cannot release it.
    const refused = await ipam.release({ space: TEAM, pool: 'corp', owner: 'db', creator: 'pulumi:net/prod' }).then(() => undefined, (e: Error & { code?: string }) => [e.code, e.message]);
    expect(refused).to.deep.equal([
      'CREATOR_MISMATCH',
      'the block of owner "db" in pool "corp" (10.0.1.0/24) was created by k8s:team-a/SubnetPoolClaim/db, not by pulumi:net/prod; only its creator can release it',
    ]);
  });

  it('keeps an applied pool\'s figures in line with allocations made elsewhere (ipam, through the ledger watch); a claim that did not change keeps its resourceVersion', async () => {
    await kubectlApply(t.cluster, TEAM, docs(pool('edge', '10.50.0.0/16'), claim('gw', 'edge', 24)));
    await until('gw bound', 'subnetpoolclaims', TEAM, 'gw', (o) => o.status?.phase === 'Bound');
    await until('edge counts gw', 'subnetpools', TEAM, 'edge', (o) => o.status?.allocated === '256');
    await running.controller.idle();
    const claimBefore = await get('subnetpoolclaims', TEAM, 'gw');
    const ipam = await t.open(TEAM);
    await ipam.allocate({ space: TEAM, pool: 'edge', owner: 'made-with-ipam', prefixLength: 26 });
    const edge = await until('edge counts the ipam block', 'subnetpools', TEAM, 'edge', (o) => o.status?.allocated === '320');
    expect(edge.status).to.include({ total: '65536', allocated: '320', free: '65216', utilization: '0.49%', liveAllocations: 2 });
    await running.controller.idle();
    expect((await get('subnetpoolclaims', TEAM, 'gw')).metadata.resourceVersion, 'the claim did not change').to.equal(claimBefore.metadata.resourceVersion);
  });

  it('ClientIp: VPN peers applied with kubectl get the next free hosts (network, broadcast and gateway skipped); deleting one releases its address', async () => {
    const peer = (name: string) => `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: ClientIp
metadata:
  name: ${name}
spec:
  poolRef: vpn
`;
    await kubectlApply(t.cluster, TEAM, docs(`
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: SubnetPool
metadata:
  name: vpn
spec:
  cidr: 10.8.0.0/24
  gateway: 10.8.0.1
`, peer('alice-laptop'), peer('bob-phone')));
    const alice = await until('alice bound', 'clientips', TEAM, 'alice-laptop', (o) => o.status?.phase === 'Bound');
    const bob = await until('bob bound', 'clientips', TEAM, 'bob-phone', (o) => o.status?.phase === 'Bound');
    expect(alice.status).to.include({ address: '10.8.0.2', cidr: '10.8.0.2/32', netmask: '255.255.255.255', gateway: '10.8.0.1' });
    expect(bob.status).to.include({ address: '10.8.0.3' });
    expect((await kubectl(t.cluster, ['delete', 'clientip', 'bob-phone', '-n', TEAM])).code).to.equal(0);
    await gone('clientips', TEAM, 'bob-phone');
    const ipam = await t.open(TEAM);
    expect((await ipam.listAllocations({ space: TEAM, pool: 'vpn' })).map((a) => [a.owner, a.cidr, a.status])).to.deep.equal([
      ['alice-laptop', '10.8.0.2/32', 'allocated'],
      ['bob-phone', '10.8.0.3/32', 'released'],
    ]);
    expect((await describedEvents('clientip', TEAM, 'alice-laptop')).map(([type, reason, , message]) => [type, reason, message])).to.deep.equal([
      ['Normal', 'Allocated', 'client ip alice-laptop: 10.8.0.2 from pool "vpn" is held by "alice-laptop"'],
    ]);
  });

  it('resumes its watches when the API server no longer has their resourceVersion (410 Expired): it lists again and reconciles what changed', async function () {
    const standIn = t.cluster.standIn;
    if (standIn === undefined) this.skip();
    await eventually('the watches listed', async () => (running.controller.ready && running.controller.isLeader ? true : undefined));
    standIn.watches.windowSize = 1;
    try {
      // Two changes the controller does not watch push every resourceVersion it holds out of the window; then the streams drop.
      const core = t.cluster.standIn!;
      for (const name of ['x.1', 'x.2']) core.objects.create(core.definitions.find((d) => d.plural === 'events')!, TEAM, { metadata: { name }, reason: 'Test', message: 'moves the window' });
      standIn.watches.closeAll();
      await kubectlApply(t.cluster, TEAM, docs(pool('after', '10.77.0.0/16'), claim('late', 'after', 24)));
      const late = await until('late bound', 'subnetpoolclaims', TEAM, 'late', (o) => o.status?.phase === 'Bound');
      expect(late.status).to.include({ cidr: '10.77.0.0/24' });
      const restarts = await running.controller.metrics.registry.getSingleMetricAsString('ipam_controller_watch_restarts_total');
      expect(restarts).to.match(/ipam_controller_watch_restarts_total\{resource="subnetpoolclaims",reason="expired"\} [1-9]/);
    } finally {
      standIn.watches.windowSize = 1000;
    }
  });
});
