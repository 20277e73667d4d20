import { PrintableText, RESERVED_LABEL_KEY, UNSAFE_CHARACTER, errors } from '../errors';
import { DEFAULT_GRACE_SECONDS, DEFAULT_SPACE, MAX_GRACE_SECONDS, STRATEGIES } from './constants';
import { Strategy } from './records';
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
const MAX_DESCRIPTION_LENGTH = 1024;

export function checkName(value: unknown, field: string): string {
  // Whether a name is valid depends on the text alone, and every allocation names its pool:
  // the last name that passed needs no second look at the pattern.
  if (typeof value === 'string' && value === lastValidName) return value;
  if (typeof value !== 'string' || value.length > MAX_NAME_LENGTH || !NAME.test(value)) {
    throw errors.INVALID_INPUT({ case: 'name', field, value, max: MAX_NAME_LENGTH });
  }
  lastValidName = value;
  return value;
}

let lastValidName: string | undefined;

export function checkSpace(value: unknown, field = 'space'): string {
  if (value === undefined) return DEFAULT_SPACE;
  if (typeof value !== 'string' || !SPACE.test(value)) {
    throw errors.INVALID_INPUT({ case: 'space', field, value });
  }
  return value;
}

/** Owner keys (and cluster names, which are a slice's owners) are printed in tables: printable text only. */
export function checkOwner(value: unknown, field = 'owner'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_OWNER_LENGTH) {
    throw errors.INVALID_INPUT({ case: 'owner', field, value, max: MAX_OWNER_LENGTH });
  }
  checkPrintable(value, field, 'owner-key');
  return value;
}

/**
 * Refuses text holding a control or invisible character (errors.ts UNSAFE_CHARACTER): printed,
 * it could rewrite the terminal or pass for other text. The message names the character.
 */
export function checkPrintable(value: string, field: string, what: PrintableText): void {
  const unsafe = UNSAFE_CHARACTER.exec(value);
  if (unsafe === null) return;
  throw errors.INVALID_INPUT({ case: 'unprintable', field, value, character: unsafe[0], position: [...value.slice(0, unsafe.index)].length + 1, what });
}

export function checkStrategy(value: unknown): Strategy {
  if (value === undefined) return 'first-fit';
  if (typeof value !== 'string' || !(STRATEGIES as readonly string[]).includes(value)) {
    throw errors.INVALID_INPUT({ case: 'strategy', value, strategies: STRATEGIES });
  }
  return value as Strategy;
}

export function checkGracePeriod(value: unknown): number {
  if (value === undefined) return DEFAULT_GRACE_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_GRACE_SECONDS) {
    throw errors.GRACE_PERIOD_INVALID({ case: 'seconds', value, max: MAX_GRACE_SECONDS });
  }
  return value;
}

export function checkPrefixLength(value: unknown, field: string, within?: Cidr): number {
  const max = within === undefined ? 128 : bitsOf(within.family);
  const min = within === undefined ? 0 : within.prefix;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw errors.INVALID_PREFIX_LENGTH({ case: 'range', field, value, within: within === undefined ? undefined : formatCidr(within), min, max });
  }
  return value;
}

export function checkLabels(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw errors.INVALID_INPUT({ case: 'labels-shape' });
  }
  for (const [key, text] of Object.entries(value as Record<string, string>)) {
    // A key that a terminal would misprint is named by the message, not by the field.
    checkPrintable(key, 'labels', 'label-key');
    if (labelKeyProblem(key) !== undefined) throw errors.INVALID_INPUT({ case: 'label-key-reserved', key });
    checkPrintable(text, `labels.${key}`, 'label-value');
  }
  return { ...(value as Record<string, string>) };
}

/**
 * Why a label key is refused, or undefined. "__proto__" is a key JSON can carry but a plain
 * JavaScript object cannot hold: some paths would drop it, others set a prototype. Shared with
 * the HTTP schema (server/schemas.ts), which must refuse it before parsing would drop it.
 */
export function labelKeyProblem(key: string): string | undefined {
  return key === '__proto__' ? RESERVED_LABEL_KEY : undefined;
}

export function checkDescription(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_DESCRIPTION_LENGTH) {
    throw errors.INVALID_INPUT({ case: 'description', max: MAX_DESCRIPTION_LENGTH });
  }
  checkPrintable(value, 'description', 'description'); // `ipam pool show` prints it
  return value;
}

/** The gateway address of a pool: `true` means the first host (10.0.0.1 of a VPN pool 10.0.0.0/24). */
export function checkGateway(value: unknown, pool: Cidr): string | undefined {
  if (value === undefined || value === false || value === null) return undefined;
  if (value === true) return formatAddress({ family: pool.family, value: firstHostOf(pool) });
  if (typeof value !== 'string') {
    throw errors.INVALID_INPUT({ case: 'gateway-shape' });
  }
  const address = parseAddress(value, 'gateway');
  if (address.family !== pool.family || address.value < pool.start || address.value > endOf(pool)) {
    throw errors.OUTSIDE_POOL({ case: 'setting', field: 'gateway', value: formatAddress(address), cidr: formatCidr(pool), fix: 'give-inside' });
  }
  if (hostExclusions(pool).includes(address.value)) {
    throw errors.RESERVED_ADDRESS({ case: 'gateway-not-host', address: formatAddress(address), cidr: formatCidr(pool) });
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
  if (!Array.isArray(value)) throw errors.INVALID_INPUT({ case: 'reserved-shape' });
  const ranges: [bigint, bigint][] = [];
  value.forEach((entry, i) => {
    const field = `reserved[${i}]`;
    if (typeof entry !== 'string') throw errors.INVALID_INPUT({ case: 'reserved-entry-shape', field });
    let first: bigint;
    let last: bigint;
    let family: 4 | 6;
    let shown: string; // the entry in canonical form (RFC 5952 for IPv6), for messages
    if (entry.includes('-')) {
      const parts = entry.split('-');
      if (parts.length !== 2) {
        throw errors.INVALID_INPUT({ case: 'range-parts', field, entry });
      }
      const [a, b] = parts.map((part) => parseAddress(part, field));
      if (a.family !== b.family || a.value > b.value) {
        throw errors.INVALID_INPUT({ case: 'range-order', field, entry });
      }
      [first, last, family] = [a.value, b.value, a.family];
      shown = `${formatAddress(a)}-${formatAddress(b)}`;
    } else {
      const cidr = parseCidr(entry, field);
      [first, last, family] = [cidr.start, endOf(cidr), cidr.family];
      shown = formatCidr(cidr);
    }
    if (family !== pool.family || first < pool.start || last > endOf(pool)) {
      throw errors.OUTSIDE_POOL({ case: 'setting', field, value: shown, cidr: formatCidr(pool) });
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
  if (typeof text !== 'string') throw errors.INVALID_CIDR({ case: 'not-text', field });
  const cidr = parseCidr(text, field);
  if (pool !== undefined && !contains(pool, cidr)) {
    throw errors.OUTSIDE_POOL({ case: 'block', field, block: formatCidr(cidr), within: formatCidr(pool) });
  }
  return cidr;
}
