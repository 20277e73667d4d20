import { BlockStats, PoolStats } from '../model/reports';
import { bitsOf, formatCidr, orderOf, sizeOf } from '../net/cidr';
import { FreeSpace, powerOfTwo } from './free-space';
import { PoolLedger } from './pool-ledger';

export function poolStats(ledger: PoolLedger, nowMs: number, prefixLength?: number): PoolStats {
  ledger.advance(nowMs);
  const sums = ledger.addressSums;
  const total = sizeOf(ledger.cidr);
  const inGrace = sums.released - sums.expired;
  const free = ledger.grantable.freeAddresses;
  const available = free + inGrace;
  const largestOrder = ledger.grantable.largestFreeOrder();
  const stats: PoolStats = {
    total: total.toString(),
    allocated: sums.live.toString(),
    children: sums.children.toString(),
    reserved: sums.reserved.toString(),
    releasedInGrace: inGrace.toString(),
    reclaimable: sums.expired.toString(),
    free: free.toString(),
    available: available.toString(),
    utilization: ratio(total - available, total),
    fragmentation: free === 0n ? 0 : round9(1 - ratio(powerOfTwo(largestOrder), free)),
    largestFreeBlock: largestOrder < 0 ? null : lowestBlockOfOrder(ledger, largestOrder),
    liveAllocations: sums.liveCount,
    releasedAllocations: sums.releasedCount,
  };
  if (prefixLength !== undefined) stats.blocks = blockStats(ledger, prefixLength);
  return stats;
}

function blockStats(ledger: PoolLedger, prefixLength: number): BlockStats {
  const order = bitsOf(ledger.cidr.family) - prefixLength;
  const poolOrder = orderOf(ledger.cidr);
  if (order < 0 || order > poolOrder) return { prefixLength, total: '0', available: '0', free: '0' };
  const available: FreeSpace = ledger.grantable.clone();
  for (const entry of ledger.inGrace()) available.release(entry.start, orderOf(entry));
  return {
    prefixLength,
    total: (1n << BigInt(poolOrder - order)).toString(),
    available: available.countBlocks(order).toString(),
    free: ledger.grantable.countBlocks(order).toString(),
  };
}

function lowestBlockOfOrder(ledger: PoolLedger, order: number): string {
  const start = ledger.grantable.firstFit(order)!;
  return formatCidr({ family: ledger.cidr.family, start, prefix: bitsOf(ledger.cidr.family) - order });
}

/** a / b for bigints as a float, exact enough for a percentage (9 decimal places). */
function ratio(a: bigint, b: bigint): number {
  if (b === 0n) return 0;
  return Number((a * 1_000_000_000n) / b) / 1_000_000_000;
}

function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
