/**
 * The engine over its embedded default store, SQLite (WAL), on this machine's disk:
 *   - one process: one caller awaiting each allocation (one commit each), and 256 concurrent
 *     callers (the engine commits what is queued in one transaction);
 *   - four processes on one file, 64 callers each (compare-and-swap between processes).
 * Each with synchronous=FULL (the default: an acknowledged allocation survives a power cut) and
 * NORMAL (IPAM_SQLITE_SYNC=normal: survives a crash of the process, may lose the last commits on
 * power loss). The baseline, measured in the same run on the same disk, is bare SQLite: one
 * one-row INSERT per transaction with the same settings, i.e. what the disk allows for commits.
 * One caller's figure alternates with it in slices of 50 (FULL) or 200 (NORMAL) commits
 * (measureInSlices): this disk's fsync latency moves several-fold within seconds (bare FULL
 * commits measured here from 300 to 9,500/s), so a baseline timed first would be compared
 * with another disk.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { AllocationRecord } from '../../provider/src/model/records';
import { SqliteStore, SqliteSync } from '../../provider/src/store/sqlite';
import { Figure, Report, judge, round } from '../lib/figure';
import { RateSample, measureInSlices, measureRate, median, progress } from '../lib/measure';
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
/** One caller's figure: timed repetitions, each alternating bare commits and allocations in slices (measureInSlices). */
const PAIRED_REPS = 5;
const SLICES = 20;
const CONCURRENT_OPS = 20_000;
/** go-ipam's published figure on PostgreSQL, for context (not measured here). */
const GO_IPAM_POSTGRES = 331;

export async function run(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ipam-bench-sqlite-'));
  try {
    for (const sync of ['full', 'normal'] as const) {
      const bare = openBareCommits(join(dir, `bare-${sync}.db`), sync);
      try {
        const baseline = await singleProcess(report, join(dir, `single-${sync}.db`), sync, bare);
        await storeDecomposition(report, join(dir, `single-${sync}.db`), sync, bare);
        progress(`${sync}: bare SQLite ${round(baseline.median)} commits/s`);
        await fourProcesses(report, join(dir, `four-${sync}.db`), sync, baseline);
      } finally {
        bare.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One caller alternated with bare commits, then 256 callers; returns the bare commits' rates, the baseline of the other figures. */
async function singleProcess(report: Report, file: string, sync: SqliteSync, bare: BareCommits): Promise<RateSample> {
  const ipam = await enginePool(new SqliteStore(file, { synchronous: sync }), POOL);
  try {
    progress(`${sync}: one process, 1 caller, alternating with bare commits`);
    const ops = SEQUENTIAL_OPS[sync];
    let slice = 0;
    const paired = await measureInSlices(
      { warmups: 1, reps: PAIRED_REPS, opsPerRep: ops, slices: SLICES },
      (count) => allocateConcurrently(ipam, SHAPE, count, `c1-s${slice++}-`, 1),
      (count) => bare.commit(count),
    );
    report({
      figure: `sqlite-${sync}-sequential`,
      value: round(paired.measured.median),
      unit: 'allocations/s',
      ...judge(paired.measured.median, { atLeast: TARGET }),
      ...versusBare(paired.ratio, paired.baseline),
      ratioOf: 'median over the repetitions of allocations/s divided by bare commits/s, both timed in the same alternating slices',
      ratios: paired.ratios.map(round),
      callers: 1,
      runs: paired.measured.runs,
      repetitions: `1 warm-up + ${PAIRED_REPS} timed of ${ops} allocations and ${ops} bare commits, alternating in slices of ${ops / SLICES}, median`,
      ...context(sync),
    });
    progress(`${sync}: one process, ${CLIENTS} callers`);
    const sample = await measureRate({ warmups: 1, reps: 3, opsPerRep: CONCURRENT_OPS }, () =>
      allocateConcurrently(ipam, SHAPE, CONCURRENT_OPS, `c${CLIENTS}-r${slice++}-`, CLIENTS),
    );
    report({
      figure: `sqlite-${sync}-concurrent`,
      value: round(sample.median),
      unit: 'allocations/s',
      ...judge(sample.median, { atLeast: TARGET }),
      ...versusBare(sample.median / paired.baseline.median, paired.baseline),
      callers: CLIENTS,
      runs: sample.runs,
      repetitions: `1 warm-up + 3 timed of ${CONCURRENT_OPS} allocations, median`,
      ...context(sync),
    });
    return paired.baseline;
  } finally {
    await ipam.close();
  }
}

/**
 * Where a lone caller's time goes: the store's own commit of one allocation (its rows, the
 * version swap and the audit event, as SqliteStore writes them, without the engine) against
 * bare one-row commits, and the engine's one caller against that. The first is what the schema
 * costs on this disk; the second what the engine adds to it.
 */
async function storeDecomposition(report: Report, file: string, sync: SqliteSync, bare: BareCommits): Promise<void> {
  const ipam = Ipam.create(new SqliteStore(file, { synchronous: sync }));
  const storeAlone = await openStoreCommits(file, sync);
  try {
    const options = { warmups: 1, reps: PAIRED_REPS, opsPerRep: SEQUENTIAL_OPS[sync], slices: SLICES };
    progress(`${sync}: the store alone, alternating with bare commits`);
    const schema = await measureInSlices(options, (count) => storeAlone.commit(count), (count) => bare.commit(count));
    report({
      figure: `sqlite-${sync}-store-alone-vs-bare`,
      value: round(schema.ratio),
      unit: 'ratio',
      ...versusBare(schema.ratio, schema.baseline),
      storeCommitsPerSecond: round(schema.measured.median),
      level: 'SqliteStore.commit of one allocation (its row, the space version, its audit event) per transaction, no engine',
      ratioOf: 'median over the repetitions of store commits/s divided by bare commits/s, timed in the same alternating slices',
      ratios: schema.ratios.map(round),
      ...context(sync),
    });
    progress(`${sync}: one caller, alternating with the store alone`);
    let slice = 0;
    const engine = await measureInSlices(
      options,
      (count) => allocateConcurrently(ipam, SHAPE, count, `alone-s${slice++}-`, 1),
      (count) => storeAlone.commit(count),
    );
    report({
      figure: `sqlite-${sync}-sequential-vs-store-alone`,
      value: round(engine.ratio),
      unit: 'ratio',
      baseline: round(engine.baseline.median),
      baselineName: 'SqliteStore.commit of one allocation per transaction without the engine, on the same disk and settings, timed in the same alternating slices',
      ratio: round(engine.ratio),
      ratios: engine.ratios.map(round),
      allocationsPerSecond: round(engine.measured.median),
      ...context(sync),
    });
  } finally {
    await storeAlone.close();
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
    ...versusBare(rate / bare.median, bare),
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

interface BareCommits {
  /** `count` commits, one one-row INSERT per BEGIN IMMEDIATE transaction. */
  commit(count: number): void;
  close(): void;
}

/** Bare SQLite on the same disk and settings, past its first checkpoint. */
function openBareCommits(file: string, sync: SqliteSync): BareCommits {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync.toUpperCase()}`);
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
  const one = db.transaction((body: string) => insert.run(body));
  const commit = (count: number): void => {
    for (let i = 0; i < count; i++) one.immediate(`{"pool":"bench","owner":"o${i}","cidr":"10.0.0.0/28"}`);
  };
  // A fresh file's WAL grows until its first checkpoint (1,000 pages, about 1,000 of these
  // commits), and appending commits are slower than the ones that reuse the WAL afterwards
  // (measured here: about 3,000 vs 6,000/s). The engine's figures run in that steady state
  // (their commits write several pages each), so the baseline must too.
  commit(3 * SEQUENTIAL_OPS[sync]);
  return { commit, close: () => db.close() };
}

const STORE_ALONE_SPACE = 'store-alone';

interface StoreCommits {
  /** `count` allocations committed straight through SqliteStore.commit, one per transaction. */
  commit(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * SqliteStore without the engine: each commit saves one allocation record and its audit event
 * at the next version, the writes an engine's allocation makes. In a space of its own on the
 * engine's file, so both write into the same tables and indexes, as large, through the same WAL.
 */
async function openStoreCommits(file: string, sync: SqliteSync): Promise<StoreCommits> {
  const store = new SqliteStore(file, { synchronous: sync });
  let version = (await store.read(STORE_ALONE_SPACE)).version;
  let n = 0;
  const commit = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++, n++) {
      const at = new Date().toISOString();
      // Distinct /28s of 10.0.0.0/8 (the unique-block index holds them to that).
      const allocation: AllocationRecord = {
        pool: 'bench', owner: `alone-${n}`, cidr: `10.${(n >> 12) & 255}.${(n >> 4) & 255}.${(n & 15) << 4}/28`,
        kind: 'prefix', status: 'allocated', allocatedAt: at, creator: 'bench',
      };
      const result = await store.commit({
        space: STORE_ALONE_SPACE,
        expectedVersion: version,
        writes: [{ type: 'saveAllocation', allocation }],
        audit: [{ at, pool: 'bench', action: 'allocate', actor: 'bench', owner: allocation.owner, cidr: allocation.cidr }],
      });
      if (!result.ok) throw new Error(`the store alone lost its compare-and-swap at version ${version}: nothing else writes ${file}`);
      version = result.version;
    }
  };
  await commit(3 * SEQUENTIAL_OPS[sync]);
  return { commit, close: () => store.close() };
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

function versusBare(ratio: number, bare: RateSample): Figure {
  return {
    baseline: round(bare.median),
    baselineName: 'bare SQLite commits/s on the same disk and settings (one one-row INSERT per transaction, WAL past its first checkpoint)',
    ratio: round(ratio),
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
