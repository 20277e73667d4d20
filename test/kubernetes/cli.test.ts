import { expect } from 'chai';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../provider/src/cli/main';
import { KubeApiServer } from '../support/kube-apiserver';
import { CRD_DIR } from '../support/kube-crds';
import { kubectl, kubectlAvailable, tableRows } from './kubectl';
import { useCluster } from './setup';

/** The `ipam` command pointed at a cluster with --kubeconfig (or IPAM_KUBECONFIG), as a person uses it. */
const NS = 'team-b';

/** The creator the command records: `cli:` and the user running the tests. */
const ME = `cli:${userInfo().username}`;

describe('ipam command on the Kubernetes backend', function () {
  this.timeout(120_000);
  const t = useCluster([NS]);

  const ipam = async (line: string, env: NodeJS.ProcessEnv = {}) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(line.split(' ').filter(Boolean), { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env, cwd: tmpdir() });
    return { code, stdout, stderr };
  };

  it('runs a session with --kubeconfig: pools, allocations, slices, listed by ipam and by kubectl', async () => {
    const on = `--kubeconfig ${t.cluster.kubeconfig} --namespace ${NS}`;
    expect(await ipam(`${on} pool create corp 10.0.0.0/16 --default-prefix 24`)).to.deep.equal({
      code: 0,
      stdout: `NAME  SPACE   CIDR         PARENT  STRATEGY   ALLOCATED  FREE   UTILIZATION  CREATOR\ncorp  team-b  10.0.0.0/16  -       first-fit  0          65536  0.00%        ${ME}\n`,
      stderr: '',
    });
    expect((await ipam(`${on} alloc corp --owner web`)).stdout).to.equal('OWNER  CIDR         STATUS     GATEWAY  NETMASK\nweb    10.0.0.0/24  allocated  -        255.255.255.0\n');
    expect((await ipam(`${on} alloc corp --owner web`)).stdout).to.contain('web    10.0.0.0/24  allocated');
    expect((await ipam(`${on} pool list`)).stdout).to.equal(
      `NAME  SPACE   CIDR         PARENT  STRATEGY   ALLOCATED  FREE   UTILIZATION  CREATOR\ncorp  team-b  10.0.0.0/16  -       first-fit  256        65280  0.39%        ${ME}\n`,
    );
    const slice = await ipam(`${on} slice sync blue 10.2.0.0/16 --size 24 --cluster worker-1 --cluster worker-2`);
    expect(slice.stdout.split('\n').slice(0, 2)).to.deep.equal(['NAME  SLICE SUBNET  AVAILABLE  TOTAL  CREATOR', `blue  10.2.0.0/16   254        256    ${ME}`]);
    expect((await ipam(`${on} check corp`)).stdout).to.equal('pool corp: consistent (1 allocations checked)\n');

    // IPAM_KUBECONFIG and IPAM_NAMESPACE say the same without flags.
    const listed = await ipam('pool list', { IPAM_KUBECONFIG: t.cluster.kubeconfig, IPAM_NAMESPACE: NS });
    expect(listed.stdout.split('\n').map((l) => l.split(/\s+/)[0])).to.deep.equal(['NAME', 'blue', 'corp', '']);

    if (!(await kubectlAvailable())) return;
    expect(tableRows((await kubectl(t.cluster, ['get', 'subnetpools', '-n', NS])).stdout)).to.deep.equal([
      ['NAME', 'CIDR', 'ALLOCATED', 'FREE', 'UTILIZATION', 'AGE'],
      ['corp', '10.0.0.0/16', '256', '65280', '0.39%', '<age>'],
    ]);
  });

  it('says what is wrong with the kubeconfig or the context', async () => {
    const missing = await ipam('--kubeconfig /nonexistent/kubeconfig pool list');
    expect(missing).to.deep.include({ code: 2, stdout: '' });
    expect(missing.stderr).to.match(/^error\[CONFIG_INVALID\]: kubeconfig: cannot read \/nonexistent\/kubeconfig: ENOENT/);
    const context = await ipam(`--kubeconfig ${t.cluster.kubeconfig} --context nope pool list`);
    expect(context).to.deep.include({ code: 2, stdout: '' });
    expect(context.stderr).to.match(/^error\[CONFIG_INVALID\]: context: \S+ has no context "nope"; it has /);
  });

  it('says to install the CRDs when the cluster does not serve them', async function () {
    if (t.cluster.standIn === undefined) this.skip();
    const onlyRbac = mkdtempSync(join(tmpdir(), 'ipam-no-crds-'));
    copyFileSync(join(CRD_DIR, 'rbac-role.yaml'), join(onlyRbac, 'rbac-role.yaml'));
    const bare = await KubeApiServer.start({ crdDir: onlyRbac });
    try {
      const kubeconfig = bare.writeKubeconfig(mkdtempSync(join(tmpdir(), 'ipam-no-crds-')));
      expect(await ipam(`--kubeconfig ${kubeconfig} pool list`)).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: `error[STORE_UNAVAILABLE]: the Kubernetes API server at ${bare.url} does not serve the pulumi-ipam custom resources; install them with \`kubectl apply -f crds/\` (see docs/kubernetes.md)\n`,
      });
    } finally {
      await bare.stop();
    }
  });
});
