import { IpamError } from '../errors';
import { AllocationRecord, PoolRecord } from '../model/records';
import { parseAddress } from '../net/address';
import { Cidr, contains, endOf, formatCidr, hostCidr, parseCidr } from '../net/cidr';
import { ConsistencyIssue, ConsistencyReport } from '../model/reports';

/**
 * KubeSlice's ValidateAllocationConsistency, generalised: reads the raw records a store holds
 * (not the engine's in-memory view, which could hide a store's corruption) and reports
 * duplicate owners, overlapping blocks (allocations, child pools, reserved ranges) and blocks
 * outside the pool. A sort and one sweep: O(n log n), no enumeration of addresses.
 */
export function checkConsistency(pool: PoolRecord, allocations: AllocationRecord[], children: PoolRecord[]): ConsistencyReport {
  const issues: ConsistencyIssue[] = [];
  const poolCidr = parseCidr(pool.cidr);
  const holders: { cidr: Cidr; label: string }[] = [];
  const add = (text: string, label: string): void => {
    let cidr: Cidr;
    try {
      cidr = parseCidr(text);
    } catch (e) {
      issues.push({ finding: 'MALFORMED_CIDR', message: `${label}: ${(e as IpamError).message}` });
      return;
    }
    if (!contains(poolCidr, cidr)) {
      issues.push({ finding: 'OUTSIDE_POOL', message: `${label} ${formatCidr(cidr)} is outside pool "${pool.name}" (${pool.cidr})` });
    }
    holders.push({ cidr, label });
  };

  const seen = new Set<string>();
  for (const allocation of allocations) {
    if (seen.has(allocation.owner)) {
      issues.push({ finding: 'DUPLICATE_OWNER', message: `owner "${allocation.owner}" holds more than one allocation in pool "${pool.name}"` });
    }
    seen.add(allocation.owner);
    add(allocation.cidr, `allocation of "${allocation.owner}"`);
  }
  for (const child of children) add(child.cidr, `child pool "${child.name}"`);
  for (const reserved of pool.reserved) add(reserved, 'reserved range');
  if (pool.gateway !== undefined) {
    const gateway = hostCidr(parseAddress(pool.gateway));
    if (!holders.some((h) => h.label === 'reserved range' && contains(h.cidr, gateway))) add(formatCidr(gateway), 'gateway');
  }

  holders.sort((a, b) => (a.cidr.start < b.cidr.start ? -1 : a.cidr.start > b.cidr.start ? 1 : a.cidr.prefix - b.cidr.prefix));
  let widest: { cidr: Cidr; label: string } | undefined;
  for (const holder of holders) {
    if (widest !== undefined && holder.cidr.family === widest.cidr.family && holder.cidr.start <= endOf(widest.cidr)) {
      issues.push({
        finding: 'OVERLAPPING_BLOCKS',
        message: `overlapping subnets detected: ${holder.label} ${formatCidr(holder.cidr)} overlaps ${widest.label} ${formatCidr(widest.cidr)}`,
      });
    }
    if (widest === undefined || widest.cidr.family !== holder.cidr.family || endOf(holder.cidr) > endOf(widest.cidr)) widest = holder;
  }
  return { pool: pool.name, ok: issues.length === 0, checkedAllocations: allocations.length, issues };
}
