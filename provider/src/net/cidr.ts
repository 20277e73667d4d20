import { errors } from '../errors';
import { Address, FAMILY_BITS, Family, familyName, formatAddress, ipv4AliasIn, parseAddressText } from './address';

/**
 * An aligned block of addresses: a CIDR. `start` is the network address; the block holds
 * 2^(bits - prefix) addresses. Every CIDR that enters the system passes through parseCidr,
 * so everything behind the boundary can assume normalised, aligned blocks.
 */
export interface Cidr {
  readonly family: Family;
  readonly start: bigint;
  readonly prefix: number;
}

export function bitsOf(family: Family): number {
  return FAMILY_BITS[family];
}

/** Number of addresses in the block, as a power-of-two exponent ("order"). */
export function orderOf(cidr: Cidr): number {
  return FAMILY_BITS[cidr.family] - cidr.prefix;
}

export function sizeOf(cidr: Cidr): bigint {
  return 1n << BigInt(orderOf(cidr));
}

export function endOf(cidr: Cidr): bigint {
  return cidr.start + sizeOf(cidr) - 1n;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family && outer.prefix <= inner.prefix && inner.start >= outer.start && endOf(inner) <= endOf(outer)
  );
}

export function containsAddress(outer: Cidr, address: Address): boolean {
  return outer.family === address.family && address.value >= outer.start && address.value <= endOf(outer);
}

/** Aligned blocks are either nested or disjoint, so overlap means one contains the other. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.start <= endOf(b) && b.start <= endOf(a);
}

/** "/0" to "/128", made once: one string fewer for every CIDR formatted. */
const PREFIX_SUFFIX: readonly string[] = Array.from({ length: 129 }, (_, prefix) => `/${prefix}`);

export function formatCidr(cidr: Cidr): string {
  return formatAddress({ family: cidr.family, value: cidr.start }) + PREFIX_SUFFIX[cidr.prefix];
}

export function hostCidr(address: Address): Cidr {
  return { family: address.family, start: address.value, prefix: FAMILY_BITS[address.family] };
}

export function cidrFromStart(family: Family, start: bigint, prefix: number): Cidr {
  return { family, start, prefix };
}

/**
 * Parses "10.1.0.0/16" or "2001:db8::/32". A CIDR with host bits set is refused, with the
 * network it probably meant in the message, because silently rounding would hand out a block
 * the user did not ask for. So is a prefix length written with a leading zero ("/08": some
 * tools read it as octal) and an IPv6 block that reaches into the IPv4 aliases (address.ts).
 */
export function parseCidr(text: string, field = 'cidr'): Cidr {
  const raw = typeof text === 'string' ? text.trim() : '';
  const slash = raw.indexOf('/');
  const prefixText = slash < 0 ? '' : raw.slice(slash + 1);
  if (slash < 0 || !/^\d{1,3}$/.test(prefixText)) {
    throw errors.INVALID_CIDR({ case: 'no-prefix', field, text });
  }
  const address = parseAddressText(raw.slice(0, slash));
  if (address === undefined) {
    throw errors.INVALID_CIDR({ case: 'no-address', field, text });
  }
  const bits = FAMILY_BITS[address.family];
  const prefix = Number(prefixText);
  if (prefixText !== String(prefix)) {
    throw errors.INVALID_CIDR({ case: 'leading-zero', field, text, prefix });
  }
  if (prefix > bits) {
    throw errors.INVALID_CIDR({ case: 'prefix-too-long', field, text, prefix, family: familyName(address.family), bits });
  }
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  const start = address.value & mask;
  const cidr: Cidr = { family: address.family, start, prefix };
  if (cidr.family === 6) refuseIpv4Alias(cidr, text, field);
  if (start !== address.value) {
    throw errors.INVALID_CIDR({ case: 'host-bits', field, text, network: formatCidr(cidr) });
  }
  return cidr;
}

/** An IPv6 block inside an IPv4 alias is that IPv4 block in disguise; one reaching into one contains some. */
function refuseIpv4Alias(cidr: Cidr, text: string, field: string): void {
  const alias = ipv4AliasIn(cidr.start, endOf(cidr));
  if (alias === undefined) return;
  if (cidr.prefix >= 96) {
    const ipv4 = formatCidr({ family: 4, start: cidr.start & 0xffff_ffffn, prefix: cidr.prefix - 96 });
    throw errors.INVALID_CIDR({ case: 'ipv4-alias', field, text, alias, ipv4 });
  }
  throw errors.INVALID_CIDR({ case: 'reaches-ipv4-alias', field, text, alias });
}

/** Canonical text of a CIDR given as text: "2001:DB8::/32" becomes "2001:db8::/32". */
export function normalizeCidr(text: string, field = 'cidr'): string {
  return formatCidr(parseCidr(text, field));
}

export function netmaskOf(cidr: Cidr): string {
  const bits = FAMILY_BITS[cidr.family];
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - cidr.prefix)) - 1n);
  return formatAddress({ family: cidr.family, value: mask });
}

/**
 * The minimal list of aligned blocks covering [first, last]. Used to turn "reserve this range"
 * into blocks; the loop runs once per block, at most 2 x bits times, never per address.
 */
export function rangeToCidrs(family: Family, first: bigint, last: bigint): Cidr[] {
  const bits = FAMILY_BITS[family];
  const blocks: Cidr[] = [];
  let start = first;
  while (start <= last) {
    let order = 0;
    while (order < bits && (start & ((1n << BigInt(order + 1)) - 1n)) === 0n && start + (1n << BigInt(order + 1)) - 1n <= last) {
      order += 1;
    }
    blocks.push({ family, start, prefix: bits - order });
    start += 1n << BigInt(order);
  }
  return blocks;
}

/** The one order of addresses (as bigints): for sorts and the B-trees of the allocator. */
export const compareBigints = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
