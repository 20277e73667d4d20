import { expect } from 'chai';
import { Socket, connect } from 'node:net';
import { ERROR_CATALOGUE } from '../../provider/src/errors/catalogue';
import { DEFAULT_LIMITS, ServiceLimits } from '../../provider/src/server/server';
import { MemoryStore } from '../../provider/src/store/memory';
import { InProcessService, READER, WRITER, startInProcess } from '../support/http-service';
import { RawAnswer, rawExchange } from './raw-http';
import { send } from './request';

/**
 * The edges of HTTP itself, over raw loopback sockets: clients that abort, trickle, or send
 * what is not HTTP/1.1, and more connections than the service takes. Each refusal the service
 * can still send is problem+json with a catalogue code; none is a 5xx, in the answer, the log
 * or the metrics.
 */
const NET = '/v1/spaces/default/pools/net';
const AUTH = `authorization: Bearer ${WRITER.token}\r\n`;

async function service(limits: Partial<ServiceLimits> = {}): Promise<InProcessService & { events: string[] }> {
  const events: string[] = [];
  const started = await startInProcess(new MemoryStore(), { limits, events: (msg) => events.push(msg) });
  await started.ipam.createPool({ name: 'net', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
  return Object.assign(started, { events });
}

function expectProblem(answer: RawAnswer, status: number, code: string, message: string): void {
  expect({ status: answer.status, code: answer.body?.code, message: answer.body?.message }).to.deep.equal({ status, code, message });
  expect(answer.headers['content-type']).to.equal('application/problem+json; charset=utf-8');
  expect(answer.body).to.include({ type: `urn:pulumi-ipam:error:${code}`, title: ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].title, status });
}

/** Waits (bounded) until the service has logged `count` requests. */
async function logged(svc: InProcessService, count: number): Promise<void> {
  for (let i = 0; i < 100 && svc.logs.length < count; i++) await new Promise((r) => setTimeout(r, 20));
  expect(svc.logs, 'request log entries').to.have.length(count);
}

async function metricsText(svc: InProcessService): Promise<string> {
  return (await send(svc.url, 'GET', '/metrics', { token: READER.token })).text;
}

describe('HTTP service: protocol edges', function () {
  this.timeout(20_000);
  let svc: (InProcessService & { events: string[] }) | undefined;
  afterEach(async () => {
    await svc?.close();
    svc = undefined;
  });

  it('a client that aborts its body is logged as REQUEST_ABORTED (400), not as a 500 with a stack', async () => {
    svc = await service();
    const answer = await rawExchange(
      svc.url,
      `PUT ${NET}/allocations/web HTTP/1.1\r\nhost: x\r\n${AUTH}content-type: application/json\r\ncontent-length: 100\r\n\r\n{"prefix`,
      { abortAfterMs: 50 },
    );
    expect(answer.status).to.equal(0);
    await logged(svc, 1);
    expect(svc.logs[0]).to.deep.include({ method: 'PUT', status: 400, code: 'REQUEST_ABORTED', actor: WRITER.name });
    expect(svc.logs[0].error).to.equal(undefined);
    const metrics = await metricsText(svc);
    expect(metrics).to.include('ipam_http_requests_total{method="PUT",route="/v1/spaces/{space}/pools/{pool}/allocations/{owner}",status="400"} 1');
    expect(metrics).to.not.match(/status="5\d\d"/);
    expect(await svc.ipam.listAllocations({ pool: 'net' })).to.deep.equal([]);
  });

  it('a client that trickles its headers gets 408 REQUEST_TIMEOUT as problem+json within the headers timeout', async () => {
    svc = await service({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const answer = await rawExchange(svc.url, 'GET /v1/pools HTTP/1.1\r\nhost: x\r\n', { chunks: ['x-slow: 1\r\n', 'x-slow: 2\r\n'], pauseMs: 200 });
    expectProblem(answer, 408, 'REQUEST_TIMEOUT', 'request: the headers or the body did not arrive in time; send the whole request at once');
    expect(answer.closedByServer).to.equal(true);
    // The limit plus Node's check interval (capped at 1 s, and at the limit itself).
    expect(answer.ms).to.be.below(1_500);
    await logged(svc, 1);
    expect(svc.logs[0]).to.deep.include({ route: 'unparsed', status: 408, code: 'REQUEST_TIMEOUT' });
  });

  it('a client that trickles its body gets 408 REQUEST_TIMEOUT within the request timeout, logged on its route', async () => {
    svc = await service({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const answer = await rawExchange(
      svc.url,
      `PUT ${NET}/allocations/web HTTP/1.1\r\nhost: x\r\n${AUTH}content-type: application/json\r\ncontent-length: 40\r\n\r\n{`,
      { chunks: ['"', 'p', 'r', 'e', 'f'], pauseMs: 200 },
    );
    expectProblem(answer, 408, 'REQUEST_TIMEOUT', 'request: the headers or the body did not arrive in time; send the whole request at once');
    expect(answer.ms).to.be.below(2_000);
    await logged(svc, 1);
    expect(svc.logs[0]).to.deep.include({ method: 'PUT', route: '/v1/spaces/{space}/pools/{pool}/allocations/{owner}', status: 408, code: 'REQUEST_TIMEOUT' });
    expect(await svc.ipam.listAllocations({ pool: 'net' })).to.deep.equal([]);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    svc = await service({ keepAliveTimeoutMs: 200 });
    const answer = await rawExchange(svc.url, `GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n`);
    expect([answer.status, answer.closedByServer]).to.deep.equal([200, true]);
    // Node keeps a connection up to 1 s past keepAliveTimeout (it covers the client's own timer).
    expect(answer.ms).to.be.below(2_500);
  });

  it('answers framing errors Node rejects in the problem format, not with a bare 400', async () => {
    svc = await service();
    const cases: [string, number, string, string][] = [
      [
        'PUT /v1/pools HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n',
        400,
        'MALFORMED_REQUEST',
        'request: not valid HTTP/1.1 (HPE_INVALID_CONTENT_LENGTH); check the request line, headers and framing',
      ],
      [
        'PUT /v1/pools HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
        'MALFORMED_REQUEST',
        'request: not valid HTTP/1.1 (HPE_INVALID_TRANSFER_ENCODING); check the request line, headers and framing',
      ],
      ['GET /v1/pools HTTP/9.9\r\nhost: x\r\n\r\n', 400, 'MALFORMED_REQUEST', 'request: not valid HTTP/1.1 (HPE_INVALID_VERSION); check the request line, headers and framing'],
      [`GET /v1/pools HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE', 'headers: larger than the limit of the service; send fewer or shorter headers'],
      [`GET /v1/pools HTTP/1.1\r\n${AUTH}connection: close\r\n\r\n`, 400, 'MALFORMED_REQUEST', 'host: an HTTP/1.1 request needs a Host header'],
      [`GET /v1/pools HTTP/1.1\r\nhost: x\r\n${AUTH}expect: 200-ok\r\nconnection: close\r\n\r\n`, 400, 'INVALID_INPUT', 'expect: "200-ok" is not supported; send no Expect header, or "100-continue"'],
    ];
    for (const [request, status, code, message] of cases) {
      const answer = await rawExchange(svc.url, request);
      expectProblem(answer, status, code, message);
    }
    await logged(svc, cases.length);
    expect(svc.logs.map((l) => [l.status, l.code])).to.deep.equal(cases.map(([, status, code]) => [status, code]));
    expect(await metricsText(svc)).to.not.match(/status="5\d\d"/);
  });

  it('takes at most maxConnections connections: more are closed unanswered, counted and logged', async () => {
    svc = await service({ maxConnections: 2 });
    const url = new URL(svc.url);
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
        socket.on('error', reject);
      });
    const held = [await open(), await open()];
    try {
      const third = await rawExchange(svc.url, 'GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n', { timeoutMs: 3_000 });
      expect([third.status, third.closedByServer]).to.deep.equal([0, true]);
      held.pop()!.destroy();
      // The slot frees once the server sees the close: bounded retries.
      let answer = third;
      for (let i = 0; i < 50 && answer.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 20));
        answer = await rawExchange(svc.url, 'GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', { timeoutMs: 3_000 });
      }
      expect(answer.status).to.equal(200);
      expect(svc.events[0]).to.equal('connection dropped');
      held.pop()!.destroy();
      expect(await metricsText(svc)).to.match(/^ipam_http_connections_dropped_total [1-9]\d*$/m);
    } finally {
      for (const socket of held) socket.destroy();
    }
  });

  it('documents its defaults: 5 s for headers, 15 s for the request, 5 s keep-alive, 1024 connections, 16 KiB of headers', () => {
    expect(DEFAULT_LIMITS).to.deep.equal({ headersTimeoutMs: 5_000, requestTimeoutMs: 15_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_024, maxHeaderBytes: 16_384 });
  });
});
