import { expect } from 'chai';
import { MemoryStore } from '../../provider/src/store/memory';
import { InProcessService, READER, startInProcess } from '../support/http-service';
import { send } from './request';

/**
 * The routes behind the web view (map, allocation page, search) and the page's files, as a
 * client of the service sees them: status, headers, body.
 */
describe('HTTP service: web view routes and files', () => {
  let service: InProcessService;
  const POOL = '/v1/spaces/default/pools/corp';

  before(async () => {
    service = await startInProcess(new MemoryStore());
    const ipam = service.ipam;
    await ipam.createPool({ name: 'corp', cidr: '10.0.0.0/16', gateway: true });
    await ipam.createPool({ name: 'corp-dev', parent: 'corp', cidr: '10.0.16.0/20' });
    for (const [owner, cidr] of [['web', '10.0.1.0/24'], ['db', '10.0.2.0/26'], ['cache', '10.0.10.0/24'], ['Batch', '10.0.9.0/24']]) await ipam.allocate({ pool: 'corp', owner, cidr });
    await ipam.release({ pool: 'corp', owner: 'db' });
  });
  after(() => service.close());

  it('GET .../map: the layout of the pool, with the read scope', async () => {
    const map = await send(service.url, 'GET', `${POOL}/map?cells=16`, { token: READER.token });
    expect(map.status).to.equal(200);
    expect([map.body.layout, map.body.cellPrefix, map.body.cells.length]).to.deep.equal(['grid', 20, 16]);
    expect(map.body.cells[1]).to.deep.include({ cidr: '10.0.16.0/20', state: 'child', label: '10.0.16.0/20 child pool corp-dev' });
    expect(map.body.cells[0].label).to.equal(
      '10.0.0.0/20: 3 allocations (768 addresses), 1 held block (64 addresses), 1 gateway (1 address), 3,263 addresses free',
    );
    const refused = await send(service.url, 'GET', `${POOL}/map?cellPrefix=28`, { token: READER.token });
    expect([refused.status, refused.body.code, refused.body.message]).to.deep.equal([
      400,
      'INVALID_INPUT',
      'cellPrefix: the pool (/16) holds 2^12 blocks of /28, more than the 1024 cells allowed; give /26 or a shorter prefix',
    ]);
    expect((await send(service.url, 'GET', `${POOL}/map?layout=pie`, { token: READER.token })).body.code).to.equal('INVALID_INPUT');
    expect((await send(service.url, 'GET', `${POOL}/map`, { token: null })).status).to.equal(401);
  });

  it('GET .../allocation-page: filtered, sorted by address as numbers, paged', async () => {
    const page = await send(service.url, 'GET', `${POOL}/allocation-page?limit=2&offset=1`, { token: READER.token });
    expect({ ...page.body, items: page.body.items.map((a: { owner: string }) => a.owner) }).to.deep.equal({
      total: 4,
      offset: 1,
      limit: 2,
      sort: 'cidr',
      order: 'asc',
      items: ['db', 'Batch'],
    });
    const byOwner = await send(service.url, 'GET', `${POOL}/allocation-page?sort=owner&order=desc&owner=a`, { token: READER.token });
    expect(byOwner.body.items.map((a: { owner: string }) => a.owner)).to.deep.equal(['cache', 'Batch']);
    const within = await send(service.url, 'GET', `${POOL}/allocation-page?within=10.0.8.0/21`, { token: READER.token });
    expect(within.body.items.map((a: { cidr: string }) => a.cidr)).to.deep.equal(['10.0.9.0/24', '10.0.10.0/24']);
    const bad = await send(service.url, 'GET', `${POOL}/allocation-page?limit=501`, { token: READER.token });
    expect([bad.status, bad.body.message]).to.deep.equal([400, 'limit: 501 rows is not a page size; give 1 to 500']);
    const badBlock = await send(service.url, 'GET', `${POOL}/allocation-page?within=10.0.8.1/21`, { token: READER.token });
    expect([badBlock.body.code, badBlock.body.message]).to.deep.equal(['INVALID_CIDR', 'within: "10.0.8.1/21" has host bits set; the network is 10.0.8.0/21']);
  });

  it('GET /v1/search: an address, a CIDR, or part of an owner or pool name', async () => {
    const q = async (text: string) => (await send(service.url, 'GET', `/v1/search?q=${encodeURIComponent(text)}`, { token: READER.token })).body;
    expect(await q('10.0.1.7')).to.deep.equal({
      query: '10.0.1.7',
      kind: 'address',
      truncated: false,
      hits: [{ space: 'default', pool: 'corp', poolCidr: '10.0.0.0/16', allocation: { owner: 'web', cidr: '10.0.1.0/24', status: 'allocated' } }],
    });
    expect((await q('10.0.0.1')).hits).to.deep.equal([{ space: 'default', pool: 'corp', poolCidr: '10.0.0.0/16', reserved: true }]);
    expect((await q('10.0.8.0/21')).hits.map((h: { pool: string; allocation?: { owner: string } }) => h.allocation?.owner ?? h.pool)).to.deep.equal(['corp', 'Batch', 'cache']);
    expect((await q('DEV')).hits).to.deep.equal([{ space: 'default', pool: 'corp-dev', poolCidr: '10.0.16.0/20' }]);
    expect((await q('b')).hits.map((h: { allocation: { owner: string } }) => h.allocation.owner)).to.deep.equal(['web', 'db', 'Batch']);
    const empty = await send(service.url, 'GET', '/v1/search?q=%20', { token: READER.token });
    expect([empty.status, empty.body.message]).to.deep.equal([400, 'q: give an address (10.0.0.7), a CIDR (10.0.0.0/24) or part of an owner or pool name']);
  });

  it('documents the new routes in /openapi.json', async () => {
    const doc = (await send(service.url, 'GET', '/openapi.json', { token: null })).body;
    expect(doc.paths[`/v1/spaces/{space}/pools/{pool}/map`].get.operationId).to.equal('poolMap');
    expect(doc.paths[`/v1/spaces/{space}/pools/{pool}/map`].get.parameters.map((p: { name: string }) => p.name)).to.deep.equal(['space', 'pool', 'cells', 'cellPrefix', 'layout']);
    expect(doc.paths['/v1/spaces/{space}/pools/{pool}/allocation-page'].get.operationId).to.equal('allocationPage');
    expect(doc.paths['/v1/search'].get.parameters.find((p: { name: string }) => p.name === 'q').required).to.equal(true);
  });

  it('serves the page and its files without a token, under a strict Content-Security-Policy', async () => {
    const index = await send(service.url, 'GET', '/', { token: null });
    expect(index.status).to.equal(200);
    expect(index.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).to.contain("script-src 'self'");
    expect(index.text).to.contain('<script type="module" src="/ui/app.js"></script>');
    const palette = await send(service.url, 'GET', '/ui/palette.css', { token: null });
    expect(palette.text).to.contain('--map-allocated: #0072b2;');
    expect((await send(service.url, 'GET', '/ui/app.js', { token: null })).headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    const missing = await send(service.url, 'GET', '/ui/nope.js', { token: null });
    expect([missing.status, missing.body.code]).to.deep.equal([404, 'ROUTE_NOT_FOUND']);
    // The data behind the page still needs a token.
    expect((await send(service.url, 'GET', '/v1/pools', { token: null })).status).to.equal(401);
    expect(service.logs.filter((l) => l.path === '/').map((l) => [l.route, l.status])).to.deep.equal([['/', 200]]);
  });
});
