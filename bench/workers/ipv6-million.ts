/**
 * Child process of bench/figures/ipv6-million.ts: `count` /64 allocations from 2001:db8::/32
 * through the engine over MemoryStore, in windows, so the rate at the end (a million held) can be
 * compared with the rate at the start. Alone in its process, so its peak RSS is its own.
 */
import { MemoryStore } from '../../provider/src/store/memory';
import { answer, readyThenWait } from '../lib/workers';
import { Shape, allocateConcurrently, enginePool } from '../lib/pools';

export interface MillionArgs {
  count: number;
  window: number;
  clients: number;
}

export interface MillionResult {
  elapsedMs: number;
  windowRates: number[];
  liveAllocations: number;
  lastCidr: string;
  rssBeforeMiB: number;
  maxRssMiB: number;
  heapUsedMiB: number;
}

const POOL = '2001:db8::/32';
const SHAPE: Shape = { kind: 'prefix', prefixLength: 64 };
const MIB = 1024 * 1024;

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as MillionArgs;
  const ipam = await enginePool(new MemoryStore(), POOL);
  const rssBeforeMiB = process.memoryUsage().rss / MIB;
  await readyThenWait();
  const started = performance.now();
  const windowRates: number[] = [];
  for (let done = 0; done < args.count; done += args.window) {
    const windowStarted = performance.now();
    await allocateConcurrently(ipam, SHAPE, args.window, `w${done}-`, args.clients);
    windowRates.push(Math.round(args.window / ((performance.now() - windowStarted) / 1000)));
  }
  const elapsedMs = performance.now() - started;
  const pool = await ipam.getPool({ pool: 'bench' });
  const last = await ipam.getAllocation({ pool: 'bench', owner: `w${args.count - args.window}-${args.window - 1}` });
  const result: MillionResult = {
    elapsedMs,
    windowRates,
    liveAllocations: pool.stats.liveAllocations,
    lastCidr: last?.cidr ?? '(none)',
    rssBeforeMiB,
    // maxRSS is in kilobytes on Linux.
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    heapUsedMiB: process.memoryUsage().heapUsed / MIB,
  };
  answer(result);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
