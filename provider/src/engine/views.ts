import { LedgerAllocation, PoolLedger } from '../allocator/pool-ledger';
import { poolStats } from '../allocator/stats';
import { AllocationInfo, PoolInfo } from '../model/api';
import { Family, formatAddress } from '../net/address';
import { Cidr, netmaskOf } from '../net/cidr';
import { firstHostOf, lastHostOf, networkFacts } from '../net/facts';

/** Turns ledger entries into what callers read: records plus facts and figures computed now. */
export function poolInfo(space: string, ledger: PoolLedger, nowMs: number, prefixLength?: number): PoolInfo {
  return {
    ...structuredClone(ledger.record),
    space,
    family: ledger.cidr.family,
    facts: networkFacts(ledger.cidr),
    children: [...ledger.children.keys()].sort(),
    stats: poolStats(ledger, nowMs, prefixLength ?? ledger.record.defaultPrefixLength),
  };
}

/**
 * What callers read about one allocation: its ledger entry (the record and its parsed block).
 * Runs once per allocation, so it formats no address twice (a host's first and last host are
 * its address; netmasks are remembered per prefix length), and copies the record by hand:
 * structuredClone of a small record costs more than the allocation decision.
 */
export function allocationInfo(space: string, ledger: PoolLedger, entry: LedgerAllocation): AllocationInfo {
  const cidr = entry.block;
  // A plain copy of the record (the entry formats its CIDR text once, here).
  const record = entry.toJSON();
  // The record's CIDR text is canonical (formatCidr), so its address part is the formatted start.
  const address = record.cidr.slice(0, record.cidr.lastIndexOf('/'));
  // Object.assign, not { ...record, space, ... }: on Node 20 a spread followed by more
  // properties takes a slow path, about a microsecond per added property.
  const info: AllocationInfo = Object.assign(record, {
    space,
    poolCidr: ledger.record.cidr,
    prefixLength: cidr.prefix,
    address,
    netmask: netmaskText(cidr),
    firstHost: formatHost(cidr, address, firstHostOf(cidr)),
    lastHost: formatHost(cidr, address, lastHostOf(cidr)),
  });
  // labels is the record's only nested value: the caller gets its own copy, not the ledger's.
  if (record.labels !== undefined) info.labels = { ...record.labels };
  if (ledger.record.gateway !== undefined) info.gateway = ledger.record.gateway;
  if (record.status === 'released') {
    info.graceEndsAt = new Date(Date.parse(record.releasedAt!) + ledger.graceMs).toISOString();
  }
  return info;
}

/**
 * `value` of the block as text; the block's start is `address`, already formatted. A module
 * function rather than a closure per call: tsx (tests, benchmarks) gives every closure a name
 * with __name() each time it is created, 3% of an in-process allocation.
 */
function formatHost(cidr: Cidr, address: string, value: bigint): string {
  return value === cidr.start ? address : formatAddress({ family: cidr.family, value });
}

/** Netmask text by family and prefix length: there are only 33 + 129 of them. */
const NETMASKS: Record<Family, string[]> = { 4: [], 6: [] };

function netmaskText(cidr: Cidr): string {
  return (NETMASKS[cidr.family][cidr.prefix] ??= netmaskOf(cidr));
}
