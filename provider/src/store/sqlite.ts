import Database from 'better-sqlite3';
import { errors } from '../errors';
import { BackendInfo } from '../model/api';
import { AllocationRecord, AuditEvent, PoolRecord } from '../model/records';
import { OpenedFile, closeStateFile, openStateFile, sqliteFailure } from './sqlite-file';
import { AUDIT_BY_POOL_SCHEMA, migrate } from './sqlite-schema';
import { CommitRequest, CommitResult, SpaceRead, Store, StoreWrite, emptySpace } from '../engine/store';

/**
 * The embedded default: one SQLite file, safe for several processes at once (WAL; commits take
 * the write lock with BEGIN IMMEDIATE, then compare the space version).
 *
 * Rows are never deleted at once: a delete leaves a tombstone (body NULL) stamped with the
 * version that wrote it, so a reader can ask "what changed since version v" and learn about
 * deletions too. Tombstones older than HISTORY versions are purged; a reader that old reloads
 * the space whole.
 *
 * Durability: synchronous=FULL by default, so an acknowledged allocation survives a power cut,
 * not only a process crash. IPAM_SQLITE_SYNC=normal trades that for speed (WAL + NORMAL still
 * survives kill -9; it can lose the last commits on power loss).
 *
 * A file this user may only read is opened read-only (reads work, writes are refused by name);
 * SQLite failures reach the user as STORE_UNAVAILABLE naming the file and the cause (sqlite-file.ts).
 */
const HISTORY = 1024;

export type SqliteSync = 'full' | 'normal';

export interface SqliteOptions {
  synchronous?: SqliteSync;
  /** How long to wait for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly opened: OpenedFile;
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepare>;
  // Made once: better-sqlite3 builds four wrappers with their properties for every transaction().
  private readonly readTx: Database.Transaction<(space: string, since?: number) => SpaceRead>;
  private readonly commitTx: Database.Transaction<(request: CommitRequest) => CommitResult>;

  constructor(
    readonly file: string,
    options: SqliteOptions = {},
  ) {
    const synchronous = (options.synchronous ?? syncFromEnv()).toUpperCase();
    this.opened = openStateFile(file);
    this.db = this.opened.db;
    try {
      // busy_timeout first: switching to WAL needs a lock that another process may hold.
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
      if (this.opened.readOnly === undefined) this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${synchronous}`);
      const schema = migrate(this.db, file, this.opened.readOnly !== undefined);
      this.statements = prepare(this.db, schema);
    } catch (e) {
      closeStateFile(this.opened);
      throw sqliteFailure(e, file, 'reading');
    }
    this.readTx = this.db.transaction((space: string, since?: number) => this.readNow(space, since));
    this.commitTx = this.db.transaction((request: CommitRequest) => this.commitNow(request));
  }

  async read(space: string, since?: number): Promise<SpaceRead> {
    return this.reading(() => this.readTx(space, since));
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    if (this.opened.readOnly !== undefined) {
      throw errors.STORE_UNAVAILABLE({ case: 'read-only', file: this.file, why: this.opened.readOnly.reason });
    }
    try {
      return this.commitTx.immediate(request);
    } catch (e) {
      throw sqliteFailure(e, this.file, 'writing');
    }
  }

  async listSpaces(): Promise<string[]> {
    return this.reading(() => (this.statements.spaces.all() as { name: string }[]).map((r) => r.name));
  }

  async listAudit(space: string, pool: string, limit: number): Promise<AuditEvent[]> {
    const rows = this.reading(() => this.statements.listAudit.all(space, pool, limit) as Record<string, string | null>[]);
    return rows.map((r) => {
      const event: AuditEvent = { at: r.at!, pool: r.pool!, action: r.action as AuditEvent['action'], actor: r.actor! };
      if (r.owner !== null) event.owner = r.owner;
      if (r.cidr !== null) event.cidr = r.cidr;
      return event;
    });
  }

  async identity(): Promise<BackendInfo> {
    const hasMeta = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
    const row = hasMeta ? (this.db.prepare("SELECT value FROM meta WHERE key = 'backend_id'").get() as { value: string } | undefined) : undefined;
    return { id: row?.value, kind: this.kind, location: `the SQLite file ${this.file}` };
  }

  async ping(): Promise<void> {
    this.reading(() => this.statements.spaces.get());
  }

  async close(): Promise<void> {
    closeStateFile(this.opened);
  }

  private reading<T>(call: () => T): T {
    try {
      return call();
    } catch (e) {
      throw sqliteFailure(e, this.file, 'reading');
    }
  }

  /** Inside BEGIN IMMEDIATE: the compare-and-swap on the space version, then the writes. */
  private commitNow(request: CommitRequest): CommitResult {
    const s = this.statements;
    const row = s.version.get(request.space) as { version: number; history_from: number } | undefined;
    const current = row?.version ?? 0;
    if (current !== request.expectedVersion) return { ok: false, version: current };
    const version = current + 1;
    for (const write of request.writes) this.applyWrite(request.space, version, write);
    s.putVersion.run(request.space, version);
    request.audit.forEach((event, n) => {
      s.audit.run(request.space, event.pool, version, n, event.at, event.actor, event.action, event.owner ?? null, event.cidr ?? null);
    });
    if (version % HISTORY === 0) {
      const horizon = version - HISTORY;
      s.purgePools.run(request.space, horizon);
      s.purgeAllocations.run(request.space, horizon);
      s.setHistoryFrom.run(horizon, request.space);
    }
    return { ok: true, version };
  }

  private readNow(space: string, since?: number): SpaceRead {
    const s = this.statements;
    const row = s.version.get(space) as { version: number; history_from: number } | undefined;
    if (row === undefined) return emptySpace();
    const delta = since !== undefined && since >= row.history_from && since <= row.version;
    const read = emptySpace(row.version);
    if (delta && since === row.version) {
      read.full = false;
      return read;
    }
    if (!delta) {
      read.pools = (s.allPools.all(space) as { body: string }[]).map((r) => JSON.parse(r.body) as PoolRecord);
      read.allocations = (s.allAllocations.all(space) as { body: string }[]).map((r) => JSON.parse(r.body) as AllocationRecord);
      return read;
    }
    read.full = false;
    for (const r of s.poolsSince.all(space, since) as { name: string; body: string | null }[]) {
      if (r.body === null) read.deletedPools.push(r.name);
      else read.pools.push(JSON.parse(r.body) as PoolRecord);
    }
    for (const r of s.allocationsSince.all(space, since) as { pool: string; owner: string; body: string | null }[]) {
      if (r.body === null) read.deletedAllocations.push({ pool: r.pool, owner: r.owner });
      else read.allocations.push(JSON.parse(r.body) as AllocationRecord);
    }
    return read;
  }

  private applyWrite(space: string, version: number, write: StoreWrite): void {
    const s = this.statements;
    switch (write.type) {
      case 'savePool':
        s.savePool.run(space, write.pool.name, JSON.stringify(write.pool), version);
        break;
      case 'removePool':
        s.removePool.run(version, space, write.name);
        break;
      case 'saveAllocation': {
        const a = write.allocation;
        s.saveAllocation.run(space, a.pool, a.owner, a.cidr, JSON.stringify(a), version);
        break;
      }
      case 'removeAllocation':
        s.removeAllocation.run(version, space, write.pool, write.owner);
        break;
    }
  }
}

function syncFromEnv(): SqliteSync {
  const value = (process.env.IPAM_SQLITE_SYNC ?? 'full').toLowerCase();
  if (value !== 'full' && value !== 'normal') {
    throw errors.INVALID_INPUT({ case: 'sqlite-sync', field: 'IPAM_SQLITE_SYNC', value });
  }
  return value;
}

/** `schema` below AUDIT_BY_POOL_SCHEMA only for a read-only file of an older schema: it reads its old audit table and never writes. */
function prepare(db: Database.Database, schema: number) {
  const auditByPool = schema >= AUDIT_BY_POOL_SCHEMA;
  return {
    version: db.prepare('SELECT version, history_from FROM spaces WHERE name = ?'),
    putVersion: db.prepare(
      'INSERT INTO spaces (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version',
    ),
    setHistoryFrom: db.prepare('UPDATE spaces SET history_from = ? WHERE name = ?'),
    spaces: db.prepare('SELECT name FROM spaces ORDER BY name'),
    allPools: db.prepare('SELECT body FROM pools WHERE space = ? AND body IS NOT NULL'),
    allAllocations: db.prepare('SELECT body FROM allocations WHERE space = ? AND body IS NOT NULL'),
    poolsSince: db.prepare('SELECT name, body FROM pools WHERE space = ? AND rev > ?'),
    allocationsSince: db.prepare('SELECT pool, owner, body FROM allocations WHERE space = ? AND rev > ?'),
    savePool: db.prepare(
      'INSERT INTO pools (space, name, body, rev) VALUES (?, ?, ?, ?) ON CONFLICT (space, name) DO UPDATE SET body = excluded.body, rev = excluded.rev',
    ),
    removePool: db.prepare('UPDATE pools SET body = NULL, rev = ? WHERE space = ? AND name = ?'),
    saveAllocation: db.prepare(
      'INSERT INTO allocations (space, pool, owner, cidr, body, rev) VALUES (?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (space, pool, owner) DO UPDATE SET cidr = excluded.cidr, body = excluded.body, rev = excluded.rev',
    ),
    removeAllocation: db.prepare('UPDATE allocations SET cidr = NULL, body = NULL, rev = ? WHERE space = ? AND pool = ? AND owner = ?'),
    purgePools: db.prepare('DELETE FROM pools WHERE space = ? AND body IS NULL AND rev <= ?'),
    purgeAllocations: db.prepare('DELETE FROM allocations WHERE space = ? AND body IS NULL AND rev <= ?'),
    audit: db.prepare(
      auditByPool
        ? 'INSERT INTO audit (space, pool, rev, n, at, actor, action, owner, cidr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
        : 'SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE 0', // never run: commit refuses a read-only file first
    ),
    listAudit: db.prepare(
      `SELECT pool, at, actor, action, owner, cidr FROM audit WHERE space = ? AND pool = ? ORDER BY ${auditByPool ? 'rev DESC, n DESC' : 'id DESC'} LIMIT ?`,
    ),
  };
}
