/**
 * In-process allocation rates on a pool already holding 100,000 allocations, at two levels:
 *   - allocator: PoolLedger + planAllocation, the plan applied to the ledger (pure, no store);
 *   - engine: Ipam over MemoryStore (validation, batching, CAS commit, deep copies, audit).
 * A /8 has only 65,536 /24s, so the prefix pool holds 100,000 /28s of 10.0.0.0/8 and the host
 * pool 100,000 host addresses of 10.0.0.0/8. Each is compared with the seed's naive allocator
 * on the same state, measured in the same run, and the engine's rate with the bare allocator's
 * (the *-vs-allocator figures: what the engine keeps of the allocator's speed).
 */
import { PoolLedger } from '../../provider/src/allocator/pool-ledger';
import { MemoryStore } from '../../provider/src/store/memory';
import { allocateIp } from '../baseline/naive-hosts';
import { findNextAvailableSubnet } from '../baseline/naive-subnets';
import { Figure, Report, judge, round } from '../lib/figure';
import { RateSample, measureRate, progress } from '../lib/measure';
import { assertSameAnswers, measureNaive } from '../lib/naive';
import { Shape, allocateConcurrently, describeShape, enginePool, fillLedger, poolRecord } from '../lib/pools';

const POOL = '10.0.0.0/8';
const HELD = 100_000;
/** Allocations per timed repetition; the pool grows by this much each time. */
const PER_REP = 10_000;
const WARMUPS = 1;
const REPS = 5;
/** Concurrent callers in the engine's "many in flight" figures. */
const CLIENTS = 256;

interface Case {
  name: 'prefix' | 'host';
  shape: Shape;
  target: number;
  gateway?: string;
  baselineName: string;
  /** The seed's naive allocator: the next block or address given everything allocated so far. */
  naive: (allocated: string[]) => string;
}

const CASES: Case[] = [
  {
    name: 'prefix',
    shape: { kind: 'prefix', prefixLength: 28 },
    target: 100_000,
    baselineName: "seed 000 GenerateSubnetList + FindNextAvailableSubnet (2^20 /28s listed per call)",
    naive: (allocated) => findNextAvailableSubnet(POOL, 28, allocated),
  },
  {
    name: 'host',
    shape: { kind: 'host' },
    target: 200_000,
    gateway: '10.0.0.1',
    baselineName: 'seed 003 AllocateIP (map of used addresses, walk from the first host)',
    naive: (allocated) => allocateIp(POOL, allocated),
  },
];

export async function run(report: Report): Promise<void> {
  for (const c of CASES) {
    progress(`${c.name}: filling a ledger with ${HELD} ${describeShape(c.shape)}`);
    const ledger = new PoolLedger(poolRecord(POOL, { gateway: c.gateway }));
    const held = fillLedger(ledger, c.shape, HELD, 'held-');
    const naive = await measureNaive(c.naive, held, 3);
    assertSameAnswers(naive.answers, fillLedger(ledger, c.shape, naive.answers.length, 'check-'));
    const baseline = naive.sample;
    progress(`${c.name}: naive baseline ${round(baseline.median)}/s`);

    let rep = 0;
    const ours = await measureRate({ warmups: WARMUPS, reps: REPS, opsPerRep: PER_REP }, () => {
      fillLedger(ledger, c.shape, PER_REP, `rep${rep++}-`);
    });
    report(rateFigure(`allocator-${c.name}`, c, ours, baseline, 'allocator: PoolLedger + planAllocation, plan applied to the ledger', c.target));

    for (const clients of [CLIENTS, 1]) {
      progress(`${c.name}: engine over MemoryStore, ${clients} client(s)`);
      const ipam = await enginePool(new MemoryStore(), POOL, { gateway: c.gateway });
      await allocateConcurrently(ipam, c.shape, HELD, 'held-', CLIENTS);
      let engineRep = 0;
      const engine = await measureRate({ warmups: WARMUPS, reps: REPS, opsPerRep: PER_REP }, () =>
        allocateConcurrently(ipam, c.shape, PER_REP, `rep${engineRep++}-`, clients),
      );
      const level =
        clients === 1
          ? 'engine: Ipam over MemoryStore, one caller awaiting each allocation (one commit each)'
          : `engine: Ipam over MemoryStore, ${clients} concurrent callers (queued requests share a commit)`;
      const name = clients === 1 ? `engine-memory-${c.name}-sequential` : `engine-memory-${c.name}`;
      report(rateFigure(name, c, engine, baseline, level, clients === 1 ? undefined : c.target));
      report(versusAllocator(name, engine, ours, clients));
      await ipam.close();
    }
  }
}

/** Target for the engine's rate as a share of the bare allocator's, with many callers in flight. */
const ENGINE_SHARE_TARGET = 0.8;

/**
 * What the engine keeps of the bare allocator's rate: the cost of validation, batching,
 * compare-and-swap, the store's copies and the answers, in one number.
 */
function versusAllocator(name: string, engine: RateSample, allocator: RateSample, clients: number): Figure {
  const share = engine.median / allocator.median;
  return {
    figure: `${name}-vs-allocator`,
    value: round(share),
    unit: 'ratio',
    ...(clients === 1 ? {} : judge(share, { atLeast: ENGINE_SHARE_TARGET })),
    baseline: round(allocator.median),
    baselineName: 'the bare allocator (PoolLedger + planAllocation) on the same kind of state, same run',
    ratio: round(share),
    ratioOf: `engine allocations/s (${round(engine.median)}) / allocator allocations/s`,
  };
}

function rateFigure(name: string, c: Case, sample: RateSample, baseline: RateSample, level: string, target?: number): Figure {
  const figure: Figure = { figure: name, value: round(sample.median), unit: 'allocations/s' };
  if (target !== undefined) Object.assign(figure, judge(sample.median, { atLeast: target }));
  return {
    ...figure,
    baseline: round(baseline.median),
    ratio: round(sample.median / baseline.median),
    level,
    pool: POOL,
    allocating: describeShape(c.shape),
    poolHolds: `${HELD} before the first timed allocation, growing by ${PER_REP} per repetition`,
    repetitions: `${WARMUPS} warm-up + ${REPS} timed of ${PER_REP} allocations, median`,
    runs: sample.runs,
    baselineName: c.baselineName,
    baselineRuns: baseline.runs,
  };
}
