import Database from 'better-sqlite3';
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { asSchema2 } from '../support/sqlite-schema-2';

/**
 * Files written by earlier versions are upgraded in place when opened: their state reads back
 * exactly as it was. (A file of a newer version is refused: sqlite.test.ts.)
 */

const tmpFile = (name: string): string => join(mkdtempSync(join(tmpdir(), 'ipam-sqlite-migration-')), name);

/** Two spaces, pools created, updated and deleted, blocks allocated, released and reclaimed: every kind of row and tombstone. */
async function writeState(file: string): Promise<void> {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const ipam = Ipam.create(new SqliteStore(file), { actor: 'alice', now: () => now });
  await ipam.createPool({ name: 'corp', cidr: '10.0.0.0/16', gracePeriodSeconds: 60 });
  await ipam.createPool({ name: 'lab', cidr: '10.0.0.0/16', space: 'lab' });
  await ipam.createPool({ name: 'gone', cidr: '10.1.0.0/16', gracePeriodSeconds: 60 });
  for (const owner of ['web', 'db', 'cache']) await ipam.allocate({ pool: 'corp', owner, prefixLength: 24 });
  await ipam.as('bob').allocate({ pool: 'lab', owner: 'bench', prefixLength: 28, space: 'lab' });
  await ipam.allocate({ pool: 'gone', owner: 'tmp', prefixLength: 24 });
  await ipam.release({ pool: 'gone', owner: 'tmp' });
  await ipam.release({ pool: 'corp', owner: 'db' });
  now += 120_000;
  await ipam.deletePool({ pool: 'gone' });
  await ipam.allocate({ pool: 'corp', owner: 'queue', cidr: '10.0.1.0/24' });
  await ipam.updatePool({ pool: 'corp', description: 'offices' });
  await ipam.close();
}

/** Everything a user or another process can read of the file. */
async function readAll(file: string): Promise<unknown> {
  const store = new SqliteStore(file);
  const ipam = Ipam.create(store);
  try {
    const read: Record<string, unknown> = { backendId: (await store.identity()).id, spaces: await store.listSpaces() };
    for (const space of ['default', 'lab']) {
      const pools = await ipam.listPools({ space });
      read[space] = {
        state: await store.read(space),
        pools,
        allocations: await Promise.all(pools.map((p) => ipam.listAllocations({ pool: p.name, space }))),
        // A deleted pool keeps its audit trail.
        audit: await Promise.all(['corp', 'lab', 'gone'].map((pool) => ipam.listAudit({ pool, space, limit: 100 }))),
      };
    }
    return read;
  } finally {
    await ipam.close();
  }
}

const schemaOf = (file: string): unknown => {
  const db = new Database(file, { readonly: true });
  try {
    return [db.pragma('user_version', { simple: true }), db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit'").pluck().get()];
  } finally {
    db.close();
  }
};

describe('SQLite state file: upgrading files of earlier versions in place', () => {
  it('a schema 2 file reads back exactly as it was, its audit trail in order, ipam check clean, and new events come after the old', async () => {
    const current = tmpFile('current.db');
    await writeState(current);
    const old = tmpFile('old.db');
    asSchema2(current, old);
    expect(schemaOf(old)).to.deep.equal([2, 'CREATE TABLE audit (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    space TEXT NOT NULL, pool TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,\n    action TEXT NOT NULL, owner TEXT, cidr TEXT\n  )']);

    const expected = await readAll(current);
    expect(await readAll(old)).to.deep.equal(expected);
    expect((schemaOf(old) as unknown[])[0]).to.equal(3);

    const ipam = Ipam.create(new SqliteStore(old), { actor: 'carol', now: () => Date.parse('2026-02-01T00:00:00Z') });
    try {
      expect((await ipam.check({ pool: 'corp' })).issues).to.deep.equal([]);
      expect((await ipam.check({ pool: 'lab', space: 'lab' })).issues).to.deep.equal([]);
      await ipam.allocate({ pool: 'corp', owner: 'late', prefixLength: 24 });
      const audit = await ipam.listAudit({ pool: 'corp', limit: 3 });
      expect(audit.map((e) => [e.action, e.owner, e.cidr, e.actor])).to.deep.equal([
        ['allocate', 'late', '10.0.3.0/24', 'carol'],
        ['update-pool', undefined, '10.0.0.0/16', 'alice'],
        ['allocate', 'queue', '10.0.1.0/24', 'alice'],
      ]);
    } finally {
      await ipam.close();
    }
  });

  it('a schema 1 file gets a backend id and the schema 3 audit trail; its state stays', async () => {
    const current = tmpFile('current.db');
    await writeState(current);
    const old = tmpFile('old.db');
    asSchema2(current, old, 1);
    const store = new SqliteStore(old);
    const id = (await store.identity()).id;
    await store.close();
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    const { backendId, ...state } = (await readAll(old)) as Record<string, unknown>;
    const { backendId: idOfCurrent, ...expected } = (await readAll(current)) as Record<string, unknown>;
    expect([state, backendId]).to.deep.equal([expected, id]);
    expect(idOfCurrent).not.to.equal(id);
  });

});
