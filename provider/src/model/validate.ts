import { IpamError, UNSAFE_CHARACTER, codePointName, quote } from '../errors';
import { DEFAULT_GRACE_SECONDS, DEFAULT_SPACE, MAX_GRACE_SECONDS, STRATEGIES, Strategy } from './records';
import { Cidr, bitsOf, contains, formatCidr, parseCidr, rangeToCidrs, endOf } from '../net/cidr';
import { formatAddress, parseAddress } from '../net/address';
import { firstHostOf, hostExclusions } from '../net/facts';

/**
 * Input checks shared by every operation. Each error names the field and says what would be
 * accepted, and runs before anything is decided, so bad input never changes state.
 */

// Pool names become Kubernetes object names on that backend: DNS-1123 subdomain rules (dot-separated
// labels, each starting and ending with a letter or digit, so no "a..b" or "a.-b"), at most 63 long.
const NAME_LABEL = '[a-z0-9]([a-z0-9-]*[a-z0-9])?';
const NAME = new RegExp(`^${NAME_LABEL}(\\.${NAME_LABEL})*$`);
const MAX_NAME_LENGTH = 63;
// Spaces become Kubernetes namespaces: DNS-1123 label rules.
const SPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_OWNER_LENGTH = 253;

export function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_NAME_LENGTH || !NAME.test(value)) {
    throw new IpamError(
      'INVALID_INPUT',
      `${field}: ${quote(value)} is not a valid name; use 1 to ${MAX_NAME_LENGTH} lowercase letters, digits, "-" or ".", where each part between dots starts and ends with a letter or digit`,
      field,
    );
  }
  return value;
}

export function checkSpace(value: unknown, field = 'space'): string {
  if (value === undefined) return DEFAULT_SPACE;
  if (typeof value !== 'string' || !SPACE.test(value)) {
    throw new IpamError(
      'INVALID_INPUT',
      `${field}: ${quote(value)} is not a valid address space name; use 1 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit`,
      field,
    );
  }
  return value;
}

/** Owner keys (and cluster names, which are a slice's owners) are printed in tables: printable text only. */
export function checkOwner(value: unknown, field = 'owner'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_OWNER_LENGTH) {
    throw new IpamError(
      'INVALID_INPUT',
      `${field}: ${quote(value)} is not a valid owner key; give 1 to ${MAX_OWNER_LENGTH} printable characters (e.g. the stack and resource name)`,
      field,
    );
  }
  checkPrintable(value, field, 'an owner key');
  return value;
}

/**
 * Refuses text holding a control or invisible character (errors.ts UNSAFE_CHARACTER): printed,
 * it could rewrite the terminal or pass for other text. The message names the character.
 */
export function checkPrintable(value: string, field: string, what: string): void {
  const unsafe = UNSAFE_CHARACTER.exec(value);
  if (unsafe === null) return;
  throw new IpamError(
    'INVALID_INPUT',
    `${field}: ${quote(value)} holds ${codePointName(unsafe[0])} at position ${[...value.slice(0, unsafe.index)].length + 1}, a control or invisible character; ${what} must be printable text, so remove it`,
    field,
  );
}

export function checkStrategy(value: unknown): Strategy {
  if (value === undefined) return 'first-fit';
  if (typeof value !== 'string' || !(STRATEGIES as readonly string[]).includes(value)) {
    throw new IpamError('INVALID_INPUT', `strategy: ${quote(value)} is not a strategy; use one of ${STRATEGIES.join(', ')}`, 'strategy');
  }
  return value as Strategy;
}

export function checkGracePeriod(value: unknown): number {
  if (value === undefined) return DEFAULT_GRACE_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_GRACE_SECONDS) {
    throw new IpamError(
      'GRACE_PERIOD_INVALID',
      `gracePeriodSeconds: ${quote(value)} is out of range; give whole seconds from 0 to ${MAX_GRACE_SECONDS} (7 days)`,
      'gracePeriodSeconds',
    );
  }
  return value;
}

export function checkPrefixLength(value: unknown, field: string, within?: Cidr): number {
  const max = within === undefined ? 128 : bitsOf(within.family);
  const min = within === undefined ? 0 : within.prefix;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const where = within === undefined ? '' : ` for ${formatCidr(within)}`;
    throw new IpamError('INVALID_PREFIX_LENGTH', `${field}: ${quote(value)} is not a prefix length${where}; give a whole number from ${min} to ${max}`, field);
  }
  return value;
}

export function checkLabels(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new IpamError('INVALID_INPUT', 'labels: give an object of string keys to string values, like {"team": "net"}', 'labels');
  }
  for (const [key, text] of Object.entries(value as Record<string, string>)) {
    // A key that a terminal would misprint is named by the message, not by the field.
    checkPrintable(key, 'labels', 'a label key');
    const problem = labelKeyProblem(key);
    if (problem !== undefined) throw new IpamError('INVALID_INPUT', `labels.${key}: ${problem}`, `labels.${key}`);
    checkPrintable(text, `labels.${key}`, 'a label value');
  }
  return { ...(value as Record<string, string>) };
}

/**
 * Why a label key is refused, or undefined. "__proto__" is a key JSON can carry but a plain
 * JavaScript object cannot hold: some paths would drop it, others set a prototype. Shared with
 * the HTTP schema (server/schemas.ts), which must refuse it before parsing would drop it.
 */
export function labelKeyProblem(key: string): string | undefined {
  return key === '__proto__' ? 'this label key is reserved by JavaScript and would be lost; choose another key' : undefined;
}

export function checkDescription(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 1024) {
    throw new IpamError('INVALID_INPUT', 'description: give a text of at most 1024 characters', 'description');
  }
  checkPrintable(value, 'description', 'a description'); // `ipam pool show` prints it
  return value;
}

/** The gateway address of a pool: `true` means the first host (10.0.0.1 of a VPN pool 10.0.0.0/24). */
export function checkGateway(value: unknown, pool: Cidr): string | undefined {
  if (value === undefined || value === false || value === null) return undefined;
  if (value === true) return formatAddress({ family: pool.family, value: firstHostOf(pool) });
  if (typeof value !== 'string') {
    throw new IpamError('INVALID_INPUT', 'gateway: give true (the first host) or an address inside the pool', 'gateway');
  }
  const address = parseAddress(value, 'gateway');
  if (address.family !== pool.family || address.value < pool.start || address.value > endOf(pool)) {
    throw new IpamError('OUTSIDE_POOL', `gateway: ${formatAddress(address)} is outside the pool ${formatCidr(pool)}; give an address inside it`, 'gateway');
  }
  if (hostExclusions(pool).includes(address.value)) {
    throw new IpamError('RESERVED_ADDRESS', `gateway: ${formatAddress(address)} is the network or broadcast address of ${formatCidr(pool)}; give a host address`, 'gateway');
  }
  return formatAddress(address);
}

/**
 * Reserved ranges: CIDRs or "first-last" address ranges, inside the pool. Returned as the
 * merged minimal list of blocks, so overlapping entries from a user never become two
 * occupants of one block.
 */
export function checkReserved(value: unknown, pool: Cidr): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new IpamError('INVALID_INPUT', 'reserved: give a list of CIDRs or address ranges', 'reserved');
  const ranges: [bigint, bigint][] = [];
  value.forEach((entry, i) => {
    const field = `reserved[${i}]`;
    if (typeof entry !== 'string') throw new IpamError('INVALID_INPUT', `${field}: give a CIDR like 10.0.0.0/28 or a range like 10.0.0.1-10.0.0.9`, field);
    let first: bigint;
    let last: bigint;
    let family: 4 | 6;
    let shown: string; // the entry in canonical form (RFC 5952 for IPv6), for messages
    if (entry.includes('-')) {
      const parts = entry.split('-');
      if (parts.length !== 2) {
        throw new IpamError('INVALID_INPUT', `${field}: ${quote(entry)} is not a range; write two addresses joined by one "-", like 10.0.0.1-10.0.0.9`, field);
      }
      const [a, b] = parts.map((part) => parseAddress(part, field));
      if (a.family !== b.family || a.value > b.value) {
        throw new IpamError('INVALID_INPUT', `${field}: ${quote(entry)} is not a range; write the lower address first, both of one family`, field);
      }
      [first, last, family] = [a.value, b.value, a.family];
      shown = `${formatAddress(a)}-${formatAddress(b)}`;
    } else {
      const cidr = parseCidr(entry, field);
      [first, last, family] = [cidr.start, endOf(cidr), cidr.family];
      shown = formatCidr(cidr);
    }
    if (family !== pool.family || first < pool.start || last > endOf(pool)) {
      throw new IpamError('OUTSIDE_POOL', `${field}: ${shown} is outside the pool ${formatCidr(pool)}`, field);
    }
    ranges.push([first, last]);
  });
  ranges.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const [first, last] of ranges) {
    const top = merged[merged.length - 1];
    if (top !== undefined && first <= top[1] + 1n) top[1] = last > top[1] ? last : top[1];
    else merged.push([first, last]);
  }
  return merged.flatMap(([first, last]) => rangeToCidrs(pool.family, first, last).map(formatCidr));
}

export function checkCidrWithin(text: unknown, field: string, pool?: Cidr): Cidr {
  if (typeof text !== 'string') throw new IpamError('INVALID_CIDR', `${field}: give a CIDR like 10.0.0.0/16`, field);
  const cidr = parseCidr(text, field);
  if (pool !== undefined && !contains(pool, cidr)) {
    throw new IpamError('OUTSIDE_POOL', `${field}: ${formatCidr(cidr)} is outside ${formatCidr(pool)}`, field);
  }
  return cidr;
}
