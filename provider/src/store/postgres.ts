import { Pool, PoolClient } from 'pg';
import { AllocationRecord, AuditEvent, PoolRecord } from '../model/records';
import { migrate } from './postgres/migrations';
import { CommitRequest, CommitResult, SpaceRead, Store, StoreWrite, emptySpace } from './store';

/**
 * PostgreSQL, for the HTTP service and its replicas: the same ledger model as the SQLite
 * store (versions per space, rows stamped with the version that wrote them, tombstones for
 * delta reads, history purged after HISTORY versions), made safe for many writers by the
 * database itself:
 *   - a commit is one transaction whose first statement is the compare-and-swap on the space
 *     row (`UPDATE ... WHERE version = expected`); the row lock it takes makes concurrent
 *     commits of one space queue, and each re-checks the version once the lock is free;
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
  return new PostgresStore(pool);
}

export class PostgresStore implements Store {
  readonly kind = 'postgres';

  constructor(private readonly pool: Pool) {}

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
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const version = await this.swapVersion(client, request);
      if (version === undefined) {
        await client.query('ROLLBACK');
        const { rows } = await client.query<{ version: string }>('SELECT version FROM ipam_spaces WHERE name = $1', [request.space]);
        return { ok: false, version: rows.length === 0 ? 0 : Number(rows[0].version) };
      }
      await applyWrites(client, request.space, version, request.writes);
      if (request.audit.length > 0) await insertAudit(client, request.space, request.audit);
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

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  /** The compare-and-swap: the new version if the space was at the expected one, else undefined. */
  private async swapVersion(client: PoolClient, request: CommitRequest): Promise<number | undefined> {
    const { rows } =
      request.expectedVersion === 0
        ? await client.query<{ version: string }>(
            'INSERT INTO ipam_spaces (name, version) VALUES ($1, 1) ON CONFLICT (name) DO NOTHING RETURNING version',
            [request.space],
          )
        : await client.query<{ version: string }>(
            'UPDATE ipam_spaces SET version = version + 1 WHERE name = $1 AND version = $2 RETURNING version',
            [request.space, request.expectedVersion],
          );
    return rows.length === 0 ? undefined : Number(rows[0].version);
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

/**
 * Applies a commit's writes in order with as few statements as possible: each run of
 * consecutive writes of one kind, touching distinct rows, becomes one statement over arrays
 * whose rows are applied in their order (WITH ORDINALITY ... ORDER BY), which is the same as
 * applying them one by one; the exclusion constraint is checked row by row either way. A
 * round trip per row is what limited throughput, not the database's work.
 */
async function applyWrites(client: PoolClient, space: string, version: number, writes: StoreWrite[]): Promise<void> {
  for (const run of runsOfOneKind(writes)) {
    switch (run[0].type) {
      case 'putPool': {
        const pools = run.map((w) => (w as Extract<StoreWrite, { type: 'putPool' }>).pool);
        await client.query(
          `INSERT INTO ipam_pools (space, name, body, rev)
           SELECT $1, u.name, u.body, $2 FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS u(name, body, n) ORDER BY u.n
           ON CONFLICT (space, name) DO UPDATE SET body = excluded.body, rev = excluded.rev`,
          [space, version, pools.map((p) => p.name), pools.map((p) => JSON.stringify(p))],
        );
        break;
      }
      case 'deletePool':
        await client.query('UPDATE ipam_pools SET body = NULL, rev = $1 WHERE space = $2 AND name = ANY($3::text[])', [
          version,
          space,
          run.map((w) => (w as Extract<StoreWrite, { type: 'deletePool' }>).name),
        ]);
        break;
      case 'putAllocation': {
        const rows = run.map((w) => (w as Extract<StoreWrite, { type: 'putAllocation' }>).allocation);
        await client.query(
          `INSERT INTO ipam_allocations (space, pool, owner, cidr, body, rev)
           SELECT $1, u.pool, u.owner, u.cidr::cidr, u.body, $2
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(pool, owner, cidr, body, n) ORDER BY u.n
           ON CONFLICT (space, pool, owner) DO UPDATE SET cidr = excluded.cidr, body = excluded.body, rev = excluded.rev`,
          [space, version, rows.map((a) => a.pool), rows.map((a) => a.owner), rows.map((a) => a.cidr), rows.map((a) => JSON.stringify(a))],
        );
        break;
      }
      case 'deleteAllocation': {
        const keys = run.map((w) => w as Extract<StoreWrite, { type: 'deleteAllocation' }>);
        await client.query(
          `UPDATE ipam_allocations SET cidr = NULL, body = NULL, rev = $1
           WHERE space = $2 AND (pool, owner) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
          [version, space, keys.map((k) => k.pool), keys.map((k) => k.owner)],
        );
        break;
      }
    }
  }
}

/** Splits writes into runs of one kind with no row twice (a second write to a row starts a new run). */
function runsOfOneKind(writes: StoreWrite[]): StoreWrite[][] {
  const runs: StoreWrite[][] = [];
  let rows = new Set<string>();
  for (const write of writes) {
    const row = write.type === 'putPool' ? `p ${write.pool.name}` : write.type === 'deletePool' ? `p ${write.name}` : write.type === 'putAllocation' ? `a ${JSON.stringify([write.allocation.pool, write.allocation.owner])}` : `a ${JSON.stringify([write.pool, write.owner])}`;
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

/** All audit events of a commit in one statement; WITH ORDINALITY keeps their order in the ids. */
async function insertAudit(client: PoolClient, space: string, events: AuditEvent[]): Promise<void> {
  await client.query(
    `INSERT INTO ipam_audit (space, pool, at, actor, action, owner, cidr)
     SELECT $1, e.pool, e.at, e.actor, e.action, e.owner, e.cidr
     FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
       AS e(pool, at, actor, action, owner, cidr, n)
     ORDER BY e.n`,
    [
      space,
      events.map((e) => e.pool),
      events.map((e) => e.at),
      events.map((e) => e.actor),
      events.map((e) => e.action),
      events.map((e) => e.owner ?? null),
      events.map((e) => e.cidr ?? null),
    ],
  );
}

async function purgeHistory(client: PoolClient, space: string, horizon: number): Promise<void> {
  await client.query('DELETE FROM ipam_pools WHERE space = $1 AND body IS NULL AND rev <= $2', [space, horizon]);
  await client.query('DELETE FROM ipam_allocations WHERE space = $1 AND body IS NULL AND rev <= $2', [space, horizon]);
  await client.query('UPDATE ipam_spaces SET history_from = $1 WHERE name = $2', [horizon, space]);
}
