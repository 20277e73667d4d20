/**
 * The engine over its embedded default store, SQLite (WAL), on this machine's disk:
 *   - one process: one caller awaiting each allocation (one commit each), and 256 concurrent
 *     callers (the engine commits what is queued in one transaction);
 *   - four processes on one file, 64 callers each (compare-and-swap between processes).
 * Each with synchronous=FULL (the default: an acknowledged allocation survives a power cut) and
 * NORMAL (IPAM_SQLITE_SYNC=normal: survives a crash of the process, may lose the last commits on
 * power loss). The baseline, measured in the same run on the same disk, is bare SQLite: one
 * one-row INSERT per transaction with the same settings, i.e. what the disk allows for commits.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { SqliteStore, SqliteSync } from '../../provider/src/store/sqlite';
import { Figure, Report, judge, round } from '../lib/figure';
import { RateSample, measureRate, median, progress } from '../lib/measure';
import { Shape, allocateConcurrently, enginePool } from '../lib/pools';
import { runWorkers } from '../lib/workers';
import type { SqliteWorkerArgs, SqliteWorkerResult } from '../workers/sqlite-allocator';

const POOL = '10.0.0.0/8';
const SHAPE: Shape = { kind: 'prefix', prefixLength: 28 };
const TARGET = 5_000;
const CLIENTS = 256;
const PROCESSES = 4;
const CLIENTS_PER_PROCESS = 64;
const PER_PROCESS = 5_000;
const PROCESS_RUNS = 3;
/** Operations per timed repetition: about half a second each at the rates seen here. */
const SEQUENTIAL_OPS: Record<SqliteSync, number> = { full: 1_000, normal: 4_000 };
const CONCURRENT_OPS = 20_000;
/** go-ipam's published figure on PostgreSQL, for context (not measured here). */
const GO_IPAM_POSTGRES = 331;

export async function run(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ipam-bench-sqlite-'));
  try {
    for (const sync of ['full', 'normal'] as const) {
      const bare = await measureBareCommits(join(dir, `bare-${sync}.db`), sync);
      progress(`${sync}: bare SQLite ${round(bare.median)} commits/s`);
      await singleProcess(report, join(dir, `single-${sync}.db`), sync, bare);
      await fourProcesses(report, join(dir, `four-${sync}.db`), sync, bare);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function singleProcess(report: Report, file: string, sync: SqliteSync, bare: RateSample): Promise<void> {
  const ipam = await enginePool(new SqliteStore(file, { synchronous: sync }), POOL);
  try {
    for (const clients of [1, CLIENTS]) {
      progress(`${sync}: one process, ${clients} caller(s)`);
      const ops = clients === 1 ? SEQUENTIAL_OPS[sync] : CONCURRENT_OPS;
      let rep = 0;
      const sample = await measureRate({ warmups: 1, reps: 3, opsPerRep: ops }, () =>
        allocateConcurrently(ipam, SHAPE, ops, `c${clients}-r${rep++}-`, clients),
      );
      report({
        figure: `sqlite-${sync}-${clients === 1 ? 'sequential' : 'concurrent'}`,
        value: round(sample.median),
        unit: 'allocations/s',
        ...judge(sample.median, { atLeast: TARGET }),
        ...versusBare(sample.median, bare),
        callers: clients,
        runs: sample.runs,
        repetitions: `1 warm-up + 3 timed of ${ops} allocations, median`,
        ...context(sync),
      });
    }
  } finally {
    await ipam.close();
  }
}

async function fourProcesses(report: Report, file: string, sync: SqliteSync, bare: RateSample): Promise<void> {
  const setup = await enginePool(new SqliteStore(file, { synchronous: sync }), POOL);
  await setup.close();
  progress(`${sync}: ${PROCESSES} processes on one file, ${CLIENTS_PER_PROCESS} callers each`);
  const rates: number[] = [];
  const errors: string[] = [];
  for (let run = 0; run < PROCESS_RUNS; run++) {
    const args: SqliteWorkerArgs[] = Array.from({ length: PROCESSES }, (_, p) => ({
      file,
      synchronous: sync,
      shape: SHAPE,
      owners: `run${run}-p${p}-`,
      count: PER_PROCESS,
      clients: CLIENTS_PER_PROCESS,
    }));
    const results = await runWorkers<SqliteWorkerResult>('sqlite-allocator', args);
    const seconds = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
    rates.push(results.reduce((sum, r) => sum + r.allocated, 0) / seconds);
    errors.push(...results.flatMap((r) => r.errors));
  }
  const issues = await consistencyIssues(file, sync);
  const rate = median(rates);
  report({
    figure: `sqlite-${sync}-${PROCESSES}-processes`,
    value: round(rate),
    unit: 'allocations/s',
    ...versusBare(rate, bare),
    processes: PROCESSES,
    callersPerProcess: CLIENTS_PER_PROCESS,
    runs: rates.map(Math.round),
    repetitions: `${PROCESS_RUNS} runs of ${PROCESSES} x ${PER_PROCESS} allocations, median; rate = all allocations / (last end - first start)`,
    failedAllocations: errors.length,
    ...(errors.length > 0 ? { firstErrors: errors.slice(0, 3) } : {}),
    consistency: issues.length === 0 ? 'ipam check: no overlaps, duplicates or strays' : issues,
    ...context(sync),
  });
}

/** Bare SQLite on the same disk: one one-row INSERT per BEGIN IMMEDIATE transaction. */
async function measureBareCommits(file: string, sync: SqliteSync): Promise<RateSample> {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${sync.toUpperCase()}`);
    db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
    const commit = db.transaction((body: string) => insert.run(body));
    const ops = SEQUENTIAL_OPS[sync];
    // Three warm-ups: a fresh file's WAL grows until its first checkpoint (1,000 pages, about
    // 1,000 of these commits), and appending commits are slower than the ones that reuse the
    // WAL afterwards (measured here: about 3,000 vs 6,000/s). The engine's figures run in that
    // steady state (their commits write several pages each), so the baseline must too.
    return await measureRate({ warmups: 3, reps: 3, opsPerRep: ops }, () => {
      for (let i = 0; i < ops; i++) commit.immediate(`{"pool":"bench","owner":"o${i}","cidr":"10.0.0.0/28"}`);
    });
  } finally {
    db.close();
  }
}

async function consistencyIssues(file: string, sync: SqliteSync): Promise<unknown[]> {
  const ipam = Ipam.create(new SqliteStore(file, { synchronous: sync }));
  try {
    const report = await ipam.check({ pool: 'bench' });
    const held = (await ipam.getPool({ pool: 'bench' })).stats.liveAllocations;
    const expected = PROCESS_RUNS * PROCESSES * PER_PROCESS;
    return held === expected ? report.issues : [...report.issues, `expected ${expected} live allocations, found ${held}`];
  } finally {
    await ipam.close();
  }
}

function versusBare(rate: number, bare: RateSample): Figure {
  return {
    baseline: round(bare.median),
    baselineName: 'bare SQLite commits/s on the same disk and settings (one one-row INSERT per transaction, WAL past its first checkpoint)',
    ratio: round(rate / bare.median),
  };
}

function context(sync: SqliteSync): Figure {
  return {
    synchronous: sync.toUpperCase(),
    durability:
      sync === 'full'
        ? 'default: an acknowledged allocation survives a power cut'
        : 'IPAM_SQLITE_SYNC=normal: survives a process crash; the last commits may be lost on power loss',
    pool: POOL,
    allocating: '/28 blocks',
    reference: `go-ipam on PostgreSQL publishes ${GO_IPAM_POSTGRES} allocations/s (not measured here)`,
  };
}
