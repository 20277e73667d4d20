import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../provider/src/cli/main';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { StoreWrite } from '../../provider/src/engine/store';
import { runTs } from '../support/processes';
import { MemoryStore } from '../../provider/src/store/memory';
import { WRITER, startInProcess } from '../support/http-service';

/** The `ipam` command as a person or a script uses it. */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(dir: string, env: NodeJS.ProcessEnv = {}) {
  return async (line: string): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(line.split(' ').filter(Boolean), {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env,
      cwd: dir,
    });
    return { code, stdout, stderr };
  };
}

/** The creator the command records: `cli:` and the user running the tests. */
const ME = `cli:${userInfo().username}`;

describe('ipam command', () => {
  let dir: string;
  let ipam: (line: string) => Promise<Run>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipam-cli-'));
    ipam = cli(dir);
  });

  it('runs a session: create, allocate (idempotent), host addresses, release, list, find, check', async () => {
    expect((await ipam('pool create corp 10.0.0.0/16 --default-prefix 24')).stdout).to.equal(
      'NAME  SPACE    CIDR         PARENT  STRATEGY   ALLOCATED  FREE   UTILIZATION  CREATOR\n' +
        `corp  default  10.0.0.0/16  -       first-fit  0          65536  0.00%        ${ME}\n`,
    );
    const web = JSON.parse((await ipam('alloc corp --owner web --json')).stdout);
    expect(web).to.include({ owner: 'web', cidr: '10.0.0.0/24', status: 'allocated', netmask: '255.255.255.0' });
    expect(JSON.parse((await ipam('--json alloc corp --owner web')).stdout).cidr).to.equal('10.0.0.0/24');
    expect((await ipam('alloc corp --owner db --prefix 26')).stdout).to.equal(
      'OWNER  CIDR         STATUS     GATEWAY  NETMASK\ndb     10.0.1.0/26  allocated  -        255.255.255.192\n',
    );
    await ipam('pool create vpn 10.8.0.0/24 --gateway');
    expect((await ipam('alloc vpn --ip --owner alice')).stdout).to.contain('alice  10.8.0.2/32  allocated  10.8.0.1');
    expect((await ipam('alloc vpn --owner printer --address 10.8.0.50')).stdout).to.contain('10.8.0.50/32');
    expect((await ipam('release corp --owner db')).stdout).to.contain('db     10.0.1.0/26  released');
    const listed = (await ipam('allocations corp')).stdout.split('\n');
    expect(listed[0]).to.match(/^OWNER\s+CIDR\s+KIND\s+STATUS\s+ALLOCATED\s+RELEASED\s+CREATOR$/);
    expect(listed[1]).to.match(/^web\s+10\.0\.0\.0\/24\s+prefix\s+allocated\s+\S+\s+-\s+\S+$/);
    expect(listed[2]).to.match(/^db\s+10\.0\.1\.0\/26\s+prefix\s+released\s+\S+\s+\S+Z\s+\S+$/);
    expect([listed[1], listed[2]].map((line) => line.split(/\s+/).pop())).to.deep.equal([ME, ME]);
    expect((await ipam('find 10.0.0.77')).stdout).to.equal(
      'SPACE    POOL  POOL CIDR    HELD BY\ndefault  corp  10.0.0.0/16  web (10.0.0.0/24, allocated)\n',
    );
    expect((await ipam('check corp')).stdout).to.equal('pool corp: consistent (2 allocations checked)\n');
    const shown = (await ipam('pool show corp --prefix 24')).stdout;
    expect(shown).to.contain('/24 blocks:           255 available of 256 (254 free now)');
    expect((await ipam('available corp 10.0.0.0/24')).stdout).to.equal(
      '10.0.0.0/24 is not available: 10.0.0.0/24 in pool "corp" is held by owner "web" (10.0.0.0/24); choose another or omit it\n',
    );
  });

  it('keeps state in the file across processes (IPAM_STATE, overridden by --state anywhere on the line)', async () => {
    const state = join(dir, 'shared.db');
    const first = await runTs('provider/src/cli/main.ts', ['pool', 'create', 'p', '10.1.0.0/24', '--state', state], { cwd: dir });
    expect(first.code).to.equal(0);
    const second = await runTs('provider/src/cli/main.ts', ['--json', 'alloc', 'p', '--owner', 'x', '--prefix', '28'], { cwd: dir, env: { IPAM_STATE: state } });
    expect([second.code, JSON.parse(second.stdout).cidr]).to.deep.equal([0, '10.1.0.0/28']);
    const other = await runTs('provider/src/cli/main.ts', ['pool', 'list'], { cwd: dir });
    expect(other.stdout).to.equal('no pools\n');
  });

  it('reports a refusal on stderr with its code and exit 1, and changes nothing', async () => {
    await ipam('pool create corp 10.0.0.0/16');
    const refused = await runTs('provider/src/cli/main.ts', ['pool', 'create', 'other', '10.0.1.0/24'], { cwd: dir });
    expect(refused.code).to.equal(1);
    expect(refused.stdout).to.equal('');
    expect(refused.stderr).to.equal(
      'error[POOL_OVERLAP]: cidr: 10.0.1.0/24 overlaps pool "corp" (10.0.0.0/16) in address space "default"; choose a range that does not overlap, or nest it with parent "corp"\n',
    );
    const json = await ipam('pool create bad 10.1.2.3/16 --json');
    expect([json.code, JSON.parse(json.stderr)]).to.deep.equal([
      1,
      { error: { code: 'INVALID_CIDR', message: 'cidr: "10.1.2.3/16" has host bits set; the network is 10.1.0.0/16', field: 'cidr' } },
    ]);
    expect((await ipam('pool list')).stdout.split('\n').filter(Boolean)).to.have.length(2);
  });

  it('rejects a wrong command line with exit 2 and a hint', async () => {
    const cases: [string, string][] = [
      ['alloc corp --prefx 24', 'error[USAGE]: unknown option --prefx; did you mean --prefix or --prefer?\n'],
      ['alloc corp --prefix 24', 'error[USAGE]: alloc needs --owner KEY (an idempotency key, e.g. the name of what gets the block)\n'],
      ['alloc corp --owner a --ip --prefix 24', 'error[USAGE]: give --prefix N (a block) or --ip (one address), not both\n'],
      ['pool list --owner x', 'error[USAGE]: --owner does not apply to `ipam pool list`; usage: ipam pool list\n'],
      ['pool create', 'error[USAGE]: usage: ipam pool create NAME [CIDR] [--parent P [--prefix N] [--prefer C]] [--strategy S] [--gateway [ADDR]] [--reserve CIDR]... [--default-prefix N] [--grace D]\n'],
      ['frobnicate', 'error[USAGE]: unknown command "frobnicate"; run `ipam --help`\n'],
      ['pool create p 10.0.0.0/8 --grace soon', 'error[USAGE]: --grace: "soon" is not a duration; write it like 3600, 90m, 24h or 7d\n'],
      // "08" is octal to some tools: the plain number is asked for, not guessed.
      ['alloc corp --owner a --prefix 024', 'error[USAGE]: --prefix: "024" has a leading zero; write 24\n'],
      ['pool show corp --prefix 08', 'error[USAGE]: --prefix: "08" has a leading zero; write 8\n'],
    ];
    for (const [line, stderr] of cases) {
      const run = await ipam(line);
      expect([run.code, run.stderr], line).to.deep.equal([2, stderr]);
    }
  });

  it('prints help listing every command, and per-command options', async () => {
    const help = (await ipam('--help')).stdout;
    for (const command of ['pool create', 'pool delete', 'pool list', 'pool show', 'alloc', 'release', 'allocations', 'find', 'check']) {
      expect(help).to.contain(`  ${command}`);
    }
    expect((await ipam('alloc --help')).stdout).to.contain('--owner KEY');
  });

  it('creates child pools, carved or explicit, and runs a KubeSlice slice', async () => {
    await ipam('pool create world 10.0.0.0/8 --strategy best-fit');
    expect(JSON.parse((await ipam('pool create finance --parent world --prefix 20 --json')).stdout).cidr).to.equal('10.0.0.0/20');
    const slice = await ipam('slice sync blue 10.2.0.0/16 --size 24 --cluster worker-1 --cluster worker-2 --namespace kubeslice-cisco');
    expect(slice.stdout.split('\n')[1].split(/\s+/)).to.deep.equal(['blue', '10.2.0.0/16', '254', '256', ME]);
    expect((await ipam('pool delete world')).stderr).to.equal('error[POOL_IN_USE]: pool "world" still has child pool(s) "finance" (10.0.0.0/20); delete them first\n');
  });

  it('escapes control and invisible characters of stored data in its output (an owner written before the input rules)', async () => {
    await ipam('pool create p 10.0.0.0/24 --default-prefix 28');
    await ipam('alloc p --owner web');
    // Straight into the state file, as an older version or another tool could have written it.
    const store = new SqliteStore(join(dir, '.ipam', 'state.db'));
    try {
      const read = await store.read('default');
      const web = read.allocations.find((a) => a.owner === 'web')!;
      const writes: StoreWrite[] = [
        { type: 'removeAllocation', pool: 'p', owner: 'web' },
        { type: 'saveAllocation', allocation: { ...web, owner: 'web\u009b2J\u202e' } },
      ];
      expect((await store.commit({ space: 'default', expectedVersion: read.version, writes, audit: [] })).ok).to.equal(true);
    } finally {
      await store.close();
    }
    const unsafe = /[\u0080-\u009f\u202e]/;
    const listed = (await ipam('allocations p')).stdout;
    expect(listed.split('\n')[1]).to.match(/^web\\u009b2J\\u202e\s+10\.0\.0\.0\/28\s/);
    expect(unsafe.test(listed)).to.equal(false);
    const json = (await ipam('allocations p --json')).stdout;
    expect(unsafe.test(json)).to.equal(false);
    expect(JSON.parse(json)[0].owner, 'the same JSON, escaped').to.equal('web\u009b2J\u202e');
  });

  it('says a hint as an ipam command with the space it needs, the same whether the state is a file or the HTTP service', async () => {
    const local = await ipam('alloc web --owner a --space team-a');
    expect([local.code, local.stderr]).to.deep.equal([1, 'error[POOL_NOT_FOUND]: pool: no pool "web" in address space "team-a"; list pools with `ipam pool list --space team-a`\n']);
    const service = await startInProcess(new MemoryStore());
    try {
      const remote = cli(dir, { IPAM_SERVER: service.url, IPAM_TOKEN: WRITER.token });
      // The service answers with the hint as data (and as a request in its detail); the command words it as a command.
      expect((await remote('alloc web --owner a --space team-a')).stderr).to.equal(local.stderr);
      await remote('pool create web 10.0.0.0/24 --space team-a');
      const json = JSON.parse((await remote('release web --owner ghost --space team-a --json')).stderr).error;
      expect(json).to.deep.equal({
        code: 'ALLOCATION_NOT_FOUND',
        message: 'owner: pool "web" has no allocation for owner "ghost"; list them with `ipam allocations web --space team-a`',
        field: 'owner',
        hint: { kind: 'list-allocations', space: 'team-a', pool: 'web' },
      });
    } finally {
      await service.close();
    }
  });

  it('uses IPAM_NAMESPACE as the space of every command that names none, slices included', async () => {
    const inTeam = cli(dir, { IPAM_NAMESPACE: 'team-a' });
    await inTeam('pool create corp 10.0.0.0/16');
    await inTeam('slice sync blue 10.2.0.0/16 --size 24 --cluster worker-1');
    expect(JSON.parse((await ipam('pool show corp --space team-a --json')).stdout).space).to.equal('team-a');
    expect(JSON.parse((await ipam('slice show blue --namespace team-a --json')).stdout).namespace).to.equal('team-a');
    expect((await ipam('slice show blue')).stderr).to.equal(
      'error[POOL_NOT_FOUND]: name: no slice "blue" in namespace "default"; check the slice\'s namespace (list them with `ipam pool list --namespace default`)\n',
    );
    expect(JSON.parse((await inTeam('pool list --json')).stdout).map((p: { name: string; space: string }) => [p.name, p.space])).to.deep.equal([
      ['blue', 'team-a'],
      ['corp', 'team-a'],
    ]);
  });
});
