import { LedgerAllocation, PoolLedger } from '../allocator/pool-ledger';
import { poolStats } from '../allocator/stats';
import { AllocationInfo, PoolInfo } from '../model/api';
import { Family, formatAddress, ipv4TextBeforeLastOctet } from '../net/address';
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
  // The entry is the record (its CIDR text formatted on read, and remembered): its fields go
  // straight into the answer, no copy of it is made first.
  // The CIDR text is read once: each read of the getter checks its cache of formatted texts.
  const text = entry.cidr;
  // An IPv4 start is formatted from the remembered text before its last octet (net/address),
  // with no scan of the CIDR text; an IPv6 one is the CIDR text's address part (it is canonical).
  const ipv4 = cidr.family === 4 ? Number(cidr.start) : -1;
  const head = ipv4 >= 0 ? ipv4TextBeforeLastOctet(ipv4) : '';
  const address = ipv4 >= 0 ? head + (ipv4 & 0xff) : text.slice(0, text.lastIndexOf('/'));
  const hosts = hostOffsets(cidr);
  const netmask = netmaskText(cidr);
  let firstHost: string;
  let lastHost: string;
  if (ipv4 >= 0 && cidr.prefix >= 24) {
    // A small IPv4 block's hosts differ from its start in the last octet alone: only that octet
    // is new text, worked out in numbers (IPv6 and larger blocks format each host in full).
    const low = ipv4 & 0xff;
    firstHost = hosts.firstInOctet === 0 ? address : head + (low + hosts.firstInOctet);
    lastHost = hosts.lastInOctet === 0 ? address : head + (low + hosts.lastInOctet);
  } else {
    firstHost = formatHost(cidr, address, hosts.first);
    lastHost = formatHost(cidr, address, hosts.last);
  }
  const { pool, owner, kind, status, allocatedAt, creator } = entry;
  const poolCidr = ledger.record.cidr;
  const prefixLength = cidr.prefix;
  // One literal with the fields every answer has (a record without a creator predates them):
  // a copy of the record with the rest added to it, field by field or by Object.assign, cost
  // four times as much. The rarer fields follow.
  const info: AllocationInfo =
    creator === undefined
      ? { pool, owner, cidr: text, kind, status, allocatedAt, space, poolCidr, prefixLength, address, netmask, firstHost, lastHost }
      : { pool, owner, cidr: text, kind, status, allocatedAt, creator, space, poolCidr, prefixLength, address, netmask, firstHost, lastHost };
  if (entry.releasedAt !== undefined) info.releasedAt = entry.releasedAt;
  if (entry.description !== undefined) info.description = entry.description;
  // labels is the record's only nested value: the caller gets its own copy, not the ledger's.
  if (entry.labels !== undefined) info.labels = { ...entry.labels };
  if (ledger.record.gateway !== undefined) info.gateway = ledger.record.gateway;
  if (entry.status === 'released') {
    info.graceEndsAt = new Date(Date.parse(entry.releasedAt!) + ledger.graceMs).toISOString();
  }
  return info;
}

/**
 * The address `offset` after the block's start, as text; the start itself is `address`, already
 * formatted. A module function rather than a closure per call: tsx (tests, benchmarks) gives
 * every closure a name with __name() each time it is created, 3% of an in-process allocation.
 */
function formatHost(cidr: Cidr, address: string, offset: bigint): string {
  return offset === 0n ? address : formatAddress({ family: cidr.family, value: cidr.start + offset });
}

/**
 * Where a block's first and last host lie from its start (net/facts: firstHostOf, lastHostOf);
 * as numbers too for a block of at most 256 addresses (an IPv4 /24 or smaller), whose hosts lie
 * in its last octet. They depend only on the family and the prefix length, so they are worked
 * out once for each of the 33 + 129, not for every answer (which made two arrays and six bigints).
 */
interface HostOffsets {
  first: bigint;
  last: bigint;
  firstInOctet: number;
  lastInOctet: number;
}

const HOST_OFFSETS: Record<Family, HostOffsets[]> = { 4: [], 6: [] };

function hostOffsets(cidr: Cidr): HostOffsets {
  return (HOST_OFFSETS[cidr.family][cidr.prefix] ??= offsetsOf(cidr));
}

function offsetsOf(cidr: Cidr): HostOffsets {
  const first = firstHostOf(cidr) - cidr.start;
  const last = lastHostOf(cidr) - cidr.start;
  // Meaningful only where they fit an octet; larger blocks never read them.
  return { first, last, firstInOctet: Number(first & 0xffn), lastInOctet: Number(last & 0xffn) };
}

/** Netmask text by family and prefix length: there are only 33 + 129 of them. */
const NETMASKS: Record<Family, string[]> = { 4: [], 6: [] };

function netmaskText(cidr: Cidr): string {
  return (NETMASKS[cidr.family][cidr.prefix] ??= netmaskOf(cidr));
}
