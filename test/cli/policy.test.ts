import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../provider/src/cli/main';

/** Pool policy on the `ipam` command: rules and quotas set on a pool, their refusals, usage in `pool show`, and `alloc --selector`. */
const ME = `cli:${userInfo().username}`;

describe('ipam command: pool policy', () => {
  let ipam: (line: string) => Promise<{ code: number; stdout: string; stderr: string }>;
  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), 'ipam-cli-policy-'));
    ipam = async (line) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(line.split(' ').filter(Boolean), { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: dir });
      return { code, stdout, stderr };
    };
  });

  it('sets rules and a quota; refuses a claim too large, one lacking a label, one over the quota; shows usage', async () => {
    const created = await ipam(`pool create shared 10.0.0.0/16 --default-prefix 24 --min-prefix 20 --max-prefix 26 --require-label team --quota name=per-user,creators=cli:*,max-blocks=2`);
    expect(created.code).to.equal(0);
    expect(await ipam('alloc shared --owner big --prefix 16 --label team=web')).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: 'error[POLICY_PREFIX_LENGTH]: prefixLength: a /16 is larger than pool "shared" in address space "default" hands out: its rule minPrefixLength is 20 (blocks /20 to /26); ask for /20 or a longer prefix\n',
    });
    expect((await ipam('alloc shared --owner bare')).stderr).to.equal(
      'error[POLICY_LABEL_MISSING]: labels: pool "shared" in address space "default" requires "team" on every claim (its rule requiredLabels), and this claim lacks label "team"; add the label to the claim\'s labels\n',
    );
    await ipam('alloc shared --owner a --label team=web');
    await ipam('alloc shared --owner b --label team=web');
    expect((await ipam('alloc shared --owner c --label team=web')).stderr).to.equal(
      `error[QUOTA_EXCEEDED]: quota "per-user" of pool "shared" allows ${ME} at most 2 blocks in pool "shared"; it holds 512 addresses in 2 blocks, and 10.0.2.0/24 would add 256 addresses. ` +
        'Release blocks no longer needed (released blocks count until their grace period ends), ask for a smaller block, or ask whoever manages the pool to raise the quota\n',
    );
    const shown = (await ipam('pool show shared')).stdout.split('\n');
    expect(shown.filter((l) => /^(Block sizes|Required labels|Quota|Usage)/.test(l))).to.deep.equal([
      'Block sizes:          /20 to /26',
      'Required labels:      team',
      'Quota per-user:       2 blocks each for creators matching "cli:*", in the pool',
      `Usage per-user:       ${ME}: 2 of 2 blocks`,
    ]);
    const json = JSON.parse((await ipam('pool show shared --json')).stdout);
    expect(json.quotaUsage).to.deep.equal([{ quota: 'per-user', pool: 'shared', scope: 'pool', holder: ME, addresses: '512', blocks: 2, maxBlocks: 2 }]);

    // Raising the quota lets the claim through; --clear-policy removes every rule.
    expect((await ipam('pool update shared --quota name=per-user,creators=cli:*,max-blocks=3')).code).to.equal(0);
    expect((await ipam('alloc shared --owner c --label team=web')).code).to.equal(0);
    await ipam('pool update shared --clear-policy');
    // No label, a /28 (smaller than the old rules allowed), over the old quota: all fine now.
    expect((await ipam('alloc shared --owner free --prefix 28')).code).to.equal(0);
  });

  it('alloc --selector chooses the pool by its labels and says which', async () => {
    await ipam('pool create zone-a 10.1.0.0/16 --default-prefix 24 --label zone=a');
    await ipam('pool create zone-b 10.2.0.0/16 --default-prefix 24 --label zone=b');
    expect((await ipam('alloc --selector zone=b --owner vm-1')).stdout).to.equal(
      'OWNER  POOL    CIDR         STATUS     GATEWAY  NETMASK\nvm-1   zone-b  10.2.0.0/24  allocated  -        255.255.255.0\n',
    );
    expect((await ipam('alloc --selector zone=c --owner vm-2')).stderr).to.equal(
      'error[NO_MATCHING_POOL]: poolSelector: no pool in address space "default" has labels matching "zone=c"; label a pool to match (`ipam pool update NAME --label KEY=VALUE`), or change the selector\n',
    );
    expect((await ipam('alloc zone-a --selector zone=b --owner vm-3')).stderr).to.contain('alloc needs POOL or --selector LABELS (one of them)');
  });
});
