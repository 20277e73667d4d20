import { expect } from 'chai';
import { z } from 'zod';
import { MemoryStore } from '../../provider/src/store/memory';
import { ROUTES } from '../../provider/src/server/routes';
import { InProcessService, READER, WRITER, startInProcess } from '../support/http-service';
import { REFUSALS } from './refusals';
import { send, storeVersions } from './request';

/** Every route of the JSON API over real loopback HTTP, and every refusal with its exact code and message. */
describe('HTTP service: API', () => {
  let service: InProcessService;
  let store: MemoryStore;
  const NET = '/v1/spaces/default/pools/net';

  before(async () => {
    store = new MemoryStore();
    service = await startInProcess(store);
    const ipam = service.ipam;
    await ipam.createPool({ name: 'net', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    await ipam.allocate({ pool: 'net', owner: 'web' });
    await ipam.createPool({ name: 'tiny', cidr: '10.9.0.0/30', gateway: true });
    await ipam.allocate({ pool: 'tiny', owner: 'only', kind: 'host' });
    await ipam.syncSlice({ namespace: 'kubeslice', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1'] });
  });
  after(() => service.close());

  describe('refusals: 4xx with the catalogue code, a message naming the field, and no state change', () => {
    for (const refusal of REFUSALS) {
      it(`${refusal.title}: ${refusal.status} ${refusal.code}`, async () => {
        const before = await storeVersions(store);
        const got = await send(service.url, refusal.method, refusal.path, refusal.options);
        expect({ status: got.status, code: got.body?.code, message: got.body?.message }).to.deep.equal({
          status: refusal.status,
          code: refusal.code,
          message: refusal.message,
        });
        expect(got.headers.get('content-type')).to.equal('application/problem+json; charset=utf-8');
        expect(got.body).to.include({ status: refusal.status, detail: refusal.message, type: `urn:pulumi-ipam:error:${refusal.code}` });
        expect(await storeVersions(store)).to.deep.equal(before);
        expect(await service.ipam.getAllocation({ pool: 'net', owner: 'x' })).to.equal(undefined);
      });
    }

    it('names the allowed methods in Allow on 405, and the scheme in WWW-Authenticate on 401', async () => {
      expect((await send(service.url, 'DELETE', `${NET}/allocations/web`)).headers.get('allow')).to.equal('PUT, GET');
      expect((await send(service.url, 'GET', '/v1/pools', { token: null })).headers.get('www-authenticate')).to.equal('Bearer');
    });
  });

  describe('routes', () => {
    it('allocates by owner over PUT, idempotently, and gets the allocation back by owner', async () => {
      const first = await send(service.url, 'PUT', `${NET}/allocations/${encodeURIComponent('stack/app')}`, { body: { prefixLength: 26 } });
      expect(first.status).to.equal(200);
      expect(first.body).to.include({ owner: 'stack/app', cidr: '10.0.1.0/26', status: 'allocated', netmask: '255.255.255.192' });
      const again = await send(service.url, 'PUT', `${NET}/allocations/stack%2Fapp`, { body: { prefixLength: 26 } });
      expect(again.body.cidr).to.equal('10.0.1.0/26');
      const got = await send(service.url, 'GET', `${NET}/allocations/stack%2Fapp`, { token: READER.token });
      expect(got.body).to.deep.equal(first.body);
    });

    it('allocates a host address with an empty body meaning the pool defaults', async () => {
      await service.ipam.createPool({ name: 'hosts', cidr: '10.8.0.0/29', gateway: true });
      const host = await send(service.url, 'PUT', '/v1/spaces/default/pools/hosts/allocations/vpn-1', { body: { kind: 'host' } });
      expect(host.body).to.include({ cidr: '10.8.0.2/32', gateway: '10.8.0.1', kind: 'host' });
      const block = await send(service.url, 'PUT', `${NET}/allocations/empty-body`);
      expect(block.body).to.include({ cidr: '10.0.2.0/24' });
    });

    it('releases over POST .../release and records who did what in the audit trail', async () => {
      await send(service.url, 'PUT', `${NET}/allocations/to-release`, { body: { cidr: '10.0.200.0/24' } });
      const released = await send(service.url, 'POST', `${NET}/allocations/to-release/release`);
      expect(released.body).to.include({ owner: 'to-release', status: 'released' });
      const audit = await send(service.url, 'GET', `${NET}/audit?limit=2`, { token: READER.token });
      expect(audit.body.map((e: { action: string; owner: string; actor: string; cidr: string }) => [e.action, e.owner, e.actor, e.cidr])).to.deep.equal([
        ['release', 'to-release', WRITER.name, '10.0.200.0/24'],
        ['allocate', 'to-release', WRITER.name, '10.0.200.0/24'],
      ]);
      expect(Date.parse(audit.body[0].at)).to.be.greaterThan(0);
    });

    it('creates, gets with stats, updates, lists and deletes pools', async () => {
      const created = await send(service.url, 'POST', '/v1/spaces/lab/pools', { body: { name: 'lab', cidr: '192.168.0.0/24', defaultPrefixLength: 28 } });
      expect(created.status).to.equal(200);
      expect(created.body).to.include({ name: 'lab', space: 'lab', cidr: '192.168.0.0/24' });
      const shown = await send(service.url, 'GET', '/v1/spaces/lab/pools/lab?prefixLength=26', { token: READER.token });
      expect(shown.body.stats).to.include({ total: '256', allocated: '0' });
      expect(shown.body.stats.blocks).to.deep.equal({ prefixLength: 26, total: '4', available: '4', free: '4' });
      const updated = await send(service.url, 'PATCH', '/v1/spaces/lab/pools/lab', { body: { description: 'bench lab', gateway: true } });
      expect(updated.body).to.include({ description: 'bench lab', gateway: '192.168.0.1' });
      const inSpace = await send(service.url, 'GET', '/v1/spaces/lab/pools', { token: READER.token });
      expect(inSpace.body.map((p: { name: string }) => p.name)).to.deep.equal(['lab']);
      const all = await send(service.url, 'GET', '/v1/pools', { token: READER.token });
      expect(all.body.map((p: { space: string; name: string }) => `${p.space}/${p.name}`)).to.include.members(['default/net', 'lab/lab', 'kubeslice/blue']);
      const deleted = await send(service.url, 'DELETE', '/v1/spaces/lab/pools/lab');
      expect([deleted.status, deleted.text]).to.deep.equal([204, '']);
      expect((await send(service.url, 'GET', '/v1/spaces/lab/pools/lab')).body.code).to.equal('POOL_NOT_FOUND');
    });

    it('lists allocations, answers availability, finds an address and checks consistency', async () => {
      const list = await send(service.url, 'GET', `${NET}/allocations`, { token: READER.token });
      expect(list.body[0]).to.include({ owner: 'web', cidr: '10.0.0.0/24' });
      expect((await send(service.url, 'GET', `${NET}/availability?cidr=10.0.0.0/25`, { token: READER.token })).body.available).to.equal(false);
      expect((await send(service.url, 'GET', `${NET}/availability?cidr=10.0.99.0/24`, { token: READER.token })).body).to.deep.equal({ available: true });
      const found = await send(service.url, 'GET', '/v1/find?ip=10.0.0.7', { token: READER.token });
      expect(found.body).to.have.length(1);
      expect(found.body[0]).to.include({ space: 'default', pool: 'net', poolCidr: '10.0.0.0/16' });
      expect(found.body[0].allocation).to.include({ owner: 'web' });
      const check = await send(service.url, 'GET', `${NET}/check`, { token: READER.token });
      expect(check.body).to.include({ pool: 'net', ok: true });
    });

    it('syncs, gets and deletes a KubeSlice slice', async () => {
      const synced = await send(service.url, 'PUT', '/v1/namespaces/kubeslice/slices/red', {
        body: { sliceSubnet: '10.5.0.0/16', subnetSize: 24, clusters: ['a', 'b'] },
      });
      expect(synced.body).to.include({ name: 'red', namespace: 'kubeslice', totalSubnets: 256, availableSubnets: 254 });
      expect(synced.body.allocatedSubnets.map((s: { clusterName: string; subnet: string }) => `${s.clusterName}=${s.subnet}`)).to.deep.equal([
        'a=10.5.0.0/24',
        'b=10.5.1.0/24',
      ]);
      const got = await send(service.url, 'GET', '/v1/namespaces/kubeslice/slices/red', { token: READER.token });
      expect(got.body).to.deep.equal(synced.body);
      expect((await send(service.url, 'DELETE', '/v1/namespaces/kubeslice/slices/red')).status).to.equal(204);
      expect((await send(service.url, 'GET', '/v1/namespaces/kubeslice/slices/red')).body.code).to.equal('POOL_NOT_FOUND');
    });
  });

  describe('operations endpoints', () => {
    it('answers /healthz and /readyz without a token', async () => {
      expect((await send(service.url, 'GET', '/healthz', { token: null })).body).to.deep.equal({ status: 'ok' });
      expect((await send(service.url, 'GET', '/readyz', { token: null })).body).to.deep.equal({ status: 'ready', store: 'memory' });
    });

    it('serves Prometheus metrics with seed 000 names, computed from the pools at scrape time, to a token holder', async () => {
      expect((await send(service.url, 'GET', '/metrics', { token: null })).status).to.equal(401);
      await send(service.url, 'PUT', '/v1/namespaces/kubeslice/slices/blue', { body: { sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1', 'c2'] } });
      const text = (await send(service.url, 'GET', '/metrics', { token: READER.token })).text;
      const blue = '{space="kubeslice",pool="blue",kind="slice"}';
      expect(text).to.include(`ipam_total_subnets${blue} 256`);
      expect(text).to.include(`ipam_allocated_subnets${blue} 2`);
      expect(text).to.include(`ipam_available_subnets${blue} 254`);
      expect(text).to.include(`ipam_utilization_rate${blue} 0.0078125`);
      expect(text).to.match(/ipam_allocation_duration_seconds_count\{operation="allocate",outcome="ok"\} [1-9]/);
      expect(text).to.match(/ipam_allocations_total\{operation="allocate",outcome="OWNER_CONFLICT"\} [1-9]/);
    });

    it('serves an OpenAPI document generated from the schemas the service validates with', async () => {
      const doc = (await send(service.url, 'GET', '/openapi.json', { token: null })).body;
      expect(doc.openapi).to.equal('3.1.0');
      for (const route of ROUTES) {
        const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
        expect(operation, `${route.method} ${route.path}`).to.include({ operationId: route.operationId });
        if (route.body !== undefined) {
          const { $schema, ...schema } = z.toJSONSchema(route.body, { io: 'input' }) as Record<string, unknown>;
          void $schema;
          expect(operation.requestBody.content['application/json'].schema).to.deep.equal(schema);
        }
      }
      const allocate = doc.paths['/v1/spaces/{space}/pools/{pool}/allocations/{owner}'].put.requestBody.content['application/json'].schema;
      expect(allocate.additionalProperties).to.equal(false);
      expect(allocate.properties.prefixLength.type).to.equal('integer');
      expect(doc.components.schemas.ErrorCode.enum).to.include.members(['POOL_EXHAUSTED', 'PAYLOAD_TOO_LARGE']);
    });

    it('logs each request as one JSON object with the token name, never the token', () => {
      const text = JSON.stringify(service.logs);
      expect(text).to.not.include(WRITER.token);
      expect(text).to.not.include(READER.token);
      const allocate = service.logs.find((l) => l.path === `${NET}/allocations/stack%2Fapp` && l.status === 200)!;
      expect(allocate).to.include({ method: 'PUT', route: '/v1/spaces/{space}/pools/{pool}/allocations/{owner}', actor: WRITER.name });
      const refused = service.logs.find((l) => l.status === 403)!;
      expect(refused).to.include({ code: 'FORBIDDEN', actor: '-' });
    });
  });
});
