/**
 * One million /64 allocations from 2001:db8::/32 through the engine over MemoryStore, in a child
 * process of its own: elapsed time, and that process's peak RSS (target < 400 MiB, and under 300
 * bytes per allocation above the RSS before the first one). The rate of the
 * last 100,000 (a million held) against the first 100,000 (an empty pool), measured in the same
 * run, shows whether the cost grows with what the pool holds.
 */
import { Report, judge, round } from '../lib/figure';
import { progress } from '../lib/measure';
import { runWorkers } from '../lib/workers';
import type { MillionArgs, MillionResult } from '../workers/ipv6-million';

const ARGS: MillionArgs = { count: 1_000_000, window: 100_000, clients: 256 };
const RSS_TARGET_MIB = 400;
const BYTES_PER_ALLOCATION_TARGET = 300;
/** The 1,000,000th /64 of 2001:db8::/32 in first-fit order: index 999,999 = 0x000f423f in hextets 3 and 4. */
const EXPECTED_LAST = '2001:db8:f:423f::/64';

export async function run(report: Report): Promise<void> {
  progress(`${ARGS.count} /64s from 2001:db8::/32 in a child process (engine over MemoryStore, ${ARGS.clients} callers)`);
  const [r] = await runWorkers<MillionResult>('ipv6-million', [ARGS]);
  if (r.liveAllocations !== ARGS.count || r.lastCidr !== EXPECTED_LAST) {
    throw new Error(`expected ${ARGS.count} live allocations ending at ${EXPECTED_LAST}, got ${r.liveAllocations} ending at ${r.lastCidr}`);
  }
  const first = r.windowRates[0];
  const last = r.windowRates[r.windowRates.length - 1];
  const common = {
    pool: '2001:db8::/32',
    allocating: `${ARGS.count} /64 blocks, first-fit, ${ARGS.clients} concurrent callers`,
    level: 'engine: Ipam over MemoryStore (every record also held by the store, with its audit event)',
  };
  report({
    figure: 'ipv6-million-time',
    value: round(r.elapsedMs / 1000),
    unit: 's',
    rate: round((ARGS.count / r.elapsedMs) * 1000),
    rateUnit: 'allocations/s',
    baseline: first,
    baselineName: `allocations/s of the same run over the first ${ARGS.window} (empty pool)`,
    ratio: round(last / first),
    ratioOf: `allocations/s over the last ${ARGS.window} (pool holding ${ARGS.count - ARGS.window}) / over the first ${ARGS.window} (empty pool)`,
    windowRates: r.windowRates,
    ...common,
  });
  const bytesPerAllocation = ((r.maxRssMiB - r.rssBeforeMiB) * 1024 * 1024) / ARGS.count;
  report({
    figure: 'ipv6-million-rss',
    value: round(r.maxRssMiB),
    unit: 'MiB',
    ...judge(r.maxRssMiB, { below: RSS_TARGET_MIB }),
    baseline: round(r.rssBeforeMiB),
    baselineName: 'RSS of the same process after start-up, before the first allocation',
    bytesPerAllocation: round(bytesPerAllocation),
    heapUsedMiB: round(r.heapUsedMiB),
    measuredBy: 'process.resourceUsage().maxRSS of the child process',
    ...common,
  });
  report({
    figure: 'ipv6-million-bytes-per-allocation',
    value: round(bytesPerAllocation),
    unit: 'bytes',
    ...judge(bytesPerAllocation, { below: BYTES_PER_ALLOCATION_TARGET }),
    baseline: round(r.rssBeforeMiB),
    baselineName: 'RSS (MiB) of the same process before the first allocation, subtracted from its peak',
    ...common,
  });
}
