/**
 * The engine over PostgreSQL on a throwaway, durable cluster (fsync on; test/support/postgres.ts
 * starts it as the tests do): one caller awaiting each allocation (one transaction each), and
 * 256 concurrent callers (the engine commits what is queued in one transaction). The baseline,
 * measured in the same run on the same server: bare one-row transactions from one client, each
 * a single prepared INSERT in autocommit (one round trip, one durable commit: the cheapest
 * transaction there is), i.e. what the server allows for durable commits. The lone caller and
 * the bare transactions are timed in the same alternating slices of 50 (measureInSlices), as
 * the SQLite figures are: a baseline timed before the figure met another moment of the disk.
 */
import { Client } from 'pg';
import { openStore } from '../../provider/src/backends/open-store';
import { postgresBinDir, startCluster } from '../../test/support/postgres';
import { Figure, Report, judge, round } from '../lib/figure';
import { RateSample, measureInSlices, measureRate, progress } from '../lib/measure';
import { Shape, allocateConcurrently, enginePool } from '../lib/pools';

const POOL = '10.0.0.0/8';
const SHAPE: Shape = { kind: 'prefix', prefixLength: 28 };
const SEQUENTIAL_OPS = 500;
/** The lone caller's figure: timed repetitions, each alternating bare transactions and allocations in slices. */
const PAIRED_REPS = 5;
const SLICES = 10;
const CONCURRENT_OPS = 10_000;
const CLIENTS = 256;
/** One caller's rate as a share of bare one-row transactions. */
const SHARE_TARGET = 0.5;

export async function run(report: Report): Promise<void> {
  if (postgresBinDir() === undefined) {
    progress('PostgreSQL binaries absent: no postgres figures (apt-get install -y postgresql)');
    return;
  }
  const cluster = await startCluster({ durable: true });
  try {
    const bare = await openBareTransactions(await cluster.createDatabase('bench_bare'));
    const ipam = await enginePool(await openStore({ type: 'postgres', url: await cluster.createDatabase('bench_engine') }), POOL);
    try {
      progress('engine on PostgreSQL, 1 caller, alternating with bare transactions');
      let slice = 0;
      const paired = await measureInSlices(
        { warmups: 1, reps: PAIRED_REPS, opsPerRep: SEQUENTIAL_OPS, slices: SLICES },
        (count) => allocateConcurrently(ipam, SHAPE, count, `c1-s${slice++}-`, 1),
        (count) => bare.commit(count),
      );
      progress(`bare PostgreSQL: ${round(paired.baseline.median)} one-row transactions/s`);
      report({
        ...figure('sequential', paired.measured, paired.baseline, paired.ratio, 1),
        ...judge(paired.ratio, { atLeast: SHARE_TARGET }),
        targetOf: 'ratio',
        ratioOf: 'median over the repetitions of allocations/s divided by bare transactions/s, both timed in the same alternating slices',
        ratios: paired.ratios.map(round),
        repetitions: `1 warm-up + ${PAIRED_REPS} timed of ${SEQUENTIAL_OPS} allocations and ${SEQUENTIAL_OPS} bare transactions, alternating in slices of ${SEQUENTIAL_OPS / SLICES}, median`,
      });
      progress(`engine on PostgreSQL, ${CLIENTS} callers`);
      const sample = await measureRate({ warmups: 1, reps: 3, opsPerRep: CONCURRENT_OPS }, () =>
        allocateConcurrently(ipam, SHAPE, CONCURRENT_OPS, `c${CLIENTS}-r${slice++}-`, CLIENTS),
      );
      report({
        ...figure('concurrent', sample, paired.baseline, sample.median / paired.baseline.median, CLIENTS),
        repetitions: `1 warm-up + 3 timed of ${CONCURRENT_OPS} allocations, median`,
      });
    } finally {
      await ipam.close();
      await bare.close();
    }
  } finally {
    cluster.stop();
  }
}

function figure(kind: 'sequential' | 'concurrent', sample: RateSample, bare: RateSample, ratio: number, callers: number): Figure {
  return {
    figure: `postgres-${kind}`,
    value: round(sample.median),
    unit: 'allocations/s',
    baseline: round(bare.median),
    baselineName: 'bare PostgreSQL one-row transactions/s (one INSERT in autocommit) on the same server, same run, timed in slices alternating with the lone caller',
    ratio: round(ratio),
    callers,
    runs: sample.runs,
    durability: 'PostgreSQL, fsync on, one transaction per commit',
    pool: POOL,
    allocating: '/28 blocks',
  };
}

interface BareTransactions {
  /** `count` one-row INSERTs, each its own transaction (autocommit): one round trip, one durable commit. */
  commit(count: number): Promise<void>;
  close(): Promise<void>;
}

async function openBareTransactions(url: string): Promise<BareTransactions> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE rows (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)');
  let n = 0;
  return {
    commit: async (count) => {
      for (let i = 0; i < count; i++, n++) {
        // Named, as the store's commit is: parsed once, not on every transaction.
        await client.query({ name: 'bare_insert', text: 'INSERT INTO rows (body) VALUES ($1)', values: [`{"pool":"bench","owner":"o${n}","cidr":"10.0.0.0/28"}`] });
      }
    },
    close: () => client.end(),
  };
}
