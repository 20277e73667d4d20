import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../provider/src/cli/main';
import { runTs } from '../support/processes';

/**
 * `ipam serve` started with a configuration that cannot work: each is CONFIG_INVALID with exit 2
 * (fix the configuration), never STORE_UNAVAILABLE with exit 1 (which says "retry"), and the
 * message names the flag or variable and the fix. Each run is a real process that must stop by
 * itself; the deadline kills it otherwise.
 */
const VALID_TOKENS = 'ci:read-write:w-0123456789abcdef0123456789abcdef';

async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<[number | null, string]> {
  const dir = mkdtempSync(join(tmpdir(), 'ipam-serve-config-'));
  const defaults = [...(args.includes('--listen') ? [] : ['--listen', '127.0.0.1:0']), ...(args.includes('--db') ? [] : ['--db', join(dir, 'ipam.db')])];
  const result = await runTs('provider/src/cli/main.ts', ['serve', ...defaults, ...args], {
    timeoutMs: 30_000,
    env: { IPAM_TOKENS: VALID_TOKENS, ...env },
  });
  return [result.code, result.stderr];
}

describe('ipam serve: configuration errors are CONFIG_INVALID, exit 2', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'ipam-serve-config-'));

  it('a tokens file that does not exist', async () => {
    const file = join(dir, 'missing.yaml');
    expect(await serve(['--tokens', file])).to.deep.equal([
      2,
      `error[CONFIG_INVALID]: --tokens ${file}: cannot read the file (ENOENT); give the path of a YAML or JSON tokens file\n`,
    ]);
  });

  it('a malformed IPAM_TOKENS entry', async () => {
    expect(await serve([], { IPAM_TOKENS: 'ci-read-write-0123456789abcdef' })).to.deep.equal([
      2,
      'error[CONFIG_INVALID]: IPAM_TOKENS entry 1: write it as name:scope:token (scope read or read-write)\n',
    ]);
  });

  it('a weak token in IPAM_TOKENS', async () => {
    expect(await serve([], { IPAM_TOKENS: 'ci:read-write:short' })).to.deep.equal([
      2,
      'error[CONFIG_INVALID]: token 1 ("ci"): the token must be at least 16 characters without spaces (e.g. `openssl rand -hex 32`)\n',
    ]);
  });

  it('a token of digits left unquoted in YAML is called a number, not too short, and is not echoed', async () => {
    const file = join(dir, 'numeric.yaml');
    writeFileSync(file, 'tokens:\n  - name: ci\n    scope: read-write\n    token: 12345678901234567890123\n');
    const [code, stderr] = await serve(['--tokens', file]);
    expect([code, stderr]).to.deep.equal([
      2,
      'error[CONFIG_INVALID]: token 1 ("ci"): the token is written as a number; quote it in the tokens file, e.g. token: "0123..."\n',
    ]);
  });

  it('a tokens file that is not YAML, without quoting its lines (they may hold tokens)', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'tokens:\n  - name: ci\n    token: "w-0123456789abcdef0123456789abcdef\n');
    expect(await serve(['--tokens', file])).to.deep.equal([2, `error[CONFIG_INVALID]: --tokens ${file}: not valid YAML or JSON (line 4)\n`]);
  });

  it('a port another process listens on', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      expect(await serve(['--listen', `127.0.0.1:${port}`])).to.deep.equal([
        2,
        `error[CONFIG_INVALID]: --listen 127.0.0.1:${port}: cannot listen there (EADDRINUSE); another process listens on that port: stop it or choose another port\n`,
      ]);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('a TLS certificate that does not exist, or is not PEM', async () => {
    const cert = join(dir, 'missing.crt');
    expect(await serve(['--tls-cert', cert, '--tls-key', cert])).to.deep.equal([2, `error[CONFIG_INVALID]: --tls-cert ${cert}: cannot read the file (ENOENT)\n`]);
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const [code, stderr] = await serve(['--tls-cert', garbage, '--tls-key', garbage]);
    expect([code, stderr.split(': ').slice(0, 2).join(': ')]).to.deep.equal([2, 'error[CONFIG_INVALID]: --tls-cert/--tls-key']);
    expect(stderr).to.include('not a usable PEM certificate and key');
  });

  it('a SQLite state file that cannot be opened (a directory)', async () => {
    expect(await serve(['--db', dir])).to.deep.equal([2, `error[CONFIG_INVALID]: --db ${dir}: cannot open the state file: unable to open database file\n`]);
  });

  it('a connection cap of 0 is a wrong command line (USAGE), not a service that turns everyone away', async () => {
    expect(await serve(['--max-connections', '0'])).to.deep.equal([2, 'error[USAGE]: --max-connections: must be at least 1 (0 would turn every client away)\n']);
  });

  it('a PostgreSQL database that does not exist stops the service (no retry can create it)', async function () {
    // Needs a PostgreSQL server: a throwaway one from test/support/postgres.ts when installed.
    const { clusterOrSkip } = await import('../support/postgres');
    const cluster = await clusterOrSkip(this);
    try {
      const url = cluster.url.replace(/\/postgres$/, '/no_such_db');
      const [code, stderr] = await serve(['--db', url]);
      expect(code).to.equal(2);
      expect(stderr.trim().split('\n').at(-1)).to.equal(
        'error[CONFIG_INVALID]: --db: PostgreSQL refused the connection: the database does not exist: create it first (database "no_such_db" does not exist)',
      );
    } finally {
      cluster.stop();
    }
  });
});

describe('ipam command: a kubeconfig that does not exist is CONFIG_INVALID, exit 2', () => {
  const run = async (argv: string[]): Promise<[number, string]> => {
    let stderr = '';
    const code = await runCli(argv, { stdout: () => undefined, stderr: (t) => (stderr += t), env: {}, cwd: tmpdir() });
    return [code, stderr];
  };

  it('names the file, in text and in JSON', async () => {
    const [code, stderr] = await run(['--kubeconfig', '/nonexistent/kubeconfig', 'pool', 'list']);
    expect([code, stderr.split(': ENOENT')[0]]).to.deep.equal([2, 'error[CONFIG_INVALID]: kubeconfig: cannot read /nonexistent/kubeconfig']);
    const [jsonCode, json] = await run(['--kubeconfig', '/nonexistent/kubeconfig', 'pool', 'list', '--json']);
    const { error } = JSON.parse(json) as { error: { code: string; field: string } };
    expect([jsonCode, error.code, error.field]).to.deep.equal([2, 'CONFIG_INVALID', 'kubeconfig']);
  });
});
