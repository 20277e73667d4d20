import Database from 'better-sqlite3';
import { expect } from 'chai';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { expectIpamError } from '../support/expect-error';
import { storeContract } from './contract';

storeContract('sqlite file', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ipam-sqlite-')), 'state.db');
  return {
    open: async () => new SqliteStore(file),
    reopen: async () => new SqliteStore(file),
    processConfig: () => ({ type: 'sqlite', file }),
    enforcesUniqueBlocks: true,
  };
});

describe('SQLite state file: which files become state', () => {
  const tablesOf = (file: string): unknown[] => {
    const db = new Database(file, { readonly: true });
    try {
      return [db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all(), db.pragma('user_version', { simple: true })];
    } finally {
      db.close();
    }
  };

  it('an empty file (touch state.db) becomes a state file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ipam-sqlite-')), 'state.db');
    writeFileSync(file, '');
    await new SqliteStore(file).close();
    expect(tablesOf(file)).to.deep.equal([['allocations', 'audit', 'meta', 'pools', 'spaces'], 3]);
  });

  it('has a backend id made once: the same when opened again, kept by a copy, different for another file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipam-sqlite-'));
    const first = new SqliteStore(join(dir, 'state.db'));
    const id = (await first.identity()).id;
    await first.close();
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    copyFileSync(join(dir, 'state.db'), join(dir, 'copy.db'));
    for (const [file, same] of [['state.db', true], ['copy.db', true], ['other.db', false]] as const) {
      const store = new SqliteStore(join(dir, file));
      const info = await store.identity();
      await store.close();
      expect(info.id === id, file).to.equal(same);
      expect(info).to.deep.include({ kind: 'sqlite', location: `the SQLite file ${join(dir, file)}` });
    }
  });

  it('a file with tables of its own and no ipam schema is refused by name and left untouched', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ipam-sqlite-')), 'inventory.db');
    const db = new Database(file);
    db.exec('CREATE TABLE hosts (name TEXT); CREATE TABLE racks (id INTEGER)');
    db.close();
    await expectIpamError(
      Promise.resolve().then(() => new SqliteStore(file)),
      'INVALID_INPUT',
      `state: ${file} is not a pulumi-ipam state file: it holds another application's tables (hosts, racks) and no ipam schema; ` +
        'nothing was written to it. Point the state (--state, IPAM_STATE, ipam:state, or serve --db) at a new file or an existing ipam state file',
    );
    expect(tablesOf(file)).to.deep.equal([['hosts', 'racks'], 0]);
  });

  it('a file of a newer pulumi-ipam, and a bad IPAM_SQLITE_SYNC, are refused with a code and the fix, not as a bug', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ipam-sqlite-')), 'state.db');
    await new SqliteStore(file).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    await expectIpamError(
      Promise.resolve().then(() => new SqliteStore(file)),
      'STORE_UNAVAILABLE',
      'state file schema v99 is newer than this pulumi-ipam (v3); upgrade pulumi-ipam',
    );
    expect(tablesOf(file)[1], 'left as it was').to.equal(99);
    const saved = process.env.IPAM_SQLITE_SYNC;
    process.env.IPAM_SQLITE_SYNC = 'sometimes';
    try {
      await expectIpamError(
        Promise.resolve().then(() => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ipam-sqlite-')), 'state.db'))),
        'INVALID_INPUT',
        'IPAM_SQLITE_SYNC: "sometimes" is not a setting; use "full" (default) or "normal"',
      );
    } finally {
      if (saved === undefined) delete process.env.IPAM_SQLITE_SYNC;
      else process.env.IPAM_SQLITE_SYNC = saved;
    }
  });
});
