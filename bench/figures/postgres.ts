/**
 * The engine over PostgreSQL on a throwaway, durable cluster (fsync on; test/support/postgres.ts
 * starts it as the tests do): one caller awaiting each allocation (one transaction each), and
 * 256 concurrent callers (the engine commits what is queued in one transaction). The baseline,
 * measured in the same run on the same server: bare one-row transactions from one client, each
 * a single INSERT in autocommit (one round trip, one durable commit: the cheapest transaction
 * there is), i.e. what the server allows for durable commits.
 */
import { Client } from 'pg';
import { openStore } from '../../provider/src/backends/open-store';
import { postgresBinDir, startCluster } from '../../test/support/postgres';
import { Report, judge, round } from '../lib/figure';
import { RateSample, measureRate, progress } from '../lib/measure';
import { Shape, allocateConcurrently, enginePool } from '../lib/pools';

const POOL = '10.0.0.0/8';
const SHAPE: Shape = { kind: 'prefix', prefixLength: 28 };
const SEQUENTIAL_OPS = 500;
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
    const bare = await measureBare(await cluster.createDatabase('bench_bare'));
    progress(`bare PostgreSQL: ${round(bare.median)} one-row transactions/s`);
    const ipam = await enginePool(await openStore({ type: 'postgres', url: await cluster.createDatabase('bench_engine') }), POOL);
    try {
      for (const clients of [1, CLIENTS]) {
        progress(`engine on PostgreSQL, ${clients} caller(s)`);
        const ops = clients === 1 ? SEQUENTIAL_OPS : CONCURRENT_OPS;
        let rep = 0;
        const sample = await measureRate({ warmups: 1, reps: 3, opsPerRep: ops }, () =>
          allocateConcurrently(ipam, SHAPE, ops, `c${clients}-r${rep++}-`, clients),
        );
        const share = sample.median / bare.median;
        report({
          figure: `postgres-${clients === 1 ? 'sequential' : 'concurrent'}`,
          value: round(sample.median),
          unit: 'allocations/s',
          ...(clients === 1 ? judge(share, { atLeast: SHARE_TARGET }) : {}),
          ...(clients === 1 ? { targetOf: 'ratio' } : {}),
          baseline: round(bare.median),
          baselineName: 'bare PostgreSQL one-row transactions/s (one INSERT in autocommit) on the same server, same run',
          ratio: round(share),
          callers: clients,
          runs: sample.runs,
          repetitions: `1 warm-up + 3 timed of ${ops} allocations, median`,
          durability: 'PostgreSQL, fsync on, one transaction per commit',
          pool: POOL,
          allocating: '/28 blocks',
        });
      }
    } finally {
      await ipam.close();
    }
  } finally {
    cluster.stop();
  }
}

async function measureBare(url: string): Promise<RateSample> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE rows (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)');
    return await measureRate({ warmups: 1, reps: 3, opsPerRep: SEQUENTIAL_OPS }, async () => {
      for (let i = 0; i < SEQUENTIAL_OPS; i++) {
        await client.query('INSERT INTO rows (body) VALUES ($1)', [`{"pool":"bench","owner":"o${i}","cidr":"10.0.0.0/28"}`]);
      }
    });
  } finally {
    await client.end();
  }
}
