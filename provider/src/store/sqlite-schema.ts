import Database from 'better-sqlite3';
import type * as Crypto from 'node:crypto';
import { errors } from '../errors';
import { refuseForeignFile } from './sqlite-file';

/**
 * The SQLite file's schema, one step per version: STEPS[v] takes a file from user_version v to
 * v + 1. To change the schema, add a step at the end; every file catches up step by step, in
 * one write transaction, so a crash leaves the file at the old version or the new one.
 */
const STEPS: ((db: Database.Database) => void)[] = [createTables, addBackendId, auditByPool];
const SCHEMA_VERSION = STEPS.length;

/** The first schema whose audit table is keyed by (space, pool, rev, n); before it, by an AUTOINCREMENT id. */
export const AUDIT_BY_POOL_SCHEMA = 3;

/** Brings the file to SCHEMA_VERSION, or refuses it; returns the schema the file is read with. */
export function migrate(db: Database.Database, file: string, readOnly: boolean): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw errors.STORE_UNAVAILABLE({ case: 'schema-newer', what: 'state file', current, known: SCHEMA_VERSION });
  }
  if (current === SCHEMA_VERSION) return current;
  if (current === 0) refuseForeignFile(db, file);
  // A read-only file of an older schema (1 or 2) still reads: no backend id before 2, the audit
  // trail in its old table before 3 (SqliteStore reads it with the old query).
  if (readOnly && current >= 1) return current;
  if (readOnly) {
    throw errors.STORE_UNAVAILABLE({ case: 'read-only-old-schema', file, current, known: SCHEMA_VERSION });
  }
  db.transaction(() => {
    // Read again under the write lock: another process may have migrated the file meanwhile.
    const from = db.pragma('user_version', { simple: true }) as number;
    for (let version = from; version < SCHEMA_VERSION; version++) STEPS[version](db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
  return SCHEMA_VERSION;
}

function createTables(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS spaces (
      name TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      history_from INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS pools (
      space TEXT NOT NULL, name TEXT NOT NULL, body TEXT, rev INTEGER NOT NULL,
      PRIMARY KEY (space, name)
    );
    CREATE INDEX IF NOT EXISTS pools_by_rev ON pools (space, rev);
    CREATE TABLE IF NOT EXISTS allocations (
      space TEXT NOT NULL, pool TEXT NOT NULL, owner TEXT NOT NULL, cidr TEXT, body TEXT, rev INTEGER NOT NULL,
      PRIMARY KEY (space, pool, owner)
    );
    CREATE INDEX IF NOT EXISTS allocations_by_rev ON allocations (space, rev);
    -- Last line of defence: one block is never held twice in a space, whatever the engine did.
    CREATE UNIQUE INDEX IF NOT EXISTS allocations_unique_block ON allocations (space, cidr) WHERE body IS NOT NULL;
    CREATE TABLE IF NOT EXISTS audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      space TEXT NOT NULL, pool TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,
      action TEXT NOT NULL, owner TEXT, cidr TEXT
    );
    CREATE INDEX IF NOT EXISTS audit_by_pool ON audit (space, pool, id);
  `);
}

/** Schema 2: the file's backend id, made once at random; a copy of the file keeps it. */
function addBackendId(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  // node:crypto (a few ms to load) only for this one-time step, not on every open of the file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { randomUUID } = require('node:crypto') as typeof Crypto;
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('backend_id', ?)").run(randomUUID());
}

/**
 * Schema 3: the audit trail clustered by what reads it, (space, pool), in a WITHOUT ROWID table,
 * each event keyed by the space version of the commit that wrote it (rev) and its place in that
 * commit (n). An allocation's commit then writes one audit page instead of three (the table,
 * its (space, pool, id) index and AUTOINCREMENT's sqlite_sequence row): about 7 WAL pages per
 * commit instead of 9. Events from before keep their order: rev 0, n their old id.
 */
function auditByPool(db: Database.Database): void {
  db.exec(`
    CREATE TABLE audit_v3 (
      space TEXT NOT NULL, pool TEXT NOT NULL, rev INTEGER NOT NULL, n INTEGER NOT NULL,
      at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, owner TEXT, cidr TEXT,
      PRIMARY KEY (space, pool, rev, n)
    ) WITHOUT ROWID;
    INSERT INTO audit_v3 (space, pool, rev, n, at, actor, action, owner, cidr)
      SELECT space, pool, 0, id, at, actor, action, owner, cidr FROM audit;
    DROP TABLE audit;
    ALTER TABLE audit_v3 RENAME TO audit;
    DELETE FROM sqlite_sequence WHERE name = 'audit';
  `);
}
