import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { InProcessService, WRITER, startInProcess } from '../support/http-service';
import { send } from '../server/request';
import { DOCUMENT } from '../server/documented-responses';
import { schemaProblem } from '../support/json-schema';

/** IpamApi.importRecords through the HTTP service: the same decisions as in process, its schema in OpenAPI. */
describe('import through the HTTP service', () => {
  let service: InProcessService;
  let client: HttpIpam;
  beforeEach(async () => {
    service = await startInProcess(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ipam-http-import-')), 'state.db')));
    client = new HttpIpam({ server: service.url, token: WRITER.token });
    await client.createPool({ name: 'corp', cidr: '10.0.0.0/16' });
  });
  afterEach(async () => {
    await client.close();
    await service.close();
  });

  it('reports each row with its line; writes nothing on a dry run or a refusal, and the accepted rows with skipInvalid', async () => {
    const rows = {
      pools: [{ line: 2, name: 'lab', cidr: '192.168.0.0/24' }],
      allocations: [
        { line: 3, pool: 'corp', owner: 'web', cidr: '10.0.1.0/24' },
        { line: 4, pool: 'corp', owner: 'api', cidr: '10.0.1.0/25' },
      ],
    };
    const refusal = {
      line: 4, record: 'allocation', name: 'api', pool: 'corp', cidr: '10.0.1.0/25', action: 'refused', code: 'CIDR_UNAVAILABLE', field: 'cidr',
      message: 'cidr: 10.0.1.0/25 in pool "corp" is held by owner "web" (10.0.1.0/24); choose another or omit it',
    };
    for (const dryRun of [true, false]) {
      expect(await client.importRecords({ ...rows, dryRun })).to.deep.equal({
        created: 2, unchanged: 0, refused: 1, written: false,
        outcomes: [
          { line: 2, record: 'pool', name: 'lab', cidr: '192.168.0.0/24', action: 'created' },
          { line: 3, record: 'allocation', name: 'web', pool: 'corp', cidr: '10.0.1.0/24', action: 'created' },
          refusal,
        ],
      });
      expect((await client.listPools({ space: 'default' })).map((p) => p.name)).to.deep.equal(['corp']);
    }
    expect(await client.importRecords({ ...rows, skipInvalid: true })).to.deep.include({ created: 2, refused: 1, written: true });
    expect((await client.listAllocations({ pool: 'corp' })).map((a) => a.owner)).to.deep.equal(['web']);
    expect(await client.importRecords({ ...rows, skipInvalid: true })).to.deep.equal({ created: 0, unchanged: 2, refused: 1, written: true, outcomes: [refusal] });
  });

  it('refuses a row field the schema does not know, and a row for another space, naming them', async () => {
    const unknown = await send(service.url, 'POST', '/v1/spaces/default/import', { token: WRITER.token, body: { allocations: [{ pool: 'corp', owner: 'x', cidr: '10.0.2.0/24', colour: 'red' }] } });
    expect([unknown.status, unknown.body?.code, unknown.body?.field]).to.deep.equal([400, 'INVALID_INPUT', 'allocations.0.colour']);
    expect(await client.importRecords({ space: 'default', allocations: [{ line: 9, space: 'team-b', pool: 'corp', owner: 'x', cidr: '10.0.2.0/24' }] })).to.deep.include({
      refused: 1,
      outcomes: [{ line: 9, record: 'allocation', name: 'x', pool: 'corp', cidr: '10.0.2.0/24', action: 'refused', code: 'INVALID_INPUT', field: 'space', message: 'space: the row is for address space "team-b", but this import writes to "default"' }],
    });
    const openapi = await send(service.url, 'GET', '/openapi.json', { token: WRITER.token });
    expect(openapi.body.paths['/v1/spaces/{space}/import'].post.operationId).to.equal('importRecords');
  });

  it('a refused row carries its hint as data, which the document describes, for each face to word its own way', async () => {
    const answer = await send(service.url, 'POST', '/v1/spaces/team-a/import', { token: WRITER.token, body: { allocations: [{ line: 5, pool: 'nope', owner: 'x', cidr: '10.0.2.0/24' }] } });
    expect([answer.status, answer.body.outcomes]).to.deep.equal([
      200,
      [{
        line: 5, record: 'allocation', name: 'x', pool: 'nope', cidr: '10.0.2.0/24', action: 'refused', code: 'POOL_NOT_FOUND', field: 'pool',
        message: 'pool: no pool "nope" in address space "team-a"', hint: { kind: 'list-pools', space: 'team-a' },
      }],
    ]);
    // The document says which hints there are: one of another kind, or without its space, is not one.
    const documented = (DOCUMENT.paths['/v1/spaces/{space}/import'] as Record<string, { responses: Record<string, { content: Record<string, { schema: object }> }> }>).post
      .responses['200'].content['application/json'].schema as Record<string, unknown>;
    const withHint = (hint: object) => ({ ...answer.body, outcomes: [{ ...answer.body.outcomes[0], hint }] });
    expect(schemaProblem(documented, answer.body, DOCUMENT)).to.equal(undefined);
    expect(schemaProblem(documented, withHint({ kind: 'format-disk', space: 'team-a' }), DOCUMENT)).to.match(/^\$\.outcomes\[0\]\.hint: matches 0 of /);
    expect(schemaProblem(documented, withHint({ kind: 'list-pools' }), DOCUMENT)).to.match(/^\$\.outcomes\[0\]\.hint: matches 0 of /);
  });
});
