import Database from 'better-sqlite3';
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
    expect(tablesOf(file)).to.deep.equal([['allocations', 'audit', 'pools', 'spaces'], 1]);
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
});
