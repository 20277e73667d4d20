import { LedgerAllocation, PoolLedger } from '../allocator/pool-ledger';
import { poolStats } from '../allocator/stats';
import { AllocationInfo, PoolInfo } from '../model/api';
import { formatAddress } from '../net/address';
import { networkFacts } from '../net/facts';

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

/** What callers read about one allocation: its ledger entry (the record and its parsed block). */
export function allocationInfo(space: string, ledger: PoolLedger, entry: LedgerAllocation): AllocationInfo {
  const { record, cidr } = entry;
  const facts = networkFacts(cidr);
  const info: AllocationInfo = {
    ...structuredClone(record),
    space,
    prefixLength: cidr.prefix,
    address: formatAddress({ family: cidr.family, value: cidr.start }),
    netmask: facts.netmask,
    firstHost: facts.firstHost,
    lastHost: facts.lastHost,
  };
  if (ledger.record.gateway !== undefined) info.gateway = ledger.record.gateway;
  if (record.status === 'released') {
    info.graceEndsAt = new Date(Date.parse(record.releasedAt!) + ledger.graceMs).toISOString();
  }
  return info;
}
