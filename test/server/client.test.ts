import { expect } from 'chai';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { openIpam } from '../../provider/src/backends/open';
import { runCli } from '../../provider/src/cli/main';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamError } from '../../provider/src/errors';
import { IpamApi } from '../../provider/src/model/api';
import { MemoryStore } from '../../provider/src/store/memory';
import { useCleanup } from '../support/cleanup';
import { InProcessService, WRITER, startInProcess } from '../support/http-service';

const fixedClock = () => Date.UTC(2026, 0, 1);

/** Runs `script` and returns what it resolved or the error it threw, as plain data. */
async function outcome(script: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await script() };
  } catch (e) {
    return e instanceof IpamError ? { error: e.toJSON() } : { thrown: String(e) };
  }
}

/** The same user story against any IpamApi, every operation once, bad inputs included. */
async function story(api: IpamApi): Promise<unknown[]> {
  const steps: (() => Promise<unknown>)[] = [
    () => api.createPool({ name: 'net', cidr: '10.0.0.0/16', defaultPrefixLength: 24, gateway: true, labels: { team: 'a' } }),
    () => api.createPool({ name: 'net', cidr: '10.0.0.0/16', defaultPrefixLength: 24, gateway: true, labels: { team: 'a' } }),
    () => api.createPool({ name: 'child', parent: 'net', prefixLength: 20, space: 'default' }),
    () => api.updatePool({ pool: 'net', description: 'main', reserved: ['10.0.255.0/24'] }),
    () => api.allocate({ pool: 'net', owner: 'stack/app', prefixLength: 26 }),
    () => api.allocate({ pool: 'net', owner: 'stack/app', prefixLength: 26 }),
    () => api.allocate({ pool: 'net', owner: 'vpn', kind: 'host' }),
    () => api.allocate({ pool: 'net', owner: 'bad', cidr: '10.0.0.1/24' }),
    () => api.allocate({ pool: 'net', owner: '' }),
    () => api.allocate({ pool: 'missing', owner: 'x' }),
    () => api.getPool({ pool: 'net', prefixLength: 26 }),
    () => api.listPools(),
    () => api.listPools({ space: 'default' }),
    () => api.getAllocation({ pool: 'net', owner: 'stack/app' }),
    () => api.getAllocation({ pool: 'net', owner: 'nobody' }),
    () => api.listAllocations({ pool: 'net' }),
    () => api.isAvailable({ pool: 'net', cidr: '10.0.16.0/24' }),
    () => api.isAvailable({ pool: 'net', cidr: '10.0.16.1' }),
    () => api.find({ ip: '10.0.16.7' }),
    () => api.find({ ip: 'nope' }),
    () => api.check({ pool: 'net' }),
    () => api.release({ pool: 'net', owner: 'stack/app' }),
    () => api.release({ pool: 'net', owner: 'stack/app' }),
    () => api.deletePool({ pool: 'net' }),
    () => api.syncSlice({ namespace: 'ks', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1', 'c2'] }),
    () => api.syncSlice({ namespace: 'ks', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c2'] }),
    () => api.getSlice({ namespace: 'ks', name: 'blue' }),
    () => api.syncSlice({ namespace: 'ks', name: 'green', sliceSubnet: '8.8.0.0/16', subnetSize: 24, clusters: [] }),
    () => api.deleteSlice({ namespace: 'ks', name: 'blue' }),
    () => api.getSlice({ namespace: 'ks', name: 'blue' }),
    () => api.listAudit({ pool: 'net', limit: 3 }),
  ];
  const results: unknown[] = [];
  for (const step of steps) results.push(await outcome(step));
  return results;
}

describe('HTTP backend (HttpIpam)', () => {
  const defer = useCleanup();
  let service: InProcessService;
  before(async () => {
    const store = new MemoryStore();
    service = await startInProcess(store, { ipam: Ipam.create(store, { now: fixedClock }) });
  });
  after(() => service.close());

  it('behaves exactly as the in-process engine: same results, same error codes and messages', async () => {
    const remote = new HttpIpam({ server: service.url, token: WRITER.token });
    defer(() => remote.close());
    const local = Ipam.create(new MemoryStore(), { now: fixedClock, actor: WRITER.name });
    const [overHttp, inProcess] = [await story(remote), await story(local)];
    overHttp.forEach((step, i) => expect(step, `step ${i}`).to.deep.equal(inProcess[i]));
    // The story does hit refusals, so the comparison covers error paths too.
    expect(overHttp.filter((s) => (s as { error?: unknown }).error !== undefined)).to.have.length(7);
  });

  it('is what openIpam returns for a server URL, and refuses a URL that is none', async () => {
    const api = await openIpam({ server: service.url, token: WRITER.token }, { actor: 'ignored' });
    defer(() => api.close());
    expect(api).to.be.instanceOf(HttpIpam);
    const error = await openIpam({ server: 'ipam.example:8080' }, { actor: 'x' }).catch((e: IpamError) => e.toJSON());
    expect(error).to.deep.equal({ code: 'INVALID_INPUT', message: 'server: "ipam.example:8080" must be an http:// or https:// URL', field: 'server' });
  });

  it('drives the ipam command with --server and IPAM_TOKEN', async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: { IPAM_TOKEN: WRITER.token }, cwd: process.cwd() };
    expect(await runCli(['pool', 'create', 'cli', '10.77.0.0/24', '--space', 'cli', '--server', service.url], io), out.join('')).to.equal(0);
    expect(await runCli(['alloc', 'cli', '--owner', 'me', '--prefix', '28', '--space', 'cli', '--server', service.url, '--json'], io)).to.equal(0);
    expect(JSON.parse(out[1])).to.include({ owner: 'me', cidr: '10.77.0.0/28' });
    const code = await runCli(['alloc', 'cli', '--owner', 'me2', '--prefix', '33', '--space', 'cli', '--server', service.url], io);
    expect([code, out[2]]).to.deep.equal([1, 'error[INVALID_PREFIX_LENGTH]: prefixLength: /33 cannot be carved from pool "cli" (10.77.0.0/24); choose between /24 and /32\n']);
    const noToken = await runCli(['pool', 'list', '--server', service.url], { ...io, env: {} });
    expect([noToken, out[3]]).to.deep.equal([1, 'error[UNAUTHORIZED]: authorization: send the header "Authorization: Bearer <token>"\n']);
    expect((await service.ipam.listAudit({ space: 'cli', pool: 'cli' }))[0]).to.include({ owner: 'me', actor: WRITER.name });
  });

  describe('retries', () => {
    /** A loopback stand-in answering from a script of statuses, counting the requests it got. */
    async function scripted(answers: [number, object?][]): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
      let hits = 0;
      const server = createServer((request: IncomingMessage, response: ServerResponse) => {
        const [status, body] = answers[Math.min(hits++, answers.length - 1)];
        request.resume();
        response.writeHead(status, { 'content-type': 'application/problem+json' }).end(body === undefined ? '' : JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
      defer(close);
      return { url, hits: () => hits, close };
    }
    const fast = { retries: 3, retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 5_000 };
    const contention = { code: 'CONTENTION', message: 'busy' };

    it('retries 5xx answers, then succeeds', async () => {
      const stand = await scripted([[503, contention], [502], [200, { owner: 'a' }]]);
      const api = new HttpIpam({ server: stand.url, ...fast });
      defer(() => api.close());
      expect(await api.allocate({ pool: 'p', owner: 'a' })).to.deep.equal({ owner: 'a' });
      expect(stand.hits()).to.equal(3);
    });

    it('gives up after the bounded retries with the server code and message', async () => {
      const stand = await scripted([[503, contention]]);
      const api = new HttpIpam({ server: stand.url, ...fast });
      defer(() => api.close());
      const error = await api.allocate({ pool: 'p', owner: 'a' }).catch((e: IpamError) => e.toJSON());
      expect(error).to.deep.equal(contention);
      expect(stand.hits()).to.equal(4);
    });

    it('never retries a 4xx', async () => {
      const stand = await scripted([[409, { code: 'POOL_EXHAUSTED', message: 'full', field: 'pool' }]]);
      const api = new HttpIpam({ server: stand.url, ...fast });
      defer(() => api.close());
      expect(await api.allocate({ pool: 'p', owner: 'a' }).catch((e: IpamError) => e.toJSON())).to.deep.equal({ code: 'POOL_EXHAUSTED', message: 'full', field: 'pool' });
      expect(stand.hits()).to.equal(1);
    });

    it('counts a delete retried after an unanswered attempt as done when the pool is gone', async () => {
      const stand = await scripted([[502], [404, { code: 'POOL_NOT_FOUND', message: 'gone', field: 'pool' }]]);
      const api = new HttpIpam({ server: stand.url, ...fast });
      defer(() => api.close());
      await api.deletePool({ pool: 'p' });
      expect(stand.hits()).to.equal(2);
    });

    it('retries a refused connection, then reports the service unreachable', async () => {
      const stand = await scripted([[200, {}]]);
      await stand.close();
      const api = new HttpIpam({ server: stand.url, ...fast });
      defer(() => api.close());
      const error = await api.listPools().catch((e: IpamError) => e.toJSON());
      expect(error).to.deep.equal({
        code: 'STORE_UNAVAILABLE',
        message: `server: cannot reach the IPAM service at ${stand.url} (ECONNREFUSED) after 4 attempts`,
        field: 'server',
      });
    });

    it('explains an answer without problem details (not an ipam service)', async () => {
      const stand = await scripted([[404]]);
      const api = new HttpIpam({ server: stand.url, ...fast });
      defer(() => api.close());
      expect(await api.listPools().catch((e: IpamError) => e.toJSON())).to.deep.equal({
        code: 'INVALID_INPUT',
        message: `server: ${stand.url} answered GET /v1/pools with HTTP 404 and no problem details; is it an ipam service?`,
        field: 'server',
      });
    });
  });
});
