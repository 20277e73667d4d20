import Database from 'better-sqlite3';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../provider/src/cli/main';
import { REPO, TSX_ARGS } from '../support/processes';
import { asSchema2 } from '../support/sqlite-schema-2';

/**
 * The SQLite state file when things around it are not as they should be: a file this user may
 * only read, a full disk, another application's database, a corrupted row. Each time the user
 * hears which file, what is wrong and what to do, and the file is left as it was.
 */
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function ipam(line: string, cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(line.split(' ').filter(Boolean), { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd });
  return { code, stdout, stderr };
}

const IS_ROOT = process.getuid?.() === 0;
/** Root may write any file, so "a user who may only read" is played by nobody (uid 65534) when the tests run as root. */
const AS_READER = IS_ROOT ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];

/** `ipam` in a child process, as a user without write access and/or with a file-size limit (KiB, `ulimit -f`). */
function ipamProcess(args: string[], how: { reader?: boolean; fileSizeLimitKiB?: number } = {}): Run {
  let argv = [process.execPath, ...TSX_ARGS, join(REPO, 'provider/src/cli/main.ts'), ...args];
  if (how.fileSizeLimitKiB !== undefined) argv = ['bash', '-c', `ulimit -f ${how.fileSizeLimitKiB} && exec "$@"`, 'bash', ...argv];
  if (how.reader === true) argv = [...AS_READER, ...argv];
  const result = spawnSync(argv[0], argv.slice(1), { cwd: REPO, encoding: 'utf8', timeout: 60_000, env: { ...process.env, IPAM_STATE: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A state file with pool corp (10.0.0.0/16) holding web 10.0.0.0/24 and db 10.0.1.0/26, in a directory anyone may enter. */
async function stateFile(): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ipam-state-file-'));
  chmodSync(dir, 0o777);
  const file = join(dir, 'state.db');
  for (const line of ['pool create corp 10.0.0.0/16 --default-prefix 24', 'alloc corp --owner web', 'alloc corp --owner db --prefix 26']) {
    expect((await ipam(`${line} --state ${file}`, dir)).code, line).to.equal(0);
  }
  return { dir, file };
}

const owners = async (file: string, dir: string): Promise<string[]> =>
  JSON.parse((await ipam(`allocations corp --json --state ${file}`, dir)).stdout).map((a: { owner: string; cidr: string }) => `${a.owner} ${a.cidr}`);

/**
 * nobody must reach the repository's files (tsx, the sources) to run the command: a checkout in
 * a private folder (CI clones into one from mktemp -d, mode 700) gets search permission for
 * others on its ancestors while the suite runs, and its own modes back afterwards.
 */
function letOthersIn(dir: string): () => void {
  const changed: [string, number][] = [];
  for (let d = dir; ; d = dirname(d)) {
    const mode = statSync(d).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(d, mode | 0o001);
      changed.push([d, mode]);
    }
    if (d === dirname(d)) break;
  }
  return () => changed.forEach(([d, mode]) => chmodSync(d, mode));
}

describe('state file: read-only, full disk, foreign, corrupted', function () {
  this.timeout(120_000);
  let restoreModes = () => undefined as void;
  before(() => {
    if (IS_ROOT) restoreModes = letOthersIn(REPO);
  });
  after(() => restoreModes());

  it('a file this user may not write (a backup): reads work, a write is refused by name and changes nothing', async () => {
    const { dir, file } = await stateFile();
    chmodSync(file, 0o444);
    const list = ipamProcess(['pool', 'list', '--state', file], { reader: true });
    expect([list.code, list.stderr]).to.deep.equal([0, '']);
    expect(list.stdout).to.match(/^corp\s+default\s+10\.0\.0\.0\/16\s+-\s+first-fit\s+320\s+/m);
    const write = ipamProcess(['alloc', 'corp', '--owner', 'new', '--state', file], { reader: true });
    expect([write.code, write.stdout, write.stderr]).to.deep.equal([
      1,
      '',
      `error[STORE_UNAVAILABLE]: state file ${file} is open read-only (${file} is not writable by this user): reads work, writes need a writable file; nothing was written\n`,
    ]);
    expect(await owners(file, dir)).to.deep.equal(['web 10.0.0.0/24', 'db 10.0.1.0/26']);
  });

  it('a file of the previous schema that this user may not write (an old backup): read as it is, audit trail included, not upgraded', async () => {
    const { dir, file } = await stateFile();
    const audit = await ipam(`audit corp --json --state ${file}`, dir);
    const old = join(dir, 'old.db');
    asSchema2(file, old);
    chmodSync(old, 0o444);
    const read = ipamProcess(['audit', 'corp', '--json', '--state', old], { reader: true });
    expect([read.code, read.stderr, JSON.parse(read.stdout)]).to.deep.equal([0, '', JSON.parse(audit.stdout)]);
    expect(JSON.parse(audit.stdout).map((e: { action: string; owner?: string }) => `${e.action} ${e.owner ?? ''}`)).to.deep.equal(['allocate db', 'allocate web', 'create-pool ']);
    const db = new Database(old, { readonly: true });
    expect(db.pragma('user_version', { simple: true }), 'not upgraded').to.equal(2);
    db.close();
  });

  it('a file in a directory this user may not write (a read-only checkout): reads work, writes are refused by name', async () => {
    const { dir, file } = await stateFile();
    chmodSync(file, 0o444);
    chmodSync(dir, 0o555);
    const show = ipamProcess(['allocations', 'corp', '--json', '--state', file], { reader: true });
    expect([show.code, show.stderr]).to.deep.equal([0, '']);
    expect(JSON.parse(show.stdout).map((a: { owner: string }) => a.owner)).to.deep.equal(['web', 'db']);
    const write = ipamProcess(['release', 'corp', '--owner', 'web', '--state', file], { reader: true });
    expect([write.code, write.stderr]).to.deep.equal([
      1,
      `error[STORE_UNAVAILABLE]: state file ${file} is open read-only (${file} is not writable by this user): reads work, writes need a writable file; nothing was written\n`,
    ]);
    chmodSync(dir, 0o777);
    expect(readdirSync(dir), 'nothing left beside the file').to.deep.equal(['state.db']);
    expect(await owners(file, dir)).to.deep.equal(['web 10.0.0.0/24', 'db 10.0.1.0/26']);
  });

  it('a nearly full disk (simulated with a file-size limit, ulimit -f): reads and writes name the file and the full disk', async () => {
    const { dir, file } = await stateFile();
    const diskFull = (code: string, doing: string): string =>
      `error[STORE_UNAVAILABLE]: state file ${file}: disk I/O error (${code}) while ${doing}: SQLite could not write ${file}-wal or ${file}-shm beside it; ` +
      'the usual cause is a full disk (or a file-size limit). Free space on the disk holding the file, then retry; nothing was written\n';
    // 16 KiB: not even the 32 KiB shared-memory index SQLite needs to read a WAL file fits.
    const read = ipamProcess(['pool', 'list', '--state', file], { fileSizeLimitKiB: 16 });
    expect([read.code, read.stdout, read.stderr]).to.deep.equal([1, '', diskFull('SQLITE_IOERR_SHMSIZE', 'reading')]);
    // 32 KiB: the index just fits, so reads work; an allocation with 4 KB of labels (its row
    // spills onto overflow pages) writes a longer log (9 pages, 37,112 bytes). A plain one writes
    // 6 pages (24,752 bytes), which would fit.
    expect(ipamProcess(['pool', 'list', '--state', file], { fileSizeLimitKiB: 32 }).code).to.equal(0);
    const labels = ['a', 'b', 'c', 'd'].flatMap((key) => ['--label', `${key}=${'v'.repeat(1000)}`]);
    const write = ipamProcess(['alloc', 'corp', '--owner', 'new', ...labels, '--state', file], { fileSizeLimitKiB: 32 });
    expect([write.code, write.stdout, write.stderr]).to.deep.equal([1, '', diskFull('SQLITE_IOERR_WRITE', 'writing')]);
    expect(await owners(file, dir)).to.deep.equal(['web 10.0.0.0/24', 'db 10.0.1.0/26']);
  });

  it("another application's SQLite file is refused by name and left untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipam-foreign-'));
    const file = join(dir, 'app.db');
    const app = new Database(file);
    app.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada');");
    app.close();
    const refused = await ipam(`pool create corp 10.0.0.0/16 --state ${file}`, dir);
    expect([refused.code, refused.stderr]).to.deep.equal([
      1,
      `error[INVALID_INPUT]: state: ${file} is not a pulumi-ipam state file: it holds another application's tables (users) and no ipam schema; ` +
        'nothing was written to it. Point the state (--state, IPAM_STATE, ipam:state, or serve --db) at a new file or an existing ipam state file\n',
    ]);
    const after = new Database(file, { readonly: true });
    const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    const version = after.pragma('user_version', { simple: true });
    after.close();
    expect([tables, version]).to.deep.equal([[{ name: 'users' }], 0]);
  });

  it('ipam check exits 1 when it finds problems (0 when clean); a corrupted row is named by every other command', async () => {
    const { dir, file } = await stateFile();
    const clean = await ipam(`check corp --state ${file}`, dir);
    expect([clean.code, clean.stdout]).to.deep.equal([0, 'pool corp: consistent (2 allocations checked)\n']);
    // Corrupt the file as a bad restore or a hand edit would: db's row now overlaps web's block.
    const db = new Database(file);
    const row = db.prepare("SELECT body FROM allocations WHERE owner = 'db'").get() as { body: string };
    db.prepare("UPDATE allocations SET cidr = '10.0.0.0/26', body = ? WHERE owner = 'db'").run(JSON.stringify({ ...JSON.parse(row.body), cidr: '10.0.0.0/26' }));
    db.close();

    const check = await ipam(`check corp --state ${file}`, dir);
    expect([check.code, check.stdout]).to.deep.equal([
      1,
      'pool corp: 1 problem(s)\n  OVERLAPPING_BLOCKS: overlapping subnets detected: allocation of "db" 10.0.0.0/26 overlaps allocation of "web" 10.0.0.0/24\n',
    ]);
    const corrupted =
      'error[STATE_CORRUPTED]: pool "corp" in address space "default": the stored state is inconsistent: ' +
      'the allocation of "db" (10.0.0.0/26) overlaps the allocation of "web" (10.0.0.0/24). ' +
      'Nothing was changed; run `ipam check corp` to list every problem, then repair the state (restore a backup, or remove the bad row)\n';
    for (const line of ['pool list', 'alloc corp --owner new', 'release corp --owner web']) {
      const run = await ipam(`${line} --state ${file}`, dir);
      expect([run.code, run.stderr], line).to.deep.equal([1, corrupted]);
    }
  });
});
