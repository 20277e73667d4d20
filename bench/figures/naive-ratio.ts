/**
 * Our allocator against KubeSlice's enumerating first-fit (GenerateSubnetList + map + scan) on the
 * state the issue names: 10.0.0.0/8 cut into /24s (65,536 of them), half full, i.e. the first
 * 32,768 allocated, which is what that allocator's sequential allocation leaves. Both run here, now,
 * on the same state, and must agree on the answers; the figure is the ratio of their rates.
 */
import { PoolLedger } from '../../provider/src/allocator/pool-ledger';
import { findNextAvailableSubnet } from '../baseline/naive-subnets';
import { Report, judge, round } from '../lib/figure';
import { measureRate, progress } from '../lib/measure';
import { assertSameAnswers, measureNaive } from '../lib/naive';
import { Shape, fillLedger, poolRecord } from '../lib/pools';

const POOL = '10.0.0.0/8';
const PREFIX_LENGTH = 24;
const SHAPE: Shape = { kind: 'prefix', prefixLength: PREFIX_LENGTH };
const HALF = 32_768;
const PER_REP = 2_000;
const NAIVE_REPS = 5;
const TARGET = 100;

export async function run(report: Report): Promise<void> {
  progress(`filling ${POOL} with ${HALF} /24s`);
  const ledger = new PoolLedger(poolRecord(POOL));
  const held = fillLedger(ledger, SHAPE, HALF, 'held-');
  const naive = await measureNaive((allocated) => findNextAvailableSubnet(POOL, PREFIX_LENGTH, allocated), held, NAIVE_REPS);
  progress(`naive: ${round(naive.sample.median)} allocations/s`);

  // Our allocator must give the same answers; then every repetition starts from the half-full
  // state again: what the previous one allocated is removed, untimed.
  let added = { prefix: 'check-', count: naive.answers.length };
  assertSameAnswers(naive.answers, fillLedger(ledger, SHAPE, added.count, added.prefix));
  let rep = 0;
  const ours = await measureRate(
    {
      warmups: 1,
      reps: 5,
      opsPerRep: PER_REP,
      prepare: () => {
        for (let i = 0; i < added.count; i++) ledger.removeAllocation(`${added.prefix}${i}`);
        added = { prefix: `rep${rep++}-`, count: PER_REP };
      },
    },
    () => {
      fillLedger(ledger, SHAPE, PER_REP, added.prefix);
    },
  );
  const ratio = ours.median / naive.sample.median;
  report({
    figure: 'naive-ratio',
    value: round(ratio),
    unit: 'x',
    ...judge(ratio, { atLeast: TARGET }),
    ours: round(ours.median),
    oursRuns: ours.runs,
    baseline: round(naive.sample.median),
    baselineRuns: naive.sample.runs,
    ratioOf: 'allocations/s of our allocator (PoolLedger + planAllocation, applied) / allocations/s of the naive one',
    baselineName: 'KubeSlice GenerateSubnetList + FindNextAvailableSubnet, ported in bench/baseline/naive-subnets.ts',
    pool: `${POOL} cut into /24s (65,536)`,
    state: `half full: the first ${HALF} /24s allocated; every timed repetition of ours starts from that state`,
    repetitions: `ours: 1 warm-up + 5 timed of ${PER_REP}; naive: 1 warm-up + ${NAIVE_REPS} timed single calls; medians`,
  });
}
