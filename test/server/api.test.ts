import { expect } from 'chai';
import { z } from 'zod';
import { MemoryStore } from '../../provider/src/store/memory';
import { ROUTES } from '../../provider/src/server/routes';
import { InProcessService, READER, WRITER, startInProcess } from '../support/http-service';
import { RequestOptions, send, storeVersions } from './request';

/**
 * Every route of the JSON API over real loopback HTTP, and every refusal with its exact status,
 * code and message. The fixture (before() below) holds, in space "default": pool "net"
 * 10.0.0.0/16 (default /24) with owner "web" on 10.0.0.0/24, pool "tiny" 10.9.0.0/30 (gateway
 * 10.9.0.1) whose one host 10.9.0.2 is held by "only", and in namespace "kubeslice" the slice
 * "blue" 10.1.0.0/16 /24 with cluster "c1".
 */
interface Refusal {
  title: string;
  method: string;
  path: string;
  options?: RequestOptions;
  status: number;
  code: string;
  message: string;
  /** What a person reads when the message has a hint: the message, then the request that helps. */
  detail?: string;
}

const NET_PATH = '/v1/spaces/default/pools/net';
const BLUE = '/v1/namespaces/kubeslice/slices/blue';
const slice = (body: object) => ({ body: { sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: ['c1'], ...body } });

const REFUSALS: Refusal[] = [
  // Authentication and authorisation.
  { title: 'no token', method: 'GET', path: '/v1/pools', options: { token: null }, status: 401, code: 'UNAUTHORIZED', message: 'authorization: send the header "Authorization: Bearer <token>"' },
  { title: 'an unknown token', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { token: 'not-a-token-of-this-service' }, status: 401, code: 'UNAUTHORIZED', message: 'authorization: the bearer token is not one this service knows' },
  { title: 'a read token on a write route', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { token: READER.token }, status: 403, code: 'FORBIDDEN', message: 'authorization: token "dashboard" has scope "read"; this request changes state and needs "read-write"' },
  { title: 'a read token cannot delete a pool', method: 'DELETE', path: '/v1/spaces/default/pools/tiny', options: { token: READER.token }, status: 403, code: 'FORBIDDEN', message: 'authorization: token "dashboard" has scope "read"; this request changes state and needs "read-write"' },
  // Routing.
  { title: 'an unknown route', method: 'GET', path: '/v2/pools', status: 404, code: 'ROUTE_NOT_FOUND', message: 'path: "/v2/pools" is not a route of this service; see /openapi.json' },
  { title: 'a route one level too deep', method: 'GET', path: `${NET_PATH}/allocations/web/extra`, status: 404, code: 'ROUTE_NOT_FOUND', message: 'path: "/v1/spaces/default/pools/net/allocations/web/extra" is not a route of this service; see /openapi.json' },
  { title: 'a method the route does not have', method: 'DELETE', path: `${NET_PATH}/allocations/web`, status: 405, code: 'METHOD_NOT_ALLOWED', message: 'method: DELETE is not allowed on /v1/spaces/default/pools/net/allocations/web; use PUT or GET' },
  { title: 'POST on /healthz', method: 'POST', path: '/healthz', status: 405, code: 'METHOD_NOT_ALLOWED', message: 'method: POST is not allowed on /healthz; use GET' },
  // Bodies.
  { title: 'a body over the limit', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { body: { description: 'x'.repeat(70_000) } }, status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'body: larger than the limit of 65536 bytes' },
  { title: 'a body that is not JSON by content type', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { raw: 'prefixLength=24', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type: "application/x-www-form-urlencoded" is not accepted; send the body as application/json' },
  { title: 'malformed JSON', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { raw: '{"prefixLength":', headers: { 'content-type': 'application/json' } }, status: 400, code: 'MALFORMED_JSON', message: 'body: not valid JSON; send one JSON value, e.g. {"prefixLength": 24}' },
  { title: 'a wrong type', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { body: { prefixLength: '24' } }, status: 400, code: 'INVALID_INPUT', message: 'prefixLength: expected number, received string' },
  { title: 'a fraction where a whole number is due', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { body: { prefixLength: 24.5 } }, status: 400, code: 'INVALID_INPUT', message: 'prefixLength: expected int, received number' },
  { title: 'a misspelt field', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { body: { prefixlength: 24 } }, status: 400, code: 'INVALID_INPUT', message: 'prefixlength: unknown field; body fields are: kind, prefixLength, cidr, address, prefer, creator, adopt, description, labels' },
  { title: 'a JSON array as body', method: 'POST', path: '/v1/spaces/default/pools', options: { body: ['net'] }, status: 400, code: 'INVALID_INPUT', message: 'body: expected object, received array' },
  { title: 'a missing required field', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { cidr: '10.50.0.0/16' } }, status: 400, code: 'INVALID_INPUT', message: 'name: expected string, received undefined' },
  { title: 'a body on a route that takes none', method: 'POST', path: `${NET_PATH}/allocations/web/release`, options: { body: {} }, status: 400, code: 'INVALID_INPUT', message: 'body: POST /v1/spaces/{space}/pools/{pool}/allocations/{owner}/release takes no body' },
  { title: 'an unknown query parameter', method: 'GET', path: '/v1/pools?spaces=default', status: 400, code: 'INVALID_INPUT', message: 'spaces: unknown field; query fields are: space' },
  { title: 'a query number that is not one', method: 'GET', path: `${NET_PATH}/audit?limit=ten`, status: 400, code: 'INVALID_INPUT', message: 'limit: give a whole number' },
  { title: 'a missing query parameter', method: 'GET', path: `${NET_PATH}/availability`, status: 400, code: 'INVALID_INPUT', message: 'cidr: expected string, received undefined' },
  { title: 'bad percent-encoding in the path', method: 'GET', path: `${NET_PATH}/allocations/%E0%A4%A`, status: 400, code: 'INVALID_INPUT', message: 'owner: "%E0%A4%A" is not valid percent-encoding' },
  { title: 'an invalid space name', method: 'GET', path: '/v1/spaces/Not_A_Space/pools', status: 400, code: 'INVALID_INPUT', message: 'space: "Not_A_Space" is not a valid address space name; use 1 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit' },
  // The engine's refusals, carried unchanged.
  { title: 'an unknown pool', method: 'PUT', path: '/v1/spaces/default/pools/nope/allocations/x', status: 404, code: 'POOL_NOT_FOUND', message: 'pool: no pool "nope" in address space "default"', detail: 'pool: no pool "nope" in address space "default"; list pools with GET /v1/spaces/default/pools' },
  { title: 'an owner without allocation', method: 'GET', path: `${NET_PATH}/allocations/ghost`, status: 404, code: 'ALLOCATION_NOT_FOUND', message: 'owner: pool "net" has no allocation for owner "ghost"', detail: 'owner: pool "net" has no allocation for owner "ghost"; list them with GET /v1/spaces/default/pools/net/allocations' },
  { title: 'releasing an owner without allocation', method: 'POST', path: `${NET_PATH}/allocations/ghost/release`, status: 404, code: 'ALLOCATION_NOT_FOUND', message: 'owner: pool "net" has no allocation for owner "ghost"', detail: 'owner: pool "net" has no allocation for owner "ghost"; list them with GET /v1/spaces/default/pools/net/allocations' },
  { title: 'a CIDR that is no CIDR', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { name: 'bad', cidr: '10.0.0.0/33' } }, status: 400, code: 'INVALID_CIDR', message: 'cidr: "10.0.0.0/33" has prefix /33, but IPv4 prefixes go from /0 to /32' },
  { title: 'a CIDR with host bits set', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { name: 'bad', cidr: '10.60.2.3/16' } }, status: 400, code: 'INVALID_CIDR', message: 'cidr: "10.60.2.3/16" has host bits set; the network is 10.60.0.0/16' },
  { title: 'an address that is no address', method: 'GET', path: '/v1/find?ip=10.0.0.300', status: 400, code: 'INVALID_ADDRESS', message: 'ip: "10.0.0.300" is not an IPv4 or IPv6 address; write it like 10.0.0.5 or 2001:db8::5' },
  { title: 'a prefix longer than the pool allows', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { body: { prefixLength: 8 } }, status: 400, code: 'INVALID_PREFIX_LENGTH', message: 'prefixLength: /8 cannot be carved from pool "net" (10.0.0.0/16); choose between /16 and /32' },
  { title: 'an IPv6 block in an IPv4 pool', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { body: { cidr: 'fd00::/64' } }, status: 400, code: 'FAMILY_MISMATCH', message: 'cidr: fd00::/64 is IPv6, but pool "net" (10.0.0.0/16) is IPv4' },
  { title: 'a block outside the pool', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { body: { cidr: '10.1.0.0/24' } }, status: 400, code: 'OUTSIDE_POOL', message: 'cidr: 10.1.0.0/24 is outside pool "net" (10.0.0.0/16)' },
  { title: 'a pool name taken with another definition', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { name: 'net', cidr: '10.70.0.0/16' } }, status: 409, code: 'POOL_EXISTS', message: 'name: pool "net" already exists with 10.0.0.0/16 and a different definition', detail: 'name: pool "net" already exists with 10.0.0.0/16 and a different definition; choose another name, or change it with PATCH /v1/spaces/default/pools/net' },
  { title: 'an overlapping pool', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { name: 'other', cidr: '10.0.5.0/24' } }, status: 409, code: 'POOL_OVERLAP', message: 'cidr: 10.0.5.0/24 overlaps pool "net" (10.0.0.0/16) in address space "default"; choose a range that does not overlap, or nest it with parent "net"' },
  { title: 'deleting a pool in use', method: 'DELETE', path: NET_PATH, status: 409, code: 'POOL_IN_USE', message: 'pool "net" still has 1 live allocation(s): "web" (10.0.0.0/24); release them first' },
  { title: 'an exhausted pool', method: 'PUT', path: '/v1/spaces/default/pools/tiny/allocations/late', options: { body: { kind: 'host' } }, status: 409, code: 'POOL_EXHAUSTED', message: 'pool "tiny" (10.9.0.0/30): no available subnets: no free host address left; release an allocation or use a larger pool' },
  { title: 'a block someone holds', method: 'PUT', path: `${NET_PATH}/allocations/x`, options: { body: { cidr: '10.0.0.0/24' } }, status: 409, code: 'CIDR_UNAVAILABLE', message: 'cidr: 10.0.0.0/24 in pool "net" is held by owner "web" (10.0.0.0/24); choose another or omit it' },
  { title: 'the gateway address', method: 'PUT', path: '/v1/spaces/default/pools/tiny/allocations/gw', options: { body: { kind: 'host', address: '10.9.0.1' } }, status: 409, code: 'RESERVED_ADDRESS', message: 'address: 10.9.0.1 is the gateway of pool "tiny"; choose another' },
  { title: 'an owner asking for a different block', method: 'PUT', path: `${NET_PATH}/allocations/web`, options: { body: { cidr: '10.0.9.0/24' } }, status: 409, code: 'OWNER_CONFLICT', message: 'owner: "web" already holds 10.0.0.0/24 (prefix) in pool "net" and now asks for 10.0.9.0/24; release it first or use another owner key' },
  // KubeSlice's slice rules.
  { title: 'an empty slice subnet', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '' }), status: 400, code: 'SLICE_SUBNET_EMPTY', message: 'sliceSubnet: slice subnet cannot be empty' },
  { title: 'an IPv6 slice subnet', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: 'fd00::/48' }), status: 400, code: 'SLICE_SUBNET_IPV6', message: 'sliceSubnet: only IPv4 subnets are supported (got fd00::/48)' },
  { title: 'a public slice subnet', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '8.8.0.0/16' }), status: 400, code: 'SLICE_SUBNET_NOT_PRIVATE', message: 'sliceSubnet: slice subnet must be from private IP ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) (got 8.8.0.0/16)' },
  { title: 'a slice subnet too small', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '10.2.0.0/30' }), status: 400, code: 'SLICE_SUBNET_TOO_SMALL', message: 'sliceSubnet: slice subnet is too small, minimum /28 required (got 10.2.0.0/30)' },
  { title: 'a slice subnet too large', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '10.0.0.0/7' }), status: 400, code: 'SLICE_SUBNET_TOO_LARGE', message: 'sliceSubnet: slice subnet is too large, maximum /8 allowed (got 10.0.0.0/7)' },
  { title: 'a subnet size out of range', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ subnetSize: 31 }), status: 400, code: 'SUBNET_SIZE_INVALID', message: 'subnetSize: subnetSize must be between 16 and 30 (got 31)' },
  { title: 'a subnet size not longer than the slice', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ subnetSize: 16 }), status: 400, code: 'SUBNET_SIZE_TOO_SMALL', message: 'subnetSize: subnetSize must be greater than slice subnet prefix (/16 is not longer than /16)' },
  { title: 'a grace period over 7 days', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ gracePeriodHours: 169 }), status: 400, code: 'GRACE_PERIOD_INVALID', message: 'gracePeriodHours: grace period must be a whole number of hours from 1 to 168; grace period cannot exceed 7 days (got 169)' },
  { title: 'a slice subnet another slice uses', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '10.1.0.0/16' }), status: 409, code: 'SLICE_SUBNET_CONFLICT', message: 'sliceSubnet: Invalid value: "10.1.0.0/16": CIDR pool conflicts with existing slice \'blue\'. Each Dynamic IPAM slice must have a unique sliceSubnet to prevent overlapping IP allocations' },
  { title: 'a slice that cannot change its subnet', method: 'PUT', path: BLUE, options: slice({ sliceSubnet: '10.3.0.0/16' }), status: 409, code: 'POOL_EXISTS', message: 'sliceSubnet: slice "blue" exists with sliceSubnet 10.1.0.0/16 and subnetSize 24; these cannot change, delete the slice and create it again' },
];


describe('HTTP service: API', () => {
  let service: InProcessService;
  let store: MemoryStore;

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
        expect(got.body).to.include({ status: refusal.status, detail: refusal.detail ?? refusal.message, type: `urn:pulumi-ipam:error:${refusal.code}` });
        // The hint travels as structure too, so a client (the ipam command) words it its own way.
        expect(got.body?.hint === undefined).to.equal(refusal.detail === undefined);
        expect(await storeVersions(store)).to.deep.equal(before);
        expect(await service.ipam.getAllocation({ pool: 'net', owner: 'x' })).to.equal(undefined);
      });
    }

    it('refuses a read token on every write route, listed here by hand, and changes nothing', async () => {
      // By hand on purpose: a list derived from the route table would lose a route whose scope
      // a bug turned into "read", and the test would pass with the bug.
      const writes: [string, string, RequestOptions['body']?][] = [
        ['POST', '/v1/spaces/default/pools', { name: 'new', cidr: '10.77.0.0/16' }],
        ['PATCH', NET_PATH, { description: 'changed' }],
        ['DELETE', '/v1/spaces/default/pools/tiny'],
        ['PUT', `${NET_PATH}/allocations/new-owner`, {}],
        ['PUT', '/v1/spaces/default/allocations/new-owner', { poolSelector: { zone: 'a' } }],
        ['POST', `${NET_PATH}/allocations/web/release`],
        ['PUT', BLUE, { sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: [] }],
        ['DELETE', BLUE],
        ['POST', '/v1/spaces/default/import', { pools: [{ name: 'imported', cidr: '10.78.0.0/16' }] }],
      ];
      const before = await storeVersions(store);
      for (const [method, path, body] of writes) {
        const got = await send(service.url, method, path, { token: READER.token, body });
        expect([got.status, got.body?.code, got.body?.message], `${method} ${path}`).to.deep.equal([
          403,
          'FORBIDDEN',
          'authorization: token "dashboard" has scope "read"; this request changes state and needs "read-write"',
        ]);
      }
      expect(await storeVersions(store)).to.deep.equal(before);
      // The other way round: a new write route must be added to the list above.
      const listed = new Set(writes.map(([method, path]) => `${method} ${path}`));
      const templates = ROUTES.filter((r) => r.scope === 'write').map((r) => `${r.method} ${r.path}`);
      const concrete = (template: string) =>
        [...listed].some((l) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(l));
      expect(templates.filter((t) => !concrete(t)), 'write routes missing from the list').to.deep.equal([]);
    });

    it('names the allowed methods in Allow on 405, and the scheme in WWW-Authenticate on 401', async () => {
      expect((await send(service.url, 'DELETE', `${NET_PATH}/allocations/web`)).headers.get('allow')).to.equal('PUT, GET');
      expect((await send(service.url, 'GET', '/v1/pools', { token: null })).headers.get('www-authenticate')).to.equal('Bearer');
    });
  });

  describe('routes', () => {
    it('allocates by owner over PUT, idempotently, and gets the allocation back by owner', async () => {
      const first = await send(service.url, 'PUT', `${NET_PATH}/allocations/${encodeURIComponent('stack/app')}`, { body: { prefixLength: 26 } });
      expect(first.status).to.equal(200);
      expect(first.body).to.include({ owner: 'stack/app', cidr: '10.0.1.0/26', status: 'allocated', netmask: '255.255.255.192' });
      const again = await send(service.url, 'PUT', `${NET_PATH}/allocations/stack%2Fapp`, { body: { prefixLength: 26 } });
      expect(again.body.cidr).to.equal('10.0.1.0/26');
      const got = await send(service.url, 'GET', `${NET_PATH}/allocations/stack%2Fapp`, { token: READER.token });
      expect(got.body).to.deep.equal(first.body);
    });

    it('allocates a host address with an empty body meaning the pool defaults', async () => {
      await service.ipam.createPool({ name: 'hosts', cidr: '10.8.0.0/29', gateway: true });
      const host = await send(service.url, 'PUT', '/v1/spaces/default/pools/hosts/allocations/vpn-1', { body: { kind: 'host' } });
      expect(host.body).to.include({ cidr: '10.8.0.2/32', gateway: '10.8.0.1', kind: 'host' });
      const block = await send(service.url, 'PUT', `${NET_PATH}/allocations/empty-body`);
      expect(block.body).to.include({ cidr: '10.0.2.0/24' });
    });

    it('releases over POST .../release and records who did what in the audit trail', async () => {
      await send(service.url, 'PUT', `${NET_PATH}/allocations/to-release`, { body: { cidr: '10.0.200.0/24' } });
      const released = await send(service.url, 'POST', `${NET_PATH}/allocations/to-release/release`);
      expect(released.body).to.include({ owner: 'to-release', status: 'released' });
      const audit = await send(service.url, 'GET', `${NET_PATH}/audit?limit=2`, { token: READER.token });
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
      const list = await send(service.url, 'GET', `${NET_PATH}/allocations`, { token: READER.token });
      expect(list.body[0]).to.include({ owner: 'web', cidr: '10.0.0.0/24' });
      expect((await send(service.url, 'GET', `${NET_PATH}/availability?cidr=10.0.0.0/25`, { token: READER.token })).body.available).to.equal(false);
      expect((await send(service.url, 'GET', `${NET_PATH}/availability?cidr=10.0.99.0/24`, { token: READER.token })).body).to.deep.equal({ available: true });
      const found = await send(service.url, 'GET', '/v1/find?ip=10.0.0.7', { token: READER.token });
      expect(found.body).to.have.length(1);
      expect(found.body[0]).to.include({ space: 'default', pool: 'net', poolCidr: '10.0.0.0/16' });
      expect(found.body[0].allocation).to.include({ owner: 'web' });
      const check = await send(service.url, 'GET', `${NET_PATH}/check`, { token: READER.token });
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

    it('serves Prometheus metrics with the KubeSlice metric names, computed from the pools at scrape time, to a token holder', async () => {
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
      const allocate = service.logs.find((l) => l.path === `${NET_PATH}/allocations/stack%2Fapp` && l.status === 200)!;
      expect(allocate).to.include({ method: 'PUT', route: '/v1/spaces/{space}/pools/{pool}/allocations/{owner}', actor: WRITER.name });
      const refused = service.logs.find((l) => l.status === 403)!;
      expect(refused).to.include({ code: 'FORBIDDEN', actor: '-' });
    });
  });
});
