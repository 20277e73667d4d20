import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { ServiceProcess, WRITER, startServeProcess } from '../support/http-service';
import { exampleStack } from '../support/pulumi/examples';
import { at } from '../kubernetes/kube-api';
import { KUBESLICE_SLICES_TABLE, kubectlGet } from '../kubernetes/kubectl';
import { useCluster } from '../kubernetes/setup';

/**
 * The same Pulumi resources on the shared backends: a stack configured with `ipam:server` and
 * the secret `ipam:token` talks to a running `ipam serve`, through Pulumi's provider host.
 */
describe('Pulumi resources on the HTTP IPAM service (real provider host, real `ipam serve`)', function () {
  this.timeout(180_000);
  let service: ServiceProcess;

  before(async () => {
    service = await startServeProcess(join(mkdtempSync(join(tmpdir(), 'ipam-pulumi-http-')), 'ipam.db'));
  });
  after(async () => {
    await service.stop();
  });

  it('runs KubeSlice slices through the service; the audit names the token, the state never holds it', async () => {
    const stack = exampleStack('kubeslice', { config: { 'ipam:server': service.url, 'ipam:token': WRITER.token } });
    const up = await stack.up();
    expect(up.outputs.blueSubnets).to.deep.equal({ 'worker-1': '10.2.0.0/24', 'worker-2': '10.2.1.0/24' });
    expect([up.outputs.blueAvailable, up.outputs.blueTotal]).to.deep.equal([254, 256]);

    const client = new HttpIpam({ server: service.url, token: WRITER.token });
    const slice = await client.getSlice({ namespace: 'kubeslice-cisco', name: 'red' });
    expect(slice.allocatedSubnets.map((a) => a.subnet)).to.deep.equal(['10.3.0.0/24', '10.3.1.0/24']);
    const audit = await client.listAudit({ space: 'kubeslice-cisco', pool: 'blue' });
    expect(new Set(audit.map((e) => e.actor))).to.deep.equal(new Set([WRITER.name]));
    expect(JSON.stringify(stack.resources)).to.not.contain(WRITER.token);

    await stack.destroy();
    expect(await client.listPools({ space: 'kubeslice-cisco' })).to.deep.equal([]);
  });

  it('a wrong token fails the update with the service\'s code and message, and changes nothing', async () => {
    const stack = exampleStack('quickstart', { config: { 'ipam:server': service.url, 'ipam:token': 'not-a-token' } });
    const error = await stack.up().then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/UNAUTHORIZED: /);
    const client = new HttpIpam({ server: service.url, token: WRITER.token });
    expect(await client.listPools({ space: 'default' })).to.deep.equal([]);
  });
});

/**
 * The Kubernetes backend under Pulumi: a stack configured with `ipam:kubeconfig` (the runner's
 * context, bound to crds/rbac-role.yaml) keeps its state in the cluster, the API stand-in here
 * (or IPAM_TEST_KUBECONFIG's cluster), and a person sees it with kubectl.
 */
describe('Pulumi resources on the Kubernetes backend (real provider host, API stand-in)', function () {
  this.timeout(180_000);
  const NS = 'kubeslice-cisco';
  const TEAM = 'team-a';
  const t = useCluster([NS, TEAM]);

  it('runs the KubeSlice blue/red slices end to end; kubectl get sliceipams shows AVAILABLE 254 of TOTAL 256', async () => {
    const stack = exampleStack('kubeslice', { config: { 'ipam:kubeconfig': t.cluster.kubeconfig, 'ipam:namespace': NS } });
    const up = await stack.up();
    expect(up.outputs.blueSubnets).to.deep.equal({ 'worker-1': '10.2.0.0/24', 'worker-2': '10.2.1.0/24' });
    expect(up.outputs.redSubnets).to.deep.equal({ 'worker-1': '10.3.0.0/24', 'worker-2': '10.3.1.0/24' });

    const red = await t.api.getNamespacedCustomObject({ ...at(NS, 'sliceipams'), name: 'red' });
    expect(red.status.allocatedSubnets.map((a: { clusterName: string; subnet: string; status: string }) => [a.clusterName, a.subnet, a.status])).to.deep.equal([
      ['worker-1', '10.3.0.0/24', 'Allocated'],
      ['worker-2', '10.3.1.0/24', 'Allocated'],
    ]);
    const shown = await kubectlGet(t.cluster, 'sliceipams', NS);
    if (shown !== undefined) expect(shown).to.deep.equal(KUBESLICE_SLICES_TABLE);

    stack.options.config = { ...stack.options.config, 'kubeslice:blueClusters': 'worker-2' };
    const left = await stack.up();
    expect(left.outputs.blueAvailable).to.equal(255);
    const blue = await t.api.getNamespacedCustomObject({ ...at(NS, 'sliceipams'), name: 'blue' });
    expect(blue.status.allocatedSubnets[0]).to.include({ clusterName: 'worker-1', subnet: '10.2.0.0/24', status: 'Released' });

    await stack.destroy();
    const remaining = await t.api.listNamespacedCustomObject({ ...at(NS, 'sliceipams') });
    expect(remaining.items).to.deep.equal([]);
  });

  it('takes ipam:kubeconfig as the file\'s contents (a CI secret), and never echoes them in an error', async () => {
    const contents = readFileSync(t.cluster.kubeconfig, 'utf8');
    const stack = exampleStack('quickstart', { config: { 'ipam:kubeconfig': contents, 'ipam:namespace': TEAM } });
    expect((await stack.up()).outputs).to.include({ officeCidr: '10.0.0.0/16', aliceIp: '10.8.0.2/32' });
    await stack.destroy();

    const secret = 'token-that-must-never-be-printed';
    const broken = `apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: ${secret}\n   clusters: [\n`;
    const failing = exampleStack('quickstart', { config: { 'ipam:kubeconfig': broken, 'ipam:namespace': TEAM } });
    const error = await failing.up().then(() => undefined, (e: Error) => e);
    expect(error?.message).to.contain('CONFIG_INVALID: kubeconfig: cannot read the kubeconfig given as contents: it is not a kubeconfig (line');
    expect(error?.message).to.not.contain(secret);
  });

  it('puts resources that name no space in the ipam:namespace namespace; kubectl get subnetpools shows them', async () => {
    const stack = exampleStack('quickstart', { config: { 'ipam:kubeconfig': t.cluster.kubeconfig, 'ipam:namespace': TEAM } });
    const up = await stack.up();
    expect(up.outputs).to.include({ officeCidr: '10.0.0.0/16', vpnGateway: '10.8.0.1', aliceIp: '10.8.0.2/32' });
    expect(stack.resources.map((r) => [r.name, r.outputs.space])).to.deep.include.members([
      ['office', TEAM],
      ['servers', TEAM],
      ['alice-laptop', TEAM],
    ]);
    const pools = await kubectlGet(t.cluster, 'subnetpools', TEAM);
    if (pools !== undefined) {
      expect(pools).to.deep.equal([
        ['NAME', 'CIDR', 'ALLOCATED', 'FREE', 'UTILIZATION', 'AGE'],
        ['office', '10.0.0.0/16', '320', '65216', '0.49%', '<age>'],
        ['vpn', '10.8.0.0/24', '1', '254', '0.78%', '<age>'],
      ]);
    }
    expect((await t.api.listNamespacedCustomObject({ ...at('default', 'subnetpools') })).items).to.deep.equal([]);
    // Every resource records the backend holding it: on Kubernetes, the namespace's ledger object.
    const ledger = await t.api.getNamespacedCustomObject({ ...at(TEAM, 'ipamledgers'), name: 'ledger' });
    expect(new Set(stack.resources.map((r) => r.outputs.backendId))).to.deep.equal(new Set([ledger.metadata.uid]));
    const clients = await kubectlGet(t.cluster, 'clientips', TEAM, ['-o', 'wide']);
    if (clients !== undefined) {
      expect(clients).to.deep.equal([
        ['NAME', 'POOL', 'ADDRESS', 'PHASE', 'OWNER', 'CREATOR', 'AGE'],
        ['vpn.alice-laptop', 'vpn', '10.8.0.2', 'Bound', 'alice-laptop', 'pulumi:quickstart/dev', '<age>'],
      ]);
    }
    await stack.destroy();
    expect((await t.api.listNamespacedCustomObject({ ...at(TEAM, 'subnetpools') })).items).to.deep.equal([]);
  });
});
