/**
 * How the cost of each operation grows with what a pool holds: the engine over MemoryStore on
 * 2001:db8::/32, filled with /64s (256 callers) to 1,000, 10,000, 100,000 and 1,000,000
 * allocations; at each size, microseconds per operation of allocate (256 callers), release
 * (256 callers), getAllocation and getPool (its figures: free, utilization, largest block...).
 * One figure per operation: its cost at each size, and the ratio of the cost at a million to the
 * cost at a thousand (1 = no growth; the allocator never enumerates blocks, so only the B-trees'
 * logarithms and the memory hierarchy should show).
 */
import { MemoryStore } from '../../provider/src/store/memory';
import { Report, round } from '../lib/figure';
import { median, progress } from '../lib/measure';
import { Shape, allocateConcurrently, enginePool } from '../lib/pools';

const SIZES = [1_000, 10_000, 100_000, 1_000_000];
const SHAPE: Shape = { kind: 'prefix', prefixLength: 64 };
const CLIENTS = 256;
const OPS = 500;
const REPS = 3;

type Operation = 'allocate' | 'release' | 'getAllocation' | 'getPool';
const OPERATIONS: Operation[] = ['allocate', 'release', 'getAllocation', 'getPool'];

export async function run(report: Report): Promise<void> {
  await warmUp();
  const ipam = await enginePool(new MemoryStore(), '2001:db8::/32');
  const costs: Record<Operation, number[]> = { allocate: [], release: [], getAllocation: [], getPool: [] };
  let held = 0;
  let batch = 0;
  for (const size of SIZES) {
    progress(`filling to ${size} /64s`);
    await allocateConcurrently(ipam, SHAPE, size - held, `fill${size}-`, CLIENTS);
    held = size;
    const runs: Record<Operation, number[]> = { allocate: [], release: [], getAllocation: [], getPool: [] };
    for (let rep = 0; rep <= REPS; rep++) {
      // Each repetition allocates OPS new owners and releases them: the pool stays at `size` live.
      const prefix = `s${size}-b${batch++}-`;
      const timed = rep > 0; // the first repetition warms up
      const allocate = await micros(() => allocateConcurrently(ipam, SHAPE, OPS, prefix, CLIENTS), OPS);
      const get = await micros(() => each(OPS, (i) => ipam.getAllocation({ pool: 'bench', owner: `${prefix}${i}` })), OPS);
      const pool = await micros(() => each(OPS / 10, () => ipam.getPool({ pool: 'bench' })), OPS / 10);
      const release = await micros(() => each(OPS, (i) => ipam.release({ pool: 'bench', owner: `${prefix}${i}` })), OPS);
      if (timed) [runs.allocate, runs.getAllocation, runs.getPool, runs.release].forEach((r, k) => r.push([allocate, get, pool, release][k]));
    }
    for (const op of OPERATIONS) costs[op].push(median(runs[op]));
    progress(`${size}: ${OPERATIONS.map((op) => `${op} ${round(costs[op][costs[op].length - 1])} µs`).join(', ')}`);
  }
  for (const op of OPERATIONS) {
    const perSize = Object.fromEntries(SIZES.map((size, i) => [String(size), round(costs[op][i])]));
    const growth = costs[op][SIZES.length - 1] / costs[op][0];
    report({
      figure: `scaling-${op}`,
      value: round(growth),
      unit: 'ratio',
      microsecondsPerOperation: perSize,
      baseline: round(costs[op][0]),
      baselineName: `µs per ${op} with ${SIZES[0]} allocations held, same run`,
      ratio: round(growth),
      ratioOf: `µs per ${op} with ${SIZES[SIZES.length - 1]} held / with ${SIZES[0]} held`,
      level: 'engine: Ipam over MemoryStore',
      callers: `${CLIENTS} concurrent`,
      held: `each size at the warm-up; ${(REPS + 1) * OPS} more by the last repetition (each allocates ${OPS} and releases them, and released blocks stay held for their grace period)`,
      repetitions: `1 warm-up + ${REPS} timed of ${op === 'getPool' ? OPS / 10 : OPS} operations at each size, median`,
    });
  }
  await ipam.close();
}

/**
 * Every operation run a few thousand times on a pool of its own first, so that the smallest
 * size is not timed while the JIT is still compiling (it made 1,000 held look slower than 10,000).
 */
async function warmUp(): Promise<void> {
  const ipam = await enginePool(new MemoryStore(), '2001:db8::/32');
  for (let round = 0; round < 5; round++) {
    const prefix = `warm${round}-`;
    await allocateConcurrently(ipam, SHAPE, OPS * 2, prefix, CLIENTS);
    await each(OPS * 2, (i) => ipam.getAllocation({ pool: 'bench', owner: `${prefix}${i}` }));
    await each(OPS / 5, () => ipam.getPool({ pool: 'bench' }));
    await each(OPS * 2, (i) => ipam.release({ pool: 'bench', owner: `${prefix}${i}` }));
  }
  await ipam.close();
}

/** Microseconds per operation of `work`, which performs `ops` operations. */
async function micros(work: () => Promise<unknown>, ops: number): Promise<number> {
  const started = performance.now();
  await work();
  return ((performance.now() - started) * 1000) / ops;
}

/** `count` calls of `call`, CLIENTS in flight at a time. */
async function each(count: number, call: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CLIENTS, count) }, loop));
}

