import { formatAddress } from './address';
import { Cidr, bitsOf, endOf, netmaskOf, sizeOf } from './cidr';

/**
 * Addresses of a subnet that a host must never get. IPv4: the network and broadcast addresses,
 * except on /31 and /32 where RFC 3021 makes every address usable. IPv6 has no broadcast; its
 * first address is the Subnet-Router anycast address (RFC 4291 2.6.1), skipped except on /127
 * and /128 (RFC 6164), as NetBox does.
 */
export function hostExclusions(cidr: Cidr): bigint[] {
  const bits = bitsOf(cidr.family);
  if (cidr.family === 4) return cidr.prefix >= bits - 1 ? [] : [cidr.start, endOf(cidr)];
  return cidr.prefix >= bits - 1 ? [] : [cidr.start];
}

/** The first address a host may use: the default gateway of a pool (10.0.0.1 of a VPN pool 10.0.0.0/24). */
export function firstHostOf(cidr: Cidr): bigint {
  const excluded = hostExclusions(cidr);
  return excluded.includes(cidr.start) ? cidr.start + 1n : cidr.start;
}

export function lastHostOf(cidr: Cidr): bigint {
  const end = endOf(cidr);
  return hostExclusions(cidr).includes(end) ? end - 1n : end;
}

export interface NetworkFacts {
  network: string;
  netmask: string;
  prefixLength: number;
  firstHost: string;
  lastHost: string;
  broadcast?: string;
  /** Number of addresses in the block, as a decimal string: an IPv6 /64 does not fit in a number. */
  size: string;
}

export function networkFacts(cidr: Cidr): NetworkFacts {
  const facts: NetworkFacts = {
    network: formatAddress({ family: cidr.family, value: cidr.start }),
    netmask: netmaskOf(cidr),
    prefixLength: cidr.prefix,
    firstHost: formatAddress({ family: cidr.family, value: firstHostOf(cidr) }),
    lastHost: formatAddress({ family: cidr.family, value: lastHostOf(cidr) }),
    size: sizeOf(cidr).toString(),
  };
  if (cidr.family === 4 && cidr.prefix < 31) facts.broadcast = formatAddress({ family: 4, value: endOf(cidr) });
  return facts;
}
