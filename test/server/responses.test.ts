import { expect } from 'chai';
import { NAMED_OUTPUTS } from '../../provider/src/model/outputs';
import { ROUTES } from '../../provider/src/server/routes';
import { MemoryStore } from '../../provider/src/store/memory';
import { InProcessService, READER, startInProcess } from '../support/http-service';
import { schemaProblem } from '../support/json-schema';
import { CHECKED, DOCUMENT } from './documented-responses';
import { send } from './request';

/**
 * The OpenAPI document describes what the service answers, not only what it takes: every route
 * has a response schema generated from the zod descriptions of its result, and real answers of
 * the running service validate against them. send() checks every answer any server test
 * receives (documented-responses.ts); this suite makes every route answer, with the optional
 * parts of the results present (a gateway, block counts, a released allocation, a released
 * cluster), and then asks which routes were checked.
 */
describe('HTTP service: responses are the documented ones', () => {
  let service: InProcessService;
  const NET = '/v1/spaces/default/pools/net';
  const BLUE = '/v1/namespaces/kubeslice/slices/blue';

  before(async () => {
    service = await startInProcess(new MemoryStore());
  });
  after(() => service.close());

  it('documents a JSON Schema for the answer of every route, and the problem for every refusal', () => {
    for (const route of ROUTES) {
      const responses = (DOCUMENT.paths[route.path][route.method.toLowerCase()] as { responses: Record<string, { content?: Record<string, { schema?: object }> }> }).responses;
      if (route.status === 204) expect(responses['204'].content, `${route.method} ${route.path}`).to.equal(undefined);
      else expect(responses['200'].content?.['application/json'].schema, `${route.method} ${route.path}`).to.be.an('object').that.is.not.empty;
      for (const errors of ['4XX', '5XX']) expect(responses[errors].content?.['application/problem+json'].schema).to.deep.equal({ $ref: '#/components/schemas/Problem' });
    }
    expect(Object.keys(DOCUMENT.components.schemas)).to.include.members([...Object.keys(NAMED_OUTPUTS), 'Problem']);
  });

  it('every route answers as documented, optional parts included', async () => {
    const ok = async (method: string, path: string, body?: object, status = 200) => {
      const answer = await send(service.url, method, path, body === undefined ? {} : { body });
      expect(answer.status, `${method} ${path}: ${answer.text}`).to.equal(status);
      return answer.body;
    };
    await ok('GET', '/v1/backend');
    await ok('POST', '/v1/spaces/default/pools', {
      name: 'net', cidr: '10.0.0.0/16', defaultPrefixLength: 24, gateway: true, labels: { team: 'a' },
      policy: { maxPrefixLength: 30, allowedCreators: ['ci', 'ci-*'], quotas: [{ name: 'each', maxAddresses: 65536, maxBlocks: 16 }] },
    });
    await ok('POST', '/v1/spaces/default/pools', { name: 'child', parent: 'net', prefixLength: 20 });
    await ok('GET', '/v1/pools');
    await ok('GET', '/v1/spaces/default/pools');
    const pool = await ok('GET', `${NET}?prefixLength=26`);
    expect(pool.stats.blocks.prefixLength).to.equal(26);
    await ok('PATCH', NET, { description: 'the network' });
    await ok('PUT', `${NET}/allocations/web`, { prefixLength: 24, labels: { app: 'web' } });
    await ok('PUT', `${NET}/allocations/laptop`, { kind: 'host' });
    const chosen = await ok('PUT', '/v1/spaces/default/allocations/builder', { poolSelector: { team: 'a' }, prefixLength: 26, creator: 'ci' });
    expect(chosen.pool).to.equal('net');
    expect((await ok('GET', NET)).quotaUsage).to.deep.include({ quota: 'each', pool: 'net', scope: 'pool', holder: 'ci', addresses: '64', blocks: 1, maxAddresses: '65536', maxBlocks: 16 });
    await ok('GET', `${NET}/allocations/web`);
    const released = await ok('POST', `${NET}/allocations/web/release`);
    expect(released.graceEndsAt).to.be.a('string');
    await ok('GET', `${NET}/allocations`);
    await ok('GET', `${NET}/availability?cidr=10.0.0.0/24`);
    await ok('GET', `${NET}/check`);
    await ok('GET', `${NET}/audit?limit=5`);
    const found = await ok('GET', '/v1/find?ip=10.0.0.1');
    expect(found.map((f: { reserved?: boolean }) => f.reserved)).to.include(true);
    await ok('GET', '/v1/find?ip=10.0.16.1');
    await ok('PUT', BLUE, { sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1', 'c2'] });
    const slice = await ok('PUT', BLUE, { sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1'] });
    expect(slice.allocatedSubnets.map((a: { releasedAt?: string }) => a.releasedAt !== undefined)).to.include(true);
    await ok('GET', BLUE);
    await ok('GET', `${NET}/map?cells=16`);
    await ok('GET', `${NET}/allocation-page?limit=1&sort=owner`);
    await ok('GET', '/v1/search?q=laptop');
    const imported = await ok('POST', '/v1/spaces/default/import', { pools: [{ line: 2, name: 'office', cidr: '10.9.0.0/24' }], allocations: [{ line: 3, pool: 'office', owner: 'printer', cidr: '10.9.0.7' }, { line: 4, pool: 'office', owner: 'bad', cidr: '10.8.0.1' }], skipInvalid: true });
    expect([imported.created, imported.refused]).to.deep.equal([2, 1]);
    await ok('DELETE', BLUE, undefined, 204);
    await ok('DELETE', '/v1/spaces/default/pools/child', undefined, 204);
    await ok('GET', '/healthz');
    await ok('GET', '/readyz');
    await ok('GET', '/openapi.json');
    expect((await send(service.url, 'GET', '/metrics', { token: READER.token })).status).to.equal(200);

    const unchecked = ROUTES.filter((r) => !CHECKED.has(`${r.method} ${r.path} ${r.status}`)).map((r) => `${r.method} ${r.path}`);
    expect(unchecked).to.deep.equal([]);
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/metrics']) expect(CHECKED.has(`GET ${path} 200`), path).to.equal(true);
  });

  it('refusals answer the documented problem, on routes and off them', async () => {
    expect((await send(service.url, 'GET', '/v1/spaces/default/pools/nope')).status).to.equal(404);
    expect((await send(service.url, 'GET', '/v2/nothing')).status).to.equal(404);
    expect((await send(service.url, 'DELETE', '/healthz')).status).to.equal(405);
    expect(CHECKED.has('GET /v1/spaces/{space}/pools/{pool} 404')).to.equal(true);
    expect(CHECKED.has('GET (no operation) 404')).to.equal(true);
  });

  it('the documented schema refuses an answer with a field it does not list, without one it requires, or of another type', async () => {
    const pool = (await send(service.url, 'GET', NET)).body;
    const schema = { $ref: '#/components/schemas/PoolInfo' };
    expect(schemaProblem(schema, pool, DOCUMENT)).to.equal(undefined);
    expect(schemaProblem(schema, { ...pool, version: 3 }, DOCUMENT)).to.equal('$: "version" is not a documented field');
    const { stats, ...withoutStats } = pool;
    void stats;
    expect(schemaProblem(schema, withoutStats, DOCUMENT)).to.equal('$: "stats" is missing');
    expect(schemaProblem(schema, { ...pool, stats: { ...pool.stats, total: 65536 } }, DOCUMENT)).to.equal('$.stats.total: expected string, got 65536');
    expect(schemaProblem(schema, { ...pool, family: 5 }, DOCUMENT)).to.equal('$.family: 5 is not one of [4,6]');
  });
});
