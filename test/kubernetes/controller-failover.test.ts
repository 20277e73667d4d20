import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { at } from './kube-api';
import { LEASE, LEASE_NAMESPACE, ReplicaProcess, eventually, kubectlApply, startController, startReplica, stopController } from './controller-harness';
import { kubectlAvailable } from './kubectl';
import { useCluster } from './setup';

/**
 * Two `ipam controller` processes: one holds the Lease and reconciles, the other stands by.
 * The leader is killed with SIGKILL in the middle of a batch of claims; the other takes the
 * Lease once it has gone unrenewed for its duration, and finishes the batch: every claim ends
 * Bound, with exactly one block each in the ledger (none lost, none allocated twice).
 */
const NS = 'team-b';
const CLAIMS = 12;

const claims = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: SubnetPoolClaim
metadata:
  name: app-${String(from + i).padStart(2, '0')}
spec:
  parentPoolRef: apps
  desiredBlockSize: 24
`).join('---');

describe('ipam controller: two replicas, one leader (Lease)', function () {
  this.timeout(180_000);
  const t = useCluster([NS, LEASE_NAMESPACE]);
  const replicas: ReplicaProcess[] = [];

  before(async function () {
    if (!(await kubectlAvailable())) {
      if (process.env.CI) throw new Error('kubectl is needed in CI (.ci/run installs it)');
      this.skip();
    }
  });
  afterEach(async function () {
    for (const replica of replicas.splice(0)) {
      if (this.currentTest?.state === 'failed') console.log(`--- ${replica.identity}\n${replica.stderr()}`);
      if (replica.child.exitCode === null && replica.child.signalCode === null) {
        const exited = new Promise((resolve) => replica.child.once('exit', resolve));
        replica.child.kill('SIGKILL');
        await exited;
      }
    }
  });

  it('one replica reconciles; the leader killed mid-batch, the other takes over within the lease duration (plus a retry period) and no claim is lost or bound twice', async () => {
    const config = new KubeConfig();
    config.loadFromFile(t.cluster.kubeconfig);
    if (t.cluster.standIn !== undefined) config.setCurrentContext('admin');
    const leases = config.makeApiClient(CoordinationV1Api);
    const holder = async () => {
      const lease = await leases.readNamespacedLease({ namespace: LEASE_NAMESPACE, name: 'pulumi-ipam-controller' }).catch(() => undefined);
      return lease?.spec?.holderIdentity || undefined;
    };
    await leases.deleteNamespacedLease({ namespace: LEASE_NAMESPACE, name: 'pulumi-ipam-controller' }).catch(() => undefined);

    replicas.push(startReplica(t.cluster, 'replica-a'), startReplica(t.cluster, 'replica-b'));
    const urls = await Promise.all(replicas.map((r) => r.health));
    const first = await eventually('a leader', holder, 60_000);
    const leader = replicas.find((r) => r.identity === first)!;
    const follower = replicas.find((r) => r.identity !== first)!;
    const probe = async (replica: ReplicaProcess, path: string) => {
      const response = await fetch(`${urls[replicas.indexOf(replica)]}${path}`);
      return { status: response.status, text: await response.text() };
    };
    await eventually('both replicas ready', async () => ((await probe(leader, '/readyz')).status === 200 && (await probe(follower, '/readyz')).status === 200 ? true : undefined));
    expect(await probe(follower, '/healthz')).to.deep.equal({ status: 200, text: 'ok\n' });
    expect((await probe(leader, '/metrics')).text).to.match(/^ipam_controller_leader 1$/m);
    expect((await probe(follower, '/metrics')).text).to.match(/^ipam_controller_leader 0$/m);

    await kubectlApply(t.cluster, NS, `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: SubnetPool
metadata:
  name: apps
spec:
  cidr: 10.40.0.0/16
---${claims(0, CLAIMS / 2)}`);
    await eventually('the first half bound', async () => {
      const items = (await t.api.listNamespacedCustomObject({ ...at(NS, 'subnetpoolclaims') })).items as { status?: { phase?: string } }[];
      return items.filter((o) => o.status?.phase === 'Bound').length >= CLAIMS / 2 ? true : undefined;
    }, 60_000);

    // More claims arrive, the leader dies while it works on them, and the rest arrive with no leader.
    await kubectlApply(t.cluster, NS, claims(CLAIMS / 2, (CLAIMS * 3) / 4));
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await kubectlApply(t.cluster, NS, claims((CLAIMS * 3) / 4, CLAIMS));
    await eventually('the follower to take the Lease', async () => ((await holder()) === follower.identity ? true : undefined), 30_000, 50);
    const failoverMs = Date.now() - killedAt;
    console.log(`      (failover took ${failoverMs} ms with a ${LEASE.durationSeconds} s lease and a ${LEASE.retryPeriodSeconds} s retry period)`);
    expect(failoverMs).to.be.below((LEASE.durationSeconds + LEASE.retryPeriodSeconds + 1) * 1000);

    const bound = await eventually('every claim bound', async () => {
      const items = (await t.api.listNamespacedCustomObject({ ...at(NS, 'subnetpoolclaims') })).items as { metadata: { name: string }; status?: { phase?: string; cidr?: string } }[];
      return items.length === CLAIMS && items.every((o) => o.status?.phase === 'Bound') ? items : undefined;
    }, 60_000);
    const ipam = await t.open(NS);
    const ledger = await ipam.listAllocations({ space: NS, pool: 'apps' });
    expect(ledger.map((a) => a.owner).sort()).to.deep.equal(bound.map((o) => o.metadata.name).sort());
    expect(new Set(ledger.map((a) => a.cidr)).size).to.equal(CLAIMS);
    expect(Object.fromEntries(ledger.map((a) => [a.owner, a.cidr]))).to.deep.equal(Object.fromEntries(bound.map((o) => [o.metadata.name, o.status!.cidr])));
    expect(ledger.every((a) => a.status === 'allocated' && a.creator === `k8s:${NS}/SubnetPoolClaim/${a.owner}`)).to.equal(true);
    expect((await ipam.check({ space: NS, pool: 'apps' })).ok).to.equal(true);
    expect((await probe(follower, '/metrics')).text).to.match(/^ipam_controller_leader 1$/m);
    // The claims applied after the kill were reconciled by the new leader (its Events say so).
    const events = await config.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NS });
    const byFollower = events.items.filter((e) => e.reportingInstance === follower.identity && e.reason === 'Allocated').map((e) => e.involvedObject.name);
    expect(byFollower).to.include.members(['app-09', 'app-10', 'app-11']);
  });

  it('a leader that shuts down (what SIGTERM does) hands the Lease over at once, well within the lease duration', async () => {
    const config = new KubeConfig();
    config.loadFromFile(t.cluster.kubeconfig);
    if (t.cluster.standIn !== undefined) config.setCurrentContext('admin');
    await config.makeApiClient(CoordinationV1Api).deleteNamespacedLease({ namespace: LEASE_NAMESPACE, name: 'pulumi-ipam-controller' }).catch(() => undefined);
    const logs: string[] = [];
    const one = startController(t.cluster, 'in-process-one', logs);
    const leader = await eventually('one to lead', async () => (one.isLeader ? one : undefined));
    const two = startController(t.cluster, 'in-process-two', logs);
    try {
      await eventually('two to stand by', async () => (two.ready && !two.isLeader ? true : undefined));
      const stoppedAt = Date.now();
      await stopController(leader, logs);
      await eventually('two to lead', async () => (two.isLeader ? true : undefined), 10_000, 20);
      expect(Date.now() - stoppedAt).to.be.below(LEASE.durationSeconds * 1000);
    } finally {
      await stopController(two, logs);
    }
  });
});
