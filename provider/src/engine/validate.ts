import { IpamError } from '../errors';
import { DEFAULT_GRACE_SECONDS, DEFAULT_SPACE, MAX_GRACE_SECONDS, STRATEGIES, Strategy } from '../model/records';
import { Cidr, bitsOf, contains, formatCidr, parseCidr, rangeToCidrs, endOf } from '../net/cidr';
import { formatAddress, parseAddress } from '../net/address';
import { firstHostOf, hostExclusions } from '../net/facts';

/**
 * Input checks shared by every operation. Each error names the field and says what would be
 * accepted, and runs before anything is decided, so bad input never changes state.
 */

// Pool names become Kubernetes object names on that backend: DNS-1123 subdomain rules.
const NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;
// Spaces become Kubernetes namespaces: DNS-1123 label rules.
const SPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_OWNER_LENGTH = 253;

export function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new IpamError(
      'INVALID_INPUT',
      `${field}: ${JSON.stringify(value)} is not a valid name; use 1 to 63 lowercase letters, digits, "-" or ".", starting and ending with a letter or digit`,
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
      `${field}: ${JSON.stringify(value)} is not a valid address space name; use 1 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit`,
      field,
    );
  }
  return value;
}

export function checkOwner(value: unknown, field = 'owner'): string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_OWNER_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new IpamError(
      'INVALID_INPUT',
      `${field}: ${JSON.stringify(value)} is not a valid owner key; give 1 to ${MAX_OWNER_LENGTH} printable characters (e.g. the stack and resource name)`,
      field,
    );
  }
  return value;
}

export function checkStrategy(value: unknown): Strategy {
  if (value === undefined) return 'first-fit';
  if (typeof value !== 'string' || !(STRATEGIES as readonly string[]).includes(value)) {
    throw new IpamError('INVALID_INPUT', `strategy: ${JSON.stringify(value)} is not a strategy; use one of ${STRATEGIES.join(', ')}`, 'strategy');
  }
  return value as Strategy;
}

export function checkGracePeriod(value: unknown): number {
  if (value === undefined) return DEFAULT_GRACE_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_GRACE_SECONDS) {
    throw new IpamError(
      'GRACE_PERIOD_INVALID',
      `gracePeriodSeconds: ${JSON.stringify(value)} is out of range; give whole seconds from 0 to ${MAX_GRACE_SECONDS} (7 days)`,
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
    throw new IpamError('INVALID_PREFIX_LENGTH', `${field}: ${JSON.stringify(value)} is not a prefix length${where}; give a whole number from ${min} to ${max}`, field);
  }
  return value;
}

export function checkLabels(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new IpamError('INVALID_INPUT', 'labels: give an object of string keys to string values, like {"team": "net"}', 'labels');
  }
  return { ...(value as Record<string, string>) };
}

export function checkDescription(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 1024) {
    throw new IpamError('INVALID_INPUT', 'description: give a text of at most 1024 characters', 'description');
  }
  return value;
}

/** The gateway address of a pool: `true` means the first host (seed 003: 10.0.0.1 of 10.0.0.0/24). */
export function checkGateway(value: unknown, pool: Cidr): string | undefined {
  if (value === undefined || value === false || value === null) return undefined;
  if (value === true) return formatAddress({ family: pool.family, value: firstHostOf(pool) });
  if (typeof value !== 'string') {
    throw new IpamError('INVALID_INPUT', 'gateway: give true (the first host) or an address inside the pool', 'gateway');
  }
  const address = parseAddress(value, 'gateway');
  if (address.family !== pool.family || address.value < pool.start || address.value > endOf(pool)) {
    throw new IpamError('OUTSIDE_POOL', `gateway: ${value} is outside the pool ${formatCidr(pool)}; give an address inside it`, 'gateway');
  }
  if (hostExclusions(pool).includes(address.value)) {
    throw new IpamError('RESERVED_ADDRESS', `gateway: ${value} is the network or broadcast address of ${formatCidr(pool)}; give a host address`, 'gateway');
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
    if (entry.includes('-')) {
      const [a, b] = entry.split('-').map((part) => parseAddress(part, field));
      if (a.family !== b.family || a.value > b.value) {
        throw new IpamError('INVALID_INPUT', `${field}: ${entry} is not a range; write the lower address first, both of one family`, field);
      }
      [first, last, family] = [a.value, b.value, a.family];
    } else {
      const cidr = parseCidr(entry, field);
      [first, last, family] = [cidr.start, endOf(cidr), cidr.family];
    }
    if (family !== pool.family || first < pool.start || last > endOf(pool)) {
      throw new IpamError('OUTSIDE_POOL', `${field}: ${entry} is outside the pool ${formatCidr(pool)}`, field);
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
