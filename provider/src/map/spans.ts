import { parseAddress } from '../net/address';
import { Cidr, endOf, formatCidr, parseCidr } from '../net/cidr';
import { parseCanonicalCidr } from './fast-cidr';
import { MapHolder, MapInput, MapState } from './model';

/** One occupant of the pool as an address range, the unit every layout works from. */
export interface Span {
  first: bigint;
  last: bigint;
  holder: MapHolder;
}

type Holding = Exclude<MapState, 'free'>;

/**
 * The pool's occupants (allocations, child pools, reserved blocks, the gateway) as spans sorted
 * by address, clipped to the pool and to each other. The engine never lets occupants overlap;
 * the map still clips, so that a store with a stray record draws every address once rather
 * than counting it twice. A gateway inside a reserved block is that block's (as in the ledger).
 * Cost: one parse per occupant and one sort, whatever the size of the pool.
 */
export function occupantSpans(pool: Cidr, input: MapInput): Span[] {
  const raw: Span[] = [];
  const add = (cidr: Cidr, holder: MapHolder) => raw.push({ first: cidr.start, last: endOf(cidr), holder });
  for (const text of input.reserved ?? []) add(parseCidr(text, 'reserved'), { state: 'reserved', cidr: text });
  if (input.gateway !== undefined) {
    const address = parseAddress(input.gateway, 'gateway');
    const host: Cidr = { family: address.family, start: address.value, prefix: address.family === 4 ? 32 : 128 };
    add(host, { state: 'gateway', cidr: formatCidr(host) });
  }
  for (const child of input.children ?? []) add(parseCanonicalCidr(child.cidr, 'children'), { state: 'child', name: child.name, cidr: child.cidr });
  for (const a of input.allocations) {
    const state = allocationState(a.status, a.graceEndsAt, input.nowMs);
    const holder: MapHolder = { state, name: a.owner, cidr: a.cidr };
    if (a.graceEndsAt !== undefined && state !== 'allocated') holder.expiresAt = a.graceEndsAt;
    add(parseCanonicalCidr(a.cidr, 'allocations'), holder);
  }
  // Larger first at one start: a block holding another keeps its addresses.
  raw.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.last > b.last ? -1 : a.last < b.last ? 1 : 0));
  const poolLast = endOf(pool);
  const spans: Span[] = [];
  let next = pool.start;
  for (const span of raw) {
    const first = span.first < next ? next : span.first;
    const last = span.last > poolLast ? poolLast : span.last;
    if (first > last) continue;
    spans.push(first === span.first && last === span.last ? span : { first, last, holder: span.holder });
    next = last + 1n;
  }
  return spans;
}

function allocationState(status: 'allocated' | 'released', graceEndsAt: string | undefined, nowMs: number): Holding {
  if (status === 'allocated') return 'allocated';
  return graceEndsAt !== undefined && Date.parse(graceEndsAt) > nowMs ? 'held' : 'reclaimable';
}

/** The aligned block [start, start + 2^order) as text. */
export function blockText(family: 4 | 6, start: bigint, order: number): string {
  return formatCidr({ family, start, prefix: (family === 4 ? 32 : 128) - order });
}
