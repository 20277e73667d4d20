/**
 * In-process allocation rates on a pool already holding 100,000 allocations, at two levels:
 *   - allocator: PoolLedger + planAllocation, the plan applied to the ledger (pure, no store);
 *   - engine: Ipam over MemoryStore (validation, batching, CAS commit, the store's rows and
 *     audit, the answer each caller gets), with 256 concurrent callers and with one.
 * A /8 has only 65,536 /24s, so the prefix pool holds 100,000 /28s of 10.0.0.0/8 and the host
 * pool 100,000 host addresses of 10.0.0.0/8. The allocator is compared with the reference designs' naive
 * allocator on the same state.
 *
 * The *-vs-allocator figures (what the engine keeps of the bare allocator's speed) compare like
 * with like. For each engine figure a bare ledger and an engine are filled with the same 100,000
 * (same blocks, first-fit, same gateway, the same creator on every record) and are checked to
 * grant the same next blocks; then they take rounds in turn (ledger, engine, then engine,
 * ledger, ...), each round allocating 10,000 in each, so at every round both hold the same
 * number, and at the end they must hold the same set of blocks. Each round gives a paired ratio:
 * the engine's rate over the ledger's, measured within a second of each other with the JIT
 * equally warm. The figure is the median of those ratios, with their min and max (`spread`).
 * Rates are per second of this process's CPU time (garbage collector threads included), which
 * another process on the machine cannot take from a round; `wallClock` gives the same median
 * ratio of wall-clock rates.
 */
import { PoolLedger } from '../../provider/src/allocator/pool-ledger';
import { Ipam } from '../../provider/src/engine/ipam';
import { MemoryStore } from '../../provider/src/store/memory';
import { allocateIp } from '../baseline/naive-hosts';
import { findNextAvailableSubnet } from '../baseline/naive-subnets';
import { Figure, Report, judge, round } from '../lib/figure';
import { AsyncFloor, allocateThroughFloor } from '../lib/async-floor';
import { PairedSample, RateSample, measurePaired, pairedRatios, progress } from '../lib/measure';
import { assertSameAnswers, measureNaive } from '../lib/naive';
import { Shape, allocateConcurrently, describeShape, enginePool, fillLedger, poolRecord } from '../lib/pools';

const POOL = '10.0.0.0/8';
const HELD = 100_000;
/** Allocations each contestant makes per round; every pool grows by this much each round. */
const PER_ROUND = 10_000;
const WARMUPS = 2;
const ROUNDS = 11;
/** Concurrent callers in the engine's "many in flight" figures. */
const CLIENTS = 256;
/** Who asks, recorded on every record: the engine's actor, and the same creator in the bare ledger. */
const ACTOR = 'bench';

interface Case {
  name: 'prefix' | 'host';
  shape: Shape;
  target: number;
  gateway?: string;
  baselineName: string;
  /** The reference design's naive allocator: the next block or address given everything allocated so far. */
  naive: (allocated: string[]) => string;
}

const CASES: Case[] = [
  {
    name: 'prefix',
    shape: { kind: 'prefix', prefixLength: 28 },
    target: 100_000,
    baselineName: "KubeSlice GenerateSubnetList + FindNextAvailableSubnet (2^20 /28s listed per call)",
    naive: (allocated) => findNextAvailableSubnet(POOL, 28, allocated),
  },
  {
    name: 'host',
    shape: { kind: 'host' },
    target: 200_000,
    gateway: '10.0.0.1',
    baselineName: 'VPN client allocator AllocateIP (map of used addresses, walk from the first host)',
    naive: (allocated) => allocateIp(POOL, allocated),
  },
];

export async function run(report: Report): Promise<void> {
  for (const c of CASES) {
    let naive: RateSample | undefined;
    for (const clients of [CLIENTS, 1]) {
      progress(`${c.name}: a bare ledger and an engine for ${clients} caller(s), each filled with ${HELD} ${describeShape(c.shape)}`);
      const ledger = new PoolLedger(poolRecord(POOL, { gateway: c.gateway }));
      const held = fillLedger(ledger, c.shape, HELD, 'held-', ACTOR);
      const floorLedger = new PoolLedger(poolRecord(POOL, { gateway: c.gateway }));
      assertSameAnswers(held, fillLedger(floorLedger, c.shape, HELD, 'held-', ACTOR));
      const floor = new AsyncFloor(floorLedger, c.shape, ACTOR);
      const ipam = await enginePool(new MemoryStore(), POOL, { gateway: c.gateway });
      await allocateConcurrently(ipam, c.shape, HELD, 'held-', CLIENTS);
      await assertSamePool(ipam, ledger);
      if (naive === undefined) {
        const measured = await measureNaive(c.naive, held, 3);
        assertSameAnswers(measured.answers, fillLedger(ledger, c.shape, measured.answers.length, 'check-', ACTOR));
        fillLedger(floorLedger, c.shape, measured.answers.length, 'check-', ACTOR);
        assertSameAnswers(measured.answers, await engineAnswers(ipam, c.shape, measured.answers.length, 'check-'));
        naive = measured.sample;
        progress(`${c.name}: naive baseline ${round(naive.median)}/s`);
      }
      const next = fillLedger(ledger, c.shape, 4, 'next-', ACTOR);
      assertSameAnswers(next, fillLedger(floorLedger, c.shape, 4, 'next-', ACTOR));
      assertSameAnswers(next, await engineAnswers(ipam, c.shape, next.length, 'next-'));

      progress(`${c.name}: ${WARMUPS} + ${ROUNDS} rounds of ${PER_ROUND}, in turn: bare allocator, async floor, engine`);
      const [allocator, asyncFloor, engine] = await measurePaired({ warmups: WARMUPS, rounds: ROUNDS, opsPerRound: PER_ROUND }, [
        { name: 'allocator', round: (r) => void fillLedger(ledger, c.shape, PER_ROUND, `round${r}-`, ACTOR) },
        { name: 'async floor', round: (r) => allocateThroughFloor(floor, PER_ROUND, `round${r}-`, clients) },
        { name: 'engine', round: (r) => allocateConcurrently(ipam, c.shape, PER_ROUND, `round${r}-`, clients) },
      ]);
      await assertSameBlocks(ipam, ledger);
      assertSameLedgers(floorLedger, ledger);
      await ipam.close();

      const level =
        clients === 1
          ? 'engine: Ipam over MemoryStore, one caller awaiting each allocation (one commit each)'
          : `engine: Ipam over MemoryStore, ${clients} concurrent callers (queued requests share a commit)`;
      const name = clients === 1 ? `engine-memory-${c.name}-sequential` : `engine-memory-${c.name}`;
      if (clients !== 1) report(rateFigure(`allocator-${c.name}`, c, allocator, naive, 'allocator: PoolLedger + planAllocation, plan applied to the ledger', c.target));
      report(rateFigure(name, c, engine, naive, level, clients === 1 ? undefined : c.target));
      for (const figure of shares(name, c.name, clients, { allocator, floor: asyncFloor, engine })) report(figure);
    }
  }
}

/** The next `count` blocks the engine grants, one caller at a time, owners `${prefix}0`.. */
async function engineAnswers(ipam: Ipam, shape: Shape, count: number, prefix: string): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < count; i++) {
    const input = shape.kind === 'host' ? { kind: 'host' as const } : { prefixLength: shape.prefixLength };
    answers.push((await ipam.allocate({ pool: 'bench', owner: `${prefix}${i}`, ...input })).cidr);
  }
  return answers;
}

/** The engine's pool is defined as the bare ledger's (strategy, gateway, reserved ranges, grace period). */
async function assertSamePool(ipam: Ipam, ledger: PoolLedger): Promise<void> {
  const pool = await ipam.getPool({ pool: 'bench' });
  const define = (p: { cidr: string; strategy: string; gateway?: string; reserved: string[]; gracePeriodSeconds: number }) =>
    JSON.stringify([p.cidr, p.strategy, p.gateway, p.reserved, p.gracePeriodSeconds]);
  if (define(pool) !== define(ledger.record)) {
    throw new Error(`the engine's pool ${define(pool)} is not the bare allocator's ${define(ledger.record)}`);
  }
}

/** Both hold the same set of blocks: the rounds did the same work. */
async function assertSameBlocks(ipam: Ipam, ledger: PoolLedger): Promise<void> {
  const engine = (await ipam.listAllocations({ pool: 'bench' })).map((a) => a.cidr);
  const bare = [...ledger.allocations.values()].sort((a, b) => (a.start < b.start ? -1 : 1)).map((e) => e.record.cidr);
  if (engine.length !== bare.length || engine.some((cidr, i) => cidr !== bare[i])) {
    throw new Error(`the engine holds ${engine.length} blocks, the bare allocator ${bare.length}, not the same ones: the rounds did different work`);
  }
}

/** Both ledgers hold the same blocks for the same owners: the floor did the bare allocator's work. */
function assertSameLedgers(floor: PoolLedger, bare: PoolLedger): void {
  const blocks = (ledger: PoolLedger) => [...ledger.inAddressOrder()].map((e) => `${e.owner}=${e.cidr}`);
  const [a, b] = [blocks(floor), blocks(bare)];
  if (a.length !== b.length || a.some((held, i) => held !== b[i])) {
    throw new Error(`the async floor holds ${a.length} blocks, the bare allocator ${b.length}, not the same ones`);
  }
}

/** Target for the engine's rate as a share of the bare allocator's, with many callers in flight. */
const ENGINE_SHARE_TARGET = 0.8;

interface Share {
  /** The figure's name. */
  figure: string;
  /** Who is measured, and against whom, in the same rounds. */
  measured: { name: string; sample: PairedSample };
  against: { name: string; sample: PairedSample; describe: string };
  /** Judged against ENGINE_SHARE_TARGET (the many-callers figures of the engine). */
  judged: boolean;
  level?: string;
}

/** One contestant's rate as a share of another's: the median of the round-by-round paired ratios, with their spread. */
function shareFigure(f: Share): Figure {
  const share = pairedRatios(f.measured.sample, f.against.sample);
  return {
    figure: f.figure,
    value: round(share.median),
    unit: 'ratio',
    ...(f.judged ? judge(share.median, { atLeast: ENGINE_SHARE_TARGET }) : {}),
    baseline: round(f.against.sample.median),
    baselineName: f.against.describe,
    ratio: round(share.median),
    ratioOf: `median over ${ROUNDS} rounds of (${f.measured.name} allocations/s / ${f.against.name} allocations/s in the same round)`,
    ...(f.level === undefined ? {} : { level: f.level }),
    spread: { min: round(share.min), max: round(share.max) },
    pairedRatios: share.ratios.map(round),
    wallClock: round(pairedRatios(f.measured.sample.wall, f.against.sample.wall).median),
  };
}

const BARE = 'the bare allocator (PoolLedger + planAllocation) on the same pool, same blocks held, rounds taken in turn';
const FLOOR = 'the async floor: the bare allocator behind a promise per call, batched as the engine batches (bench/lib/async-floor.ts), rounds taken in turn';

/**
 * The engine's rate as a share of the bare allocator's (the cost of validation, batching,
 * compare-and-swap, the store's rows and the answers, and of the promise per call); of the
 * async floor's (the same without the promise, which no asynchronous API avoids); and the
 * floor's own share of the bare allocator, the most any such API keeps of its speed.
 */
function shares(name: string, shape: string, clients: number, samples: { allocator: PairedSample; floor: PairedSample; engine: PairedSample }): Figure[] {
  const many = clients !== 1;
  const floorName = `async-floor-${shape}${many ? '' : '-sequential'}`;
  return [
    shareFigure({ figure: `${name}-vs-allocator`, measured: { name: 'engine', sample: samples.engine }, against: { name: 'allocator', sample: samples.allocator, describe: BARE }, judged: many }),
    shareFigure({
      figure: `${floorName}-vs-allocator`,
      measured: { name: 'async floor', sample: samples.floor },
      against: { name: 'allocator', sample: samples.allocator, describe: BARE },
      judged: false,
      level: `the bare allocator behind a promise per call, ${clients} concurrent caller(s), decided in batches on the next turn (bench/lib/async-floor.ts)`,
    }),
    shareFigure({ figure: `${name}-vs-async-floor`, measured: { name: 'engine', sample: samples.engine }, against: { name: 'async floor', sample: samples.floor, describe: FLOOR }, judged: many }),
  ];
}

function rateFigure(name: string, c: Case, sample: PairedSample, baseline: RateSample, level: string, target?: number): Figure {
  const figure: Figure = { figure: name, value: round(sample.median), unit: 'allocations/s' };
  if (target !== undefined) Object.assign(figure, judge(sample.median, { atLeast: target }));
  return {
    ...figure,
    baseline: round(baseline.median),
    ratio: round(sample.median / baseline.median),
    level,
    pool: POOL,
    allocating: describeShape(c.shape),
    poolHolds: `${HELD} before the first round, growing by ${PER_ROUND} per round`,
    repetitions: `${WARMUPS} warm-up + ${ROUNDS} timed rounds of ${PER_ROUND} allocations, taken in turn with the other level, median`,
    clock: 'allocations per second of process CPU time',
    runs: sample.runs,
    wallClock: round(sample.wall.median),
    baselineName: c.baselineName,
    baselineRuns: baseline.runs,
  };
}
