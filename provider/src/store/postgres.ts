import { createHash } from 'node:crypto';
import { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { BackendInfo } from '../model/api';
import { AllocationRecord, AuditEvent, PoolRecord } from '../model/records';
import { migrate } from './postgres/migrations';
import { CommitRequest, CommitResult, SpaceRead, Store, StoreWrite, emptySpace } from '../engine/store';

/**
 * PostgreSQL, for the HTTP service and its replicas: the same ledger model as the SQLite
 * store (versions per space, rows stamped with the version that wrote them, tombstones for
 * delta reads, history purged after HISTORY versions), made safe for many writers by the
 * database itself:
 *   - a commit is one transaction whose first step is the compare-and-swap on the space row
 *     (`UPDATE ... WHERE version = expected`); the row lock it takes makes concurrent commits
 *     of one space queue, and each re-checks the version once the lock is free. The usual
 *     commit is a single statement whose writes happen only if the swap returned its row;
 *     others (several runs of writes, a history purge) are BEGIN, statements, COMMIT;
 *   - a read is one statement, so it sees one snapshot: never half of another commit;
 *   - an exclusion constraint refuses two live overlapping blocks in a space (migrations.ts).
 *
 * BIGINT columns come back from node-postgres as strings; they are converted with Number()
 * (versions stay far below 2^53).
 */
const HISTORY = 1024;

export interface PostgresConfig {
  url: string;
  /** Connections kept open; the engine batches, so a few go a long way. */
  maxConnections?: number;
}

export async function openPostgresStore(config: PostgresConfig): Promise<Store> {
  const pool = new Pool({ connectionString: config.url, max: config.maxConnections ?? 8, connectionTimeoutMillis: 10_000 });
  // An idle connection that dies (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }
  return new PostgresStore(pool, describeUrl(config.url));
}

/** `the PostgreSQL database ipam on db.internal:5432`: the URL without its credentials. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `the PostgreSQL database ${decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)'} on ${u.host || 'the local socket'}`;
  } catch {
    return 'a PostgreSQL database';
  }
}

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  /** Whether the usual commit goes as a named (server-prepared) statement; see usual(). */
  private prepares = true;

  constructor(
    private readonly pool: Pool,
    private readonly location = 'a PostgreSQL database',
  ) {}

  async read(space: string, since?: number): Promise<SpaceRead> {
    const { rows } = await this.pool.query<{ kind: string; pool: string | null; name: string | null; body: string | null; version: string | null; delta: boolean | null }>(
      READ_SPACE,
      [space, since ?? null],
    );
    const head = rows.find((r) => r.kind === 'space');
    if (head === undefined) return emptySpace();
    const read = emptySpace(Number(head.version));
    read.full = head.delta !== true;
    for (const r of rows) {
      if (r.kind === 'pool') {
        if (r.body === null) read.deletedPools.push(r.name!);
        else read.pools.push(JSON.parse(r.body) as PoolRecord);
      } else if (r.kind === 'allocation') {
        if (r.body === null) read.deletedAllocations.push({ pool: r.pool!, owner: r.name! });
        else read.allocations.push(JSON.parse(r.body) as AllocationRecord);
      }
    }
    return read;
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const version = request.expectedVersion + 1;
    const runs = runsOfOneKind(request.writes);
    // The usual commit (one run of writes, no history to purge) is one statement: one round
    // trip instead of five (BEGIN, swap, writes, audit, COMMIT), atomic on its own.
    if (runs.length <= 1 && version % HISTORY !== 0) {
      const q = new Sql();
      const steps = [`cas AS (${swapSql(q, request)})`];
      for (const run of runs) steps.push(`writes AS (${writeSql(q, request.space, version, run, SWAPPED)})`);
      if (request.audit.length > 0) steps.push(`audit AS (${auditSql(q, request.space, request.audit, SWAPPED)})`);
      const text = `WITH ${steps.join(',\n')}\nSELECT version FROM cas`;
      const { rows } = await this.usual<{ version: string }>(text, q.values);
      if (rows.length === 0) return { ok: false, version: await this.currentVersion(this.pool, request.space) };
      return { ok: true, version: Number(rows[0].version) };
    }
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      if ((await run(client, (q) => swapSql(q, request))).rows.length === 0) {
        await client.query('ROLLBACK');
        return { ok: false, version: await this.currentVersion(client, request.space) };
      }
      for (const writes of runs) await run(client, (q) => writeSql(q, request.space, version, writes, 'TRUE'));
      if (request.audit.length > 0) await run(client, (q) => auditSql(q, request.space, request.audit, 'TRUE'));
      if (version % HISTORY === 0) await purgeHistory(client, request.space, version - HISTORY);
      await client.query('COMMIT');
      return { ok: true, version };
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw e;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: destroy it, never reuse it.
      client.release(broken);
    }
  }

  async listSpaces(): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>('SELECT name FROM ipam_spaces ORDER BY name COLLATE "C"');
    return rows.map((r) => r.name);
  }

  async listAudit(space: string, pool: string, limit: number): Promise<AuditEvent[]> {
    const { rows } = await this.pool.query<{ at: Date; pool: string; action: AuditEvent['action']; actor: string; owner: string | null; cidr: string | null }>(
      'SELECT pool, at, actor, action, owner, cidr FROM ipam_audit WHERE space = $1 AND pool = $2 ORDER BY id DESC LIMIT $3',
      [space, pool, limit],
    );
    return rows.map((r) => {
      const event: AuditEvent = { at: r.at.toISOString(), pool: r.pool, action: r.action, actor: r.actor };
      if (r.owner !== null) event.owner = r.owner;
      if (r.cidr !== null) event.cidr = r.cidr;
      return event;
    });
  }

  async identity(): Promise<BackendInfo> {
    const { rows } = await this.pool.query<{ value: string }>("SELECT value FROM ipam_meta WHERE key = 'backend_id'");
    return { id: rows[0].value, kind: this.kind, location: this.location };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  /**
   * The one-statement commit, as a named statement: the server parses it once per connection
   * rather than on every commit, and after five runs may keep one generic plan for it (a lone
   * caller's allocations: 1,420 -> 1,800/s here). Its text depends only on the commit's shape,
   * never on the number of rows, which travel as arrays; its name is a digest of its text
   * (statementName). A connection pooler in transaction mode that does not track prepared
   * statements (PgBouncer before 1.21, or 1.21 to 1.23 at its default max_prepared_statements
   * = 0) hands each statement to any server connection, which may not hold it (26000) or may
   * hold it already (42P05); both refuse it before running it, so the store sends it again
   * unnamed and from then on names nothing.
   */
  private async usual<R extends QueryResultRow>(text: string, values: unknown[]): Promise<QueryResult<R>> {
    if (this.prepares) {
      try {
        return await this.pool.query<R>({ name: statementName(text), text, values });
      } catch (e) {
        if (!refusedPreparedStatement(e)) throw e;
        this.prepares = false;
      }
    }
    return this.pool.query<R>(text, values);
  }

  /** The space's version now, after a lost compare-and-swap. */
  private async currentVersion(db: Pool | PoolClient, space: string): Promise<number> {
    const { rows } = await db.query<{ version: string }>('SELECT version FROM ipam_spaces WHERE name = $1', [space]);
    return rows.length === 0 ? 0 : Number(rows[0].version);
  }
}

/**
 * The whole space, or what changed after $2 when the history still reaches back that far, in
 * one statement (one snapshot). The first row describes the space; none when it was never written.
 * The delta and the whole-space branches are separate, each gated by s.delta: a condition that
 * chose between them row by row (CASE) kept the planner off the (space, rev) index, so every
 * delta read, one per engine batch, scanned every allocation of the space.
 */
const READ_SPACE = `
  WITH s AS (
    SELECT version, ($2::bigint IS NOT NULL AND $2::bigint BETWEEN history_from AND version) AS delta
    FROM ipam_spaces WHERE name = $1
  )
  SELECT 'space' AS kind, NULL::text AS pool, NULL::text AS name, NULL::text AS body, s.version, s.delta FROM s
  UNION ALL
  SELECT 'pool', NULL, p.name, p.body, NULL, NULL FROM s JOIN ipam_pools p ON p.space = $1 AND p.rev > $2::bigint WHERE s.delta
  UNION ALL
  SELECT 'pool', NULL, p.name, p.body, NULL, NULL FROM s JOIN ipam_pools p ON p.space = $1 AND p.body IS NOT NULL WHERE NOT s.delta
  UNION ALL
  SELECT 'allocation', a.pool, a.owner, a.body, NULL, NULL FROM s JOIN ipam_allocations a ON a.space = $1 AND a.rev > $2::bigint WHERE s.delta
  UNION ALL
  SELECT 'allocation', a.pool, a.owner, a.body, NULL, NULL FROM s JOIN ipam_allocations a ON a.space = $1 AND a.body IS NOT NULL WHERE NOT s.delta`;

/** SQL text and its parameters, built together: param() adds a value and gives its placeholder. */
class Sql {
  readonly values: unknown[] = [];

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A statement's name, a digest of its text: the same name can never stand for two texts, not
 * even across releases whose replicas share a pooler's server connections. A commit has a few
 * shapes, so the names are worked out once each.
 */
function statementName(text: string): string {
  let name = STATEMENT_NAMES.get(text);
  if (name === undefined) {
    name = `ipam_commit_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    STATEMENT_NAMES.set(text, name);
  }
  return name;
}

const STATEMENT_NAMES = new Map<string, string>();

/** The server did not run a named statement: it did not hold it (26000), or held one of that name already (42P05). */
function refusedPreparedStatement(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '26000' || code === '42P05';
}

/** Runs one statement built by `build` on the transaction's connection. */
function run(client: PoolClient, build: (q: Sql) => string): Promise<QueryResult> {
  const q = new Sql();
  const text = build(q);
  return client.query(text, q.values);
}

/**
 * In the one-statement commit, what lets a write happen: the compare-and-swap (the `cas` step)
 * returned its row. Reading cas's output also makes it run before the writes, so a lost swap
 * writes nothing (and trips no constraint) and the engine can catch up and decide again.
 */
const SWAPPED = 'EXISTS (SELECT FROM cas)';

/** The compare-and-swap: returns one row, the new version, if the space was at the expected one. */
function swapSql(q: Sql, request: CommitRequest): string {
  const space = q.param(request.space);
  return request.expectedVersion === 0
    ? `INSERT INTO ipam_spaces (name, version) VALUES (${space}, 1) ON CONFLICT (name) DO NOTHING RETURNING version`
    : `UPDATE ipam_spaces SET version = version + 1 WHERE name = ${space} AND version = ${q.param(request.expectedVersion)} RETURNING version`;
}

/**
 * One statement for a run of consecutive writes of one kind touching distinct rows (see
 * runsOfOneKind), over arrays whose rows are applied in their order (WITH ORDINALITY ... ORDER
 * BY), which is the same as applying them one by one; the exclusion constraint is checked row
 * by row either way. A round trip per row is what limited throughput, not the database's work.
 * It writes only where `gate` holds.
 */
function writeSql(q: Sql, space: string, version: number, run: StoreWrite[], gate: string): string {
  switch (run[0].type) {
    case 'savePool': {
      const pools = run.map((w) => (w as Extract<StoreWrite, { type: 'savePool' }>).pool);
      return `INSERT INTO ipam_pools (space, name, body, rev)
        SELECT ${q.param(space)}, u.name, u.body, ${q.param(version)}
        FROM unnest(${q.param(pools.map((p) => p.name))}::text[], ${q.param(pools.map((p) => JSON.stringify(p)))}::text[]) WITH ORDINALITY AS u(name, body, n)
        WHERE ${gate} ORDER BY u.n
        ON CONFLICT (space, name) DO UPDATE SET body = excluded.body, rev = excluded.rev`;
    }
    case 'removePool': {
      const names = run.map((w) => (w as Extract<StoreWrite, { type: 'removePool' }>).name);
      return `UPDATE ipam_pools SET body = NULL, rev = ${q.param(version)}
        WHERE space = ${q.param(space)} AND name = ANY(${q.param(names)}::text[]) AND ${gate}`;
    }
    case 'saveAllocation': {
      const rows = run.map((w) => (w as Extract<StoreWrite, { type: 'saveAllocation' }>).allocation);
      return `INSERT INTO ipam_allocations (space, pool, owner, cidr, body, rev)
        SELECT ${q.param(space)}, u.pool, u.owner, u.cidr::cidr, u.body, ${q.param(version)}
        FROM unnest(${q.param(rows.map((a) => a.pool))}::text[], ${q.param(rows.map((a) => a.owner))}::text[],
          ${q.param(rows.map((a) => a.cidr))}::text[], ${q.param(rows.map((a) => JSON.stringify(a)))}::text[]) WITH ORDINALITY AS u(pool, owner, cidr, body, n)
        WHERE ${gate} ORDER BY u.n
        ON CONFLICT (space, pool, owner) DO UPDATE SET cidr = excluded.cidr, body = excluded.body, rev = excluded.rev`;
    }
    case 'removeAllocation': {
      const keys = run.map((w) => w as Extract<StoreWrite, { type: 'removeAllocation' }>);
      return `UPDATE ipam_allocations SET cidr = NULL, body = NULL, rev = ${q.param(version)}
        WHERE space = ${q.param(space)} AND (pool, owner) IN (SELECT * FROM unnest(${q.param(keys.map((k) => k.pool))}::text[], ${q.param(keys.map((k) => k.owner))}::text[]))
          AND ${gate}`;
    }
  }
}

/** Splits writes into runs of one kind with no row twice (a second write to a row starts a new run). */
function runsOfOneKind(writes: StoreWrite[]): StoreWrite[][] {
  const runs: StoreWrite[][] = [];
  let rows = new Set<string>();
  for (const write of writes) {
    const row = write.type === 'savePool' ? `p ${write.pool.name}` : write.type === 'removePool' ? `p ${write.name}` : write.type === 'saveAllocation' ? `a ${JSON.stringify([write.allocation.pool, write.allocation.owner])}` : `a ${JSON.stringify([write.pool, write.owner])}`;
    const current = runs[runs.length - 1];
    if (current === undefined || current[0].type !== write.type || rows.has(row)) {
      runs.push([write]);
      rows = new Set([row]);
    } else {
      current.push(write);
      rows.add(row);
    }
  }
  return runs;
}

/** All audit events of a commit in one statement, where `gate` holds; WITH ORDINALITY keeps their order in the ids. */
function auditSql(q: Sql, space: string, events: AuditEvent[], gate: string): string {
  return `INSERT INTO ipam_audit (space, pool, at, actor, action, owner, cidr)
    SELECT ${q.param(space)}, e.pool, e.at, e.actor, e.action, e.owner, e.cidr
    FROM unnest(${q.param(events.map((e) => e.pool))}::text[], ${q.param(events.map((e) => e.at))}::timestamptz[], ${q.param(events.map((e) => e.actor))}::text[],
      ${q.param(events.map((e) => e.action))}::text[], ${q.param(events.map((e) => e.owner ?? null))}::text[], ${q.param(events.map((e) => e.cidr ?? null))}::text[])
      WITH ORDINALITY AS e(pool, at, actor, action, owner, cidr, n)
    WHERE ${gate} ORDER BY e.n`;
}

async function purgeHistory(client: PoolClient, space: string, horizon: number): Promise<void> {
  await client.query('DELETE FROM ipam_pools WHERE space = $1 AND body IS NULL AND rev <= $2', [space, horizon]);
  await client.query('DELETE FROM ipam_allocations WHERE space = $1 AND body IS NULL AND rev <= $2', [space, horizon]);
  await client.query('UPDATE ipam_spaces SET history_from = $1 WHERE name = $2', [horizon, space]);
}
