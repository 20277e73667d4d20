import { expect } from 'chai';
import { runCli } from '../../provider/src/cli/main';
import { Controller } from '../../provider/src/controller/controller';
import { at } from './kube-api';
import { LEASE_NAMESPACE, eventually, kubectlApply, startController, stopController } from './controller-harness';
import { kubectlAvailable } from './kubectl';
import { useCluster } from './setup';
import { LocalStack } from '../support/pulumi/local-stack';
import { programWorkspace } from '../support/pulumi/workspace';

/**
 * The controller, a Pulumi stack and the `ipam` command allocating in one pool at once: claims
 * applied with kubectl, a stack's `pulumi up` of SubnetPoolClaims through Pulumi's provider host
 * (creator pulumi:net/prod), and `ipam alloc` runs, each with its own engine, racing on the
 * namespace's ledger. Every one gets a block, no two the same, and the ledger holds exactly them.
 */
const NS = 'busy';
const EACH = 6;

async function ipamCli(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(line.split(' '), { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: process.cwd() });
  return { code, stdout, stderr };
}

describe('ipam controller, a Pulumi stack and the ipam command racing in one namespace', function () {
  this.timeout(180_000);
  const t = useCluster([NS, LEASE_NAMESPACE]);
  let controller: Controller | undefined;

  before(async function () {
    if (!(await kubectlAvailable())) {
      if (process.env.CI) throw new Error('kubectl is needed in CI (.ci/run installs it)');
      this.skip();
    }
  });
  afterEach(async () => {
    if (controller !== undefined) await stopController(controller, []);
  });

  it('hands every requester its own block, none twice', async () => {
    const on = `--kubeconfig ${t.cluster.kubeconfig} --namespace ${NS}`;
    expect((await ipamCli(`${on} pool create shared 10.60.0.0/16 --default-prefix 24`)).code).to.equal(0);
    controller = startController(t.cluster, 'racing-controller');
    const stack = await t.open(NS);
    const pulumiStack = new LocalStack(programWorkspace(), {
      project: 'net',
      stack: 'prod',
      config: { 'ipam:kubeconfig': t.cluster.kubeconfig, 'ipam:namespace': NS },
    });
    const sdk = pulumiStack.sdk();
    const claims = Array.from({ length: EACH }, (_, i) => `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: SubnetPoolClaim
metadata:
  name: applied-${i}
spec:
  parentPoolRef: shared
  desiredBlockSize: 24
`).join('---');
    const results = await Promise.all([
      kubectlApply(t.cluster, NS, claims),
      pulumiStack.up(() => {
        for (let i = 0; i < EACH; i++) new sdk.SubnetPoolClaim(`subnet-${i}`, { pool: 'shared' });
      }),
      ...Array.from({ length: EACH }, (_, i) => ipamCli(`${on} alloc shared --owner cli-${i}`)),
    ]);
    for (const run of results.slice(2) as { code: number; stderr: string }[]) expect(run.code, run.stderr).to.equal(0);
    expect(pulumiStack.resources.map((r) => r.outputs.owner).sort()).to.deep.equal(Array.from({ length: EACH }, (_, i) => `net/prod/subnet-${i}`).sort());
    const bound = await eventually('every applied claim bound', async () => {
      const items = (await t.api.listNamespacedCustomObject({ ...at(NS, 'subnetpoolclaims') })).items as { metadata: { name: string; labels?: Record<string, string> }; status?: { phase?: string; cidr?: string } }[];
      const applied = items.filter((o) => o.metadata.labels === undefined);
      return applied.length === EACH && applied.every((o) => o.status?.phase === 'Bound') ? applied : undefined;
    }, 60_000);

    const ledger = await stack.listAllocations({ space: NS, pool: 'shared' });
    expect(ledger).to.have.length(3 * EACH);
    expect(new Set(ledger.map((a) => a.cidr)).size).to.equal(3 * EACH);
    const creators = ledger.map((a) => a.creator!.replace(/^cli:.*/, 'cli').replace(/^k8s:.*/, 'k8s'));
    expect(creators.filter((c) => c === 'k8s')).to.have.length(EACH);
    expect(creators.filter((c) => c === 'pulumi:net/prod')).to.have.length(EACH);
    expect(creators.filter((c) => c === 'cli')).to.have.length(EACH);
    for (const claim of bound) expect(ledger.find((a) => a.owner === claim.metadata.name)?.cidr).to.equal(claim.status!.cidr);
    expect((await stack.check({ space: NS, pool: 'shared' })).ok).to.equal(true);
  });
});
