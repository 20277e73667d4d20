import Database from 'better-sqlite3';

/**
 * A state file laid out as pulumi-ipam's schema 2 wrote it (and, without its meta table, schema
 * 1), to test that files of earlier versions still open and read back exactly.
 */

/** The tables as schema 2 (and, without meta, schema 1) created them, word for word. */
const SCHEMA_2 = `
  CREATE TABLE spaces (name TEXT PRIMARY KEY, version INTEGER NOT NULL, history_from INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE pools (space TEXT NOT NULL, name TEXT NOT NULL, body TEXT, rev INTEGER NOT NULL, PRIMARY KEY (space, name));
  CREATE INDEX pools_by_rev ON pools (space, rev);
  CREATE TABLE allocations (
    space TEXT NOT NULL, pool TEXT NOT NULL, owner TEXT NOT NULL, cidr TEXT, body TEXT, rev INTEGER NOT NULL,
    PRIMARY KEY (space, pool, owner)
  );
  CREATE INDEX allocations_by_rev ON allocations (space, rev);
  CREATE UNIQUE INDEX allocations_unique_block ON allocations (space, cidr) WHERE body IS NOT NULL;
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    space TEXT NOT NULL, pool TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,
    action TEXT NOT NULL, owner TEXT, cidr TEXT
  );
  CREATE INDEX audit_by_pool ON audit (space, pool, id);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  PRAGMA user_version = 2;
`;

/** The same state as `source` holds, in a file laid out as schema 2 wrote it (the audit trail in its AUTOINCREMENT table). */
export function asSchema2(source: string, file: string, version: 1 | 2 = 2): void {
  const db = new Database(file);
  db.exec(SCHEMA_2);
  db.exec(`ATTACH DATABASE '${source}' AS source`);
  db.exec(`
    INSERT INTO spaces SELECT * FROM source.spaces;
    INSERT INTO pools SELECT * FROM source.pools;
    INSERT INTO allocations SELECT * FROM source.allocations;
    INSERT INTO meta SELECT * FROM source.meta;
    INSERT INTO audit (space, pool, at, actor, action, owner, cidr)
      SELECT space, pool, at, actor, action, owner, cidr FROM source.audit ORDER BY rev, n;
  `);
  db.exec('DETACH DATABASE source');
  if (version === 1) db.exec('DROP TABLE meta; PRAGMA user_version = 1');
  db.close();
}

