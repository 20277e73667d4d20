import { MAP_STATES, MapHolder, MapState } from './model';

/**
 * The words of the map: a cell's tooltip and SVG <title>, the terminal's element list. One
 * place, so the web view, the terminal and the SVG say the same thing about the same cell.
 */

/** A count of addresses people can read: exact up to a trillion, then as a power of two. */
export function formatCount(n: bigint): string {
  if (n < 1_000_000_000_000n) return n.toLocaleString('en-US');
  const bits = n.toString(2).length - 1;
  return n === 1n << BigInt(bits) ? `2^${bits}` : `about 2^${bits}`;
}

const plural = (n: bigint, word: string): string => `${formatCount(n)} ${word}${n === 1n ? '' : 'es'}`;
const addresses = (n: bigint): string => plural(n, 'address');

/** One occupant: "10.0.0.0/24 allocated to web", with the cell's free rest when it shares the cell. */
export function holderText(holder: MapHolder, cellWhere: string | undefined, free: bigint, size: bigint): string {
  const text = occupantText(holder);
  if (cellWhere === undefined && free === 0n) return text;
  const rest = free === 0n ? '' : `; ${formatCount(free)} of ${addresses(size)} free`;
  return `${cellWhere ?? holder.cidr}: ${text}${rest}`;
}

function occupantText(holder: MapHolder): string {
  switch (holder.state) {
    case 'allocated':
      return `${holder.cidr} allocated to ${holder.name}`;
    case 'held':
      return `${holder.cidr} released by ${holder.name}, held for it until ${holder.expiresAt}`;
    case 'reclaimable':
      return `${holder.cidr} released by ${holder.name}, grace period over${holder.expiresAt === undefined ? '' : ` since ${holder.expiresAt}`}: reusable`;
    case 'reserved':
      return `${holder.cidr} reserved`;
    case 'gateway':
      return `${holder.cidr.slice(0, holder.cidr.indexOf('/'))} gateway`;
    case 'child':
      return `${holder.cidr} child pool ${holder.name}`;
  }
}

const OCCUPANT_WORDS: Record<Exclude<MapState, 'free'>, [string, string]> = {
  allocated: ['allocation', 'allocations'],
  held: ['held block', 'held blocks'],
  reclaimable: ['reclaimable block', 'reclaimable blocks'],
  reserved: ['reserved block', 'reserved blocks'],
  gateway: ['gateway', 'gateways'],
  child: ['child pool', 'child pools'],
};

/** A cell several occupants share: "10.4.0.0/18: 12 allocations (768 addresses), 15,616 addresses free". */
export function mixText(where: string, occupants: ReadonlyMap<MapState, number>, counts: ReadonlyMap<MapState, bigint>, free: bigint): string {
  const parts: string[] = [];
  for (const state of MAP_STATES) {
    if (state === 'free') continue;
    const n = occupants.get(state);
    if (n === undefined) continue;
    const [one, many] = OCCUPANT_WORDS[state];
    parts.push(`${n.toLocaleString('en-US')} ${n === 1 ? one : many} (${addresses(counts.get(state)!)})`);
  }
  if (free > 0n) parts.push(`${addresses(free)} free`);
  return `${where}: ${parts.join(', ')}`;
}
