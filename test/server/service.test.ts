import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamError } from '../../provider/src/errors';
import { TokenAuth, parseTokensEnv, readTokensFile } from '../../provider/src/server/auth';
import { MemoryStore } from '../../provider/src/store/memory';
import { CommitRequest, Store } from '../../provider/src/engine/store';
import { useCleanup } from '../support/cleanup';
import { clusterOrSkip, freePort } from '../support/postgres';
import { runTs } from '../support/processes';
import { WRITER, startInProcess, startServeProcess } from '../support/http-service';
import { send } from './request';

/** A store wrapping another, with some methods replaced: a backend that misbehaves in one chosen way. */
function wrapStore(inner: Store, replace: Partial<Store>): Store {
  return Object.assign(Object.create(inner) as Store, replace);
}

describe('HTTP service: operations', () => {
  const defer = useCleanup();
  it('finishes a request in flight on shutdown, closing its connection, and accepts no new ones', async () => {
    const inner = new MemoryStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const committing = new Promise<void>((resolve) => (entered = resolve));
    const store = wrapStore(inner, {
      commit: async (request: CommitRequest) => {
        entered();
        await gate;
        return inner.commit(request);
      },
    });
    const service = await startInProcess(store);
    defer(() => service.close());
    const inFlight = send(service.url, 'POST', '/v1/spaces/default/pools', { body: { name: 'p', cidr: '10.0.0.0/24' } });
    await committing;
    const closed = service.server.close(10_000);
    const refused = await send(service.url, 'GET', '/healthz').catch((e: Error) => (e.cause as { code?: string })?.code);
    expect(refused).to.equal('ECONNREFUSED');
    release();
    const answered = await inFlight;
    expect([answered.status, answered.headers.get('connection')]).to.deep.equal([200, 'close']);
    await closed;
    expect((await inner.read('default')).pools.map((p) => p.name)).to.deep.equal(['p']);
  });

  it('answers 503 STORE_UNAVAILABLE on /readyz and on requests when the store is gone', async () => {
    const store = new MemoryStore();
    const service = await startInProcess(store);
    defer(() => service.close());
    await store.close();
    const ready = await send(service.url, 'GET', '/readyz', { token: null });
    expect([ready.status, ready.body.code, ready.body.message]).to.deep.equal([
      503,
      'STORE_UNAVAILABLE',
      'store: the memory state backend does not answer: memory store is closed',
    ]);
    const allocate = await send(service.url, 'PUT', '/v1/spaces/default/pools/p/allocations/a');
    expect([allocate.status, allocate.body.code, allocate.body.message]).to.deep.equal([
      503,
      'STORE_UNAVAILABLE',
      'the memory state backend failed: memory store is closed',
    ]);
  });

  it('answers 503 CONTENTION when other writers keep winning, without a change of its own', async () => {
    const inner = new MemoryStore();
    // Another writer commits just before each of ours, so ours is always stale.
    const store = wrapStore(inner, {
      commit: async (request: CommitRequest) => {
        const current = (await inner.read(request.space)).version;
        await inner.commit({ space: request.space, expectedVersion: current, writes: [], audit: [] });
        return inner.commit(request);
      },
    });
    const service = await startInProcess(store, { ipam: Ipam.create(store, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }) });
    defer(() => service.close());
    const got = await send(service.url, 'POST', '/v1/spaces/default/pools', { body: { name: 'p', cidr: '10.0.0.0/24' } });
    expect([got.status, got.body.code, got.body.message]).to.deep.equal([
      503,
      'CONTENTION',
      'address space "default" kept changing under 3 attempts to commit; other writers are too busy, try again',
    ]);
    expect((await inner.read('default')).pools).to.deep.equal([]);
  });

  it('answers 500 INTERNAL_ERROR for an unexpected failure, with the details in the log only', async () => {
    // A programming error inside the engine, not a store failure: the engine reports store
    // failures itself as STORE_UNAVAILABLE, so the fault is planted in the engine the service calls.
    const store = new MemoryStore();
    const ipam = Ipam.create(store);
    const actingAs = ipam.as.bind(ipam);
    ipam.as = (actor: string) =>
      Object.assign(actingAs(actor), {
        listAudit: async () => {
          throw new TypeError('boom at the backend');
        },
      });
    const service = await startInProcess(store, { ipam });
    defer(() => service.close());
    const got = await send(service.url, 'GET', '/v1/spaces/default/pools/p/audit');
    expect([got.status, got.body.code, got.body.message]).to.deep.equal([
      500,
      'INTERNAL_ERROR',
      'server: the request failed unexpectedly; the service log has the details',
    ]);
    expect(got.text).to.not.include('boom');
    expect(service.logs.at(-1)!.error).to.include('TypeError: boom at the backend');
  });

  it('serves HTTPS with a certificate, which a client trusts only with its CA', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'ipam-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    } catch {
      if (process.env.CI) throw new Error('openssl is needed to test TLS');
      this.skip();
    }
    const service = await startInProcess(new MemoryStore(), { tls: { cert: readFileSync(cert), key: readFileSync(key) } });
    defer(() => service.close());
    expect(service.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trusted = new HttpIpam({ server: service.url, token: WRITER.token, ca: readFileSync(cert) });
    defer(() => trusted.close());
    expect((await trusted.createPool({ name: 'tls', cidr: '10.0.0.0/24' })).cidr).to.equal('10.0.0.0/24');
    const untrusted = new HttpIpam({ server: service.url, token: WRITER.token, retries: 0 });
    defer(() => untrusted.close());
    const error = await untrusted.listPools().catch((e: IpamError) => e.toJSON());
    expect(error).to.deep.equal({
      code: 'STORE_UNAVAILABLE',
      message: `server: cannot reach the IPAM service at ${service.url} (DEPTH_ZERO_SELF_SIGNED_CERT) after 1 attempts`,
      field: 'server',
    });
  });

  describe('tokens', () => {
    it('reads a tokens file (YAML) and IPAM_TOKENS entries', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'ipam-tokens-')), 'tokens.yaml');
      writeFileSync(file, `tokens:\n  - name: ci\n    scope: read-write\n    token: ${WRITER.token}\n`);
      expect(readTokensFile(file)).to.deep.equal([{ name: 'ci', scope: 'read-write', token: WRITER.token }]);
      expect(parseTokensEnv(`a:read:${'x'.repeat(16)}, b:read-write:${'y'.repeat(16)}`)).to.deep.equal([
        { name: 'a', scope: 'read', token: 'x'.repeat(16) },
        { name: 'b', scope: 'read-write', token: 'y'.repeat(16) },
      ]);
    });

    it('refuses weak, duplicate or badly scoped tokens at start, without echoing them', () => {
      const refuse = (entries: { name: string; scope: string; token: string }[]) => {
        try {
          new TokenAuth(entries as never);
          return 'accepted';
        } catch (e) {
          return (e as Error).message;
        }
      };
      expect(refuse([{ name: 'a', scope: 'read', token: 'short' }])).to.equal(
        'token 1 ("a"): the token must be at least 16 characters without spaces (e.g. `openssl rand -hex 32`)',
      );
      expect(refuse([{ name: 'a', scope: 'admin', token: WRITER.token }])).to.equal('token 1 ("a"): scope must be "read" or "read-write"');
      expect(refuse([WRITER, { ...WRITER, token: `${WRITER.token}2` }])).to.equal(`token 2 ("${WRITER.name}"): the name is used twice`);
      expect(refuse([WRITER, { ...WRITER, name: 'other' }])).to.equal('token 2 ("other"): the same token is given twice');
    });
  });

  describe('ipam serve', () => {
    it('refuses --no-auth on an address other than loopback', async () => {
      const result = await runTs('provider/src/cli/main.ts', ['serve', '--no-auth', '--listen', '0.0.0.0:0'], { timeoutMs: 30_000 });
      expect([result.code, result.stderr]).to.deep.equal([
        2,
        'error[USAGE]: --no-auth is allowed only on a loopback address (127.0.0.1, ::1, localhost), not 0.0.0.0: anyone who can reach it could change every pool\n',
      ]);
    });

    it('refuses to start without tokens', async () => {
      const result = await runTs('provider/src/cli/main.ts', ['serve', '--listen', '127.0.0.1:0'], { timeoutMs: 30_000, env: { IPAM_TOKENS: '' } });
      expect([result.code, result.stderr]).to.deep.equal([
        2,
        'error[USAGE]: no tokens: give --tokens FILE or set IPAM_TOKENS (name:scope:token,...), or --no-auth on a loopback address\n',
      ]);
    });

    it('waits with backoff for a PostgreSQL that is down at start, answering /readyz 503 meanwhile, then serves', async function () {
      const port = await freePort();
      const service = await startServeProcess(`postgres://postgres@127.0.0.1:${port}/postgres`);
      defer(() => service.kill9());
      let cluster: Awaited<ReturnType<typeof clusterOrSkip>> | undefined;
      try {
        const waiting = await send(service.url, 'GET', '/readyz', { token: null });
        expect([waiting.status, waiting.body.code]).to.deep.equal([503, 'STORE_UNAVAILABLE']);
        expect(waiting.body.message).to.match(/^store: the postgres state backend does not answer yet \(still trying\): /);
        const refused = await send(service.url, 'POST', '/v1/spaces/default/pools', { body: { name: 'p', cidr: '10.0.0.0/24' } });
        expect([refused.status, refused.body.code]).to.deep.equal([503, 'STORE_UNAVAILABLE']);
        cluster = await clusterOrSkip(this, { port });
        // Bounded: the backoff is capped at 10 s, so the service answers within a few seconds of the database.
        let ready = waiting;
        for (let i = 0; i < 60 && ready.status !== 200; i++) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          ready = await send(service.url, 'GET', '/readyz', { token: null });
        }
        expect(ready.body).to.deep.equal({ status: 'ready', store: 'postgres' });
        const created = await send(service.url, 'POST', '/v1/spaces/default/pools', { body: { name: 'p', cidr: '10.0.0.0/24' } });
        expect(created.status).to.equal(200);
        const events = service.stderr().trim().split('\n').map((line) => JSON.parse(line) as { msg: string; level: string; retryInMs?: number; error?: string });
        const retries = events.filter((e) => e.msg === 'store not ready');
        expect(retries[0].level).to.equal('warn');
        expect(retries.map((e) => e.retryInMs).slice(0, 2)).to.deep.equal([250, 500]);
        expect(retries[0].error).to.match(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
        expect(events.some((e) => e.msg === 'store ready')).to.equal(true);
      } finally {
        expect(await service.stop()).to.equal(0);
        cluster?.stop();
      }
    });

    it('stops at once on SIGTERM while still waiting for PostgreSQL, exit 0', async () => {
      const service = await startServeProcess(`postgres://postgres@127.0.0.1:${await freePort()}/postgres`);
      defer(() => service.kill9());
      // Stop in the middle of a 2 s pause between attempts (bounded wait for the fourth attempt).
      for (let i = 0; i < 100 && !service.stderr().includes('"attempt":4,"retryInMs":2000'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(service.stderr()).to.include('"attempt":4,"retryInMs":2000');
      const started = Date.now();
      expect(await service.stop()).to.equal(0);
      // The pause does not hold the process.
      expect(Date.now() - started).to.be.below(1_000);
      expect(service.stderr()).to.include('"msg":"stopped"');
    });

    it('serves a SQLite file, logs JSON lines without the token, and exits 0 on SIGTERM', async () => {
      const db = join(mkdtempSync(join(tmpdir(), 'ipam-serve-')), 'ipam.db');
      const service = await startServeProcess(db);
      defer(() => service.kill9());
      const created = await send(service.url, 'POST', '/v1/spaces/default/pools', { body: { name: 'p', cidr: '10.0.0.0/24' } });
      expect(created.status).to.equal(200);
      expect(await service.stop()).to.equal(0);
      const lines = service.stderr().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((l) => l.msg)).to.deep.equal(['listening', 'request', 'shutting down', 'stopped']);
      expect(lines[1]).to.include({ method: 'POST', status: 200, actor: WRITER.name, level: 'info' });
      expect(service.stderr()).to.not.include(WRITER.token);
    });
  });
});
