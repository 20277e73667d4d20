import type * as IpNum from 'ip-num';
import { formatIPv6 } from './ipv6-text';
import { errors } from '../errors';

/**
 * Addresses are a family and a bigint. ip-num parses IPv6 text (it knows its corner cases);
 * dotted IPv4 is simple enough to read here, so a command that only meets IPv4 never loads
 * ip-num (13 modules, a tenth of `ipam pool list`'s start-up). Every piece of arithmetic is
 * ours, on bigints.
 */
export type Family = 4 | 6;

export const FAMILY_BITS: Readonly<Record<Family, number>> = { 4: 32, 6: 128 };

export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

const IPV4_TEXT = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6_TEXT = /^[0-9a-fA-F:.]+$/;

/**
 * IPv6 blocks whose addresses are IPv4 addresses in disguise (RFC 4291 2.5.5): ::ffff:10.0.0.7
 * is 10.0.0.7. A pool there would hand out 10.0.0.7 a second time beside an IPv4 pool, and no
 * store's overlap check sees it, so addresses and blocks that reach into them are refused and
 * the IPv4 form is suggested. (::/96 also holds :: and ::1, which no pool hands out either.)
 */
export interface Ipv4Alias {
  readonly first: bigint;
  readonly last: bigint;
  readonly block: string;
  readonly name: string;
}

const IPV4_ALIASES: readonly Ipv4Alias[] = [
  { first: 0xffff_0000_0000n, last: 0xffff_ffff_ffffn, block: '::ffff:0:0/96', name: 'IPv4-mapped' },
  { first: 0n, last: 0xffff_ffffn, block: '::/96', name: 'IPv4-compatible' },
];

/** Where an IPv6 range [first, last] reaches into a block that aliases IPv4, the first such block. */
export function ipv4AliasIn(first: bigint, last: bigint): Ipv4Alias | undefined {
  return IPV4_ALIASES.find((alias) => first <= alias.last && alias.first <= last);
}

/** Parses an IPv4 or IPv6 address; `field` names the input in the error a person reads. */
export function parseAddress(text: string, field = 'address'): Address {
  const address = parseAddressText(text);
  if (address === undefined) {
    throw errors.INVALID_ADDRESS({ case: 'not-address', field, text });
  }
  const alias = address.family === 6 ? ipv4AliasIn(address.value, address.value) : undefined;
  if (alias !== undefined) {
    const ipv4 = formatAddress({ family: 4, value: address.value & 0xffff_ffffn });
    throw errors.INVALID_ADDRESS({ case: 'ipv4-alias', field, text, alias, ipv4 });
  }
  return address;
}

/**
 * The address written in `text`, or undefined when it is none. No rule beyond the syntax: the
 * IPv4 alias rule is applied by parseAddress, and by parseCidr to the whole block.
 */
export function parseAddressText(text: string): Address | undefined {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const value = IPV4_TEXT.test(trimmed)
    ? ipv4Value(trimmed)
    : trimmed.includes(':') && IPV6_TEXT.test(trimmed)
      ? ipv6Value(trimmed)
      : undefined;
  return value === undefined ? undefined : { family: trimmed.includes(':') ? 6 : 4, value };
}

/** Dotted IPv4 text that IPV4_TEXT matched: four decimal octets up to 255, none with a leading zero. */
function ipv4Value(text: string): bigint | undefined {
  let value = 0;
  for (const octet of text.split('.')) {
    // "01.2.3.4" looks octal to some parsers; we never want it.
    if (octet.length > 1 && octet.startsWith('0')) return undefined;
    const n = Number(octet);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return BigInt(value);
}

let loadedIpNum: typeof IpNum | undefined;
function ipNum(): typeof IpNum {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loadedIpNum ??= require('ip-num') as typeof IpNum;
  return loadedIpNum;
}

function ipv6Value(text: string): bigint | undefined {
  // "::ffff:01.2.3.4": a dotted tail that looks octal is refused as in IPv4 (ipv4Value).
  const dotted = text.slice(text.lastIndexOf(':') + 1);
  if (dotted.includes('.') && dotted.split('.').some((o) => o.length > 1 && o.startsWith('0'))) return undefined;
  try {
    return ipNum().IPv6.fromString(text).value;
  } catch {
    return undefined;
  }
}

/**
 * The text of an IPv4 address before its last octet ("10.1.2."), remembered by its first three
 * octets in 256 slots (neighbouring /24s take different ones): the blocks and hosts allocated
 * one after another mostly share it, and building it was six strings, each a new object, for
 * every record formatted.
 */
const HEAD_SLOTS = 256;
const headKey = new Int32Array(HEAD_SLOTS).fill(-1);
const headText: string[] = new Array<string>(HEAD_SLOTS).fill('');

export function formatAddress(address: Address): string {
  if (address.family === 4) {
    // An IPv4 address fits a number: no bigint shifts, no array (this runs for every record written).
    const v = Number(address.value);
    return ipv4TextBeforeLastOctet(v) + (v & 0xff);
  }
  return formatIPv6(address.value);
}

/** "10.1.2." for the IPv4 address 10.1.2.x given as a number (see above). */
export function ipv4TextBeforeLastOctet(v: number): string {
  const key = v >>> 8;
  const slot = key & (HEAD_SLOTS - 1);
  if (headKey[slot] !== key) {
    headText[slot] = `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.`;
    headKey[slot] = key;
  }
  return headText[slot];
}

/** Canonical text of an address given as text: "2001:DB8:0::1" becomes "2001:db8::1". */
export function normalizeAddress(text: string, field = 'address'): string {
  return formatAddress(parseAddress(text, field));
}

export function familyName(family: Family): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}
