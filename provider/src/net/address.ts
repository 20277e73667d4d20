import { IPv4, IPv6, collapseIPv6Number } from 'ip-num';
import { IpamError } from '../errors';

/**
 * Addresses are a family and a bigint. ip-num does the parsing (it knows the corner cases of
 * IPv6 text) and the RFC 5952 compression; every piece of arithmetic is ours, on bigints.
 */
export type Family = 4 | 6;

export const FAMILY_BITS: Readonly<Record<Family, number>> = { 4: 32, 6: 128 };

export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

const IPV4_TEXT = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6_TEXT = /^[0-9a-fA-F:.]+$/;

/** Parses an IPv4 or IPv6 address; `field` names the input in the error a person reads. */
export function parseAddress(text: string, field = 'address'): Address {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const value = IPV4_TEXT.test(trimmed)
    ? parseWith(() => IPv4.fromString(trimmed).value, trimmed)
    : trimmed.includes(':') && IPV6_TEXT.test(trimmed)
      ? parseWith(() => IPv6.fromString(trimmed).value, trimmed)
      : undefined;
  if (value === undefined) {
    throw new IpamError(
      'INVALID_ADDRESS',
      `${field}: ${JSON.stringify(text)} is not an IPv4 or IPv6 address; write it like 10.0.0.5 or 2001:db8::5`,
      field,
    );
  }
  return { family: trimmed.includes(':') ? 6 : 4, value };
}

function parseWith(parse: () => bigint, text: string): bigint | undefined {
  // ip-num accepts "01.2.3.4" as octal-looking text in some versions; we never want that.
  if (!text.includes(':') && text.split('.').some((o) => o.length > 1 && o.startsWith('0'))) return undefined;
  try {
    return parse();
  } catch {
    return undefined;
  }
}

export function formatAddress(address: Address): string {
  if (address.family === 4) {
    // An IPv4 address fits a number: no bigint shifts, no array (this runs for every record written).
    const v = Number(address.value);
    return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
  }
  const hextets: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) hextets.push(((address.value >> shift) & 0xffffn).toString(16));
  return collapseIPv6Number(hextets.join(':'));
}

/** Canonical text of an address given as text: "2001:DB8:0::1" becomes "2001:db8::1". */
export function normalizeAddress(text: string, field = 'address'): string {
  return formatAddress(parseAddress(text, field));
}

export function familyName(family: Family): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}
