import { expect } from 'chai';
import fc from 'fast-check';
import { ERROR_CODES } from '../../provider/src/errors/catalogue';
import { MemoryStore } from '../../provider/src/store/memory';
import { InProcessService, READER, WRITER, startInProcess } from '../support/http-service';
import { rawExchange } from './raw-http';
import { send, storeVersions } from './request';

/**
 * A property-based fuzz of the HTTP API: fast-check generates hostile methods, paths, query
 * strings, headers and bodies, sent as raw bytes over loopback (fetch would refuse to send many
 * of them), and every answer must hold to the service's promises:
 *   - never a 5xx (nor a 5xx in the log or the metrics, where an unanswerable request shows);
 *   - every refusal is application/problem+json with a code of the catalogue and its status;
 *   - a refusal changes no state.
 * Bounded: a few hundred requests, each with a deadline, against an in-process service.
 */
const RUNS = 300;

const POOL = '/v1/spaces/default/pools/net';
const SEGMENTS = ['default', 'net', 'tiny', 'kubeslice', 'blue', 'web', 'x', '', '..', '.', '%2F', '%2e%2e', '%00', '%E0%A4%A', '%', '%zz', 'Not_A_Space', 'a'.repeat(300), 'é', '%C3%A9', '__proto__', 'constructor', '%0d%0a'];
const segment = fc.oneof(fc.constantFrom(...SEGMENTS), fc.stringMatching(/^[A-Za-z0-9._~%-]{0,20}$/));

const path = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('/v1/pools', '/v1/find', '/healthz', '/readyz', '/metrics', '/openapi.json', POOL, `${POOL}/allocations`, `${POOL}/audit`, `${POOL}/check`, `${POOL}/availability`) },
  {
    weight: 6,
    arbitrary: fc.tuple(segment, segment, segment).chain(([a, b, c]) =>
      fc.constantFrom(
        `/v1/spaces/${a}/pools`,
        `/v1/spaces/${a}/pools/${b}`,
        `/v1/spaces/${a}/pools/${b}/allocations/${c}`,
        `/v1/spaces/${a}/pools/${b}/allocations/${c}/release`,
        `/v1/namespaces/${a}/slices/${b}`,
        `/v1/${a}/${b}`,
        `/${a}`,
      ),
    ),
  },
  // Anything printable that is not a space or a line break (those end the request line).
  { weight: 1, arbitrary: fc.stringMatching(/^\/[\x21-\x7e]{0,60}$/) },
);

const queryValue = fc.oneof(fc.constantFrom('24', '-1', '99', '1e3', '0x10', '', '10.0.0.0/24', '10.0.0.300', '::ffff:10.0.0.1', 'default', '%zz', 'a'.repeat(200)), fc.stringMatching(/^[\x21-\x7e]{0,12}$/));
const query = fc
  .array(fc.tuple(fc.constantFrom('space', 'prefixLength', 'limit', 'cidr', 'ip', 'spaces', '__proto__', 'x'), queryValue), { maxLength: 3 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v.replace(/[#\s]/g, '')}`).join('&')}`));

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'get') },
);

const FIELDS = ['name', 'cidr', 'parent', 'prefixLength', 'defaultPrefixLength', 'kind', 'address', 'prefer', 'description', 'labels', 'gateway', 'reserved', 'strategy', 'sliceSubnet', 'subnetSize', 'clusters', 'gracePeriodHours', 'gracePeriodSeconds', '__proto__', 'constructor'];
const hostileValue = fc.oneof(
  fc.constantFrom(24, 33, -1, 1e308, 0.5, '24', '10.0.0.0/24', '10.0.0.1/24', 'fd00::/64', '::ffff:10.0.0.0/120', '', null, true, [], {}, { __proto__: { admin: true } }, 'host', 'prefix', 'x'.repeat(1000)),
  fc.jsonValue({ maxDepth: 3 }),
);
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 4 }).map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('{', '{"prefixLength":', 'null', '['.repeat(10_000), '{"a":'.repeat(2_000), '"\\ud800"', '\u0000', '\ufeff{}', 'x'.repeat(70_000), '{"labels":{"__proto__":{"x":1}}}'),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')) },
);

const header = fc.oneof(
  fc.constantFrom(
    'content-type: application/json',
    'content-type: application/json; charset=latin1',
    'content-type: APPLICATION/JSON',
    'content-type: text/plain',
    'content-type: ',
    'content-type: application/json;;;',
    'expect: 100-continue',
    'expect: nonsense',
    'x-forwarded-for: 10.0.0.1',
    'accept: */*',
    'upgrade: websocket',
    'transfer-encoding: gzip',
    'content-encoding: gzip',
    'authorization: Basic dXNlcjpwYXNz',
    'authorization: Bearer',
    `authorization: bearer ${WRITER.token}`,
    `authorization: Bearer ${READER.token}`,
    `authorization: Bearer ${WRITER.token}x`,
    `authorization: Bearer ${'t'.repeat(5_000)}`,
    'content-length: 5',
    'host: ',
    `x-long: ${'v'.repeat(20_000)}`,
  ),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/), fc.stringMatching(/^[\x20-\x7e]{0,40}$/)).map(([k, v]) => `x-${k}: ${v}`),
);

interface Fuzzed {
  method: string;
  target: string;
  headers: string[];
  body?: string;
  /** Send half the body, then give up: only the log can show how the service took it. */
  cutBody: boolean;
  auth: 'writer' | 'reader' | 'none';
}

const owner = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
/** Requests a client could mean, with hostile details: they get past validation and change state. */
const plausible = fc.oneof(
  fc.tuple(owner, fc.oneof(fc.constant('{}'), fc.integer({ min: 16, max: 33 }).map((n) => `{"prefixLength":${n}}`))).map(([o, b]) => ['PUT', `${POOL}/allocations/${o}`, b]),
  owner.map((o) => ['POST', `${POOL}/allocations/${o}/release`, undefined]),
  fc.tuple(owner, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 30 })).map(([o, n, len]) => ['POST', '/v1/spaces/fuzz/pools', JSON.stringify({ name: o, cidr: `172.${16 + (n % 16)}.0.0/${len}` })]),
  fc.string({ maxLength: 20 }).map((d) => ['PATCH', POOL, JSON.stringify({ description: d })]),
);

const nearlyValid: fc.Arbitrary<Fuzzed> = fc.tuple(plausible, fc.array(header, { maxLength: 1 })).map(([[method, target, body], extra]) => ({
  method: method as string,
  target: target as string,
  headers: ['content-type: application/json', ...extra],
  body: body as string | undefined,
  cutBody: false,
  auth: 'writer' as const,
}));

const hostile = fc.record<Fuzzed>({
  method,
  target: fc.tuple(path, query).map(([p, q]) => p + q),
  headers: fc.array(header, { maxLength: 4 }),
  body,
  cutBody: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  auth: fc.constantFrom('writer', 'writer', 'writer', 'reader', 'none'),
});

const request = fc.oneof({ weight: 4, arbitrary: hostile }, { weight: 1, arbitrary: nearlyValid });

function render(r: Fuzzed): Buffer {
  const body = Buffer.from(r.body ?? '', 'latin1');
  const lines = [`${r.method} ${r.target} HTTP/1.1`, 'host: 127.0.0.1', ...r.headers];
  if (r.auth !== 'none') lines.push(`authorization: Bearer ${r.auth === 'writer' ? WRITER.token : READER.token}`);
  if (r.body !== undefined) lines.push(`content-length: ${r.cutBody ? body.length + 10 : body.length}`);
  lines.push('connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
}

describe('HTTP service: property-based fuzz of the API', function () {
  this.timeout(120_000);
  let service: InProcessService;
  let store: MemoryStore;

  before(async () => {
    store = new MemoryStore();
    service = await startInProcess(store, { limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 500 } });
    await service.ipam.createPool({ name: 'net', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    await service.ipam.allocate({ pool: 'net', owner: 'web' });
    await service.ipam.createPool({ name: 'tiny', cidr: '10.9.0.0/30', gateway: true });
    await service.ipam.syncSlice({ namespace: 'kubeslice', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1'] });
  });
  after(() => service.close());

  it(`${RUNS} hostile requests: no 5xx, every refusal problem+json with a catalogue code, no state change on refusal`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = await storeVersions(store);
        const answer = await rawExchange(service.url, render(r), { timeoutMs: 5_000, abortAfterMs: r.cutBody ? 30 : undefined });
        const what = `${r.method} ${r.target} -> ${answer.status} ${answer.text.slice(0, 300)}`;
        if (r.cutBody) return; // nobody is left to answer; the log is checked below
        expect(answer.status, `an answer within the deadline: ${what}`).to.be.greaterThan(0);
        expect(answer.status, what).to.be.below(500);
        if (answer.status < 400) return;
        expect(answer.headers['content-type'], what).to.equal('application/problem+json; charset=utf-8');
        if (r.method !== 'HEAD') {
          expect(ERROR_CODES, what).to.include(answer.body?.code);
          expect(answer.body?.status, what).to.equal(answer.status);
        }
        expect(await storeVersions(store), `no change on refusal: ${what}`).to.deep.equal(before);
      }),
      { numRuns: RUNS },
    );
    const failures = service.logs.filter((l) => l.status >= 500 || l.error !== undefined);
    expect(failures, 'log entries of 5xx or unexpected errors').to.deep.equal([]);
    const metrics = (await send(service.url, 'GET', '/metrics', { token: READER.token })).text;
    expect(metrics.split('\n').filter((line) => /^ipam_http_requests_total\{.*status="5\d\d"/.test(line))).to.deep.equal([]);
    // The fuzz reached past authentication and validation: some requests did change state.
    expect(service.logs.filter((l) => l.status === 200 && l.method !== 'GET').length, 'successful writes').to.be.greaterThan(0);
  });
});
