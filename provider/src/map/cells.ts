import { formatAddress } from '../net/address';
import { MAP_STATES, MapCell, MapHolder, MapState } from './model';
import { Span } from './spans';
import { holderText, mixText } from './labels';

/**
 * What one cell holds, summed span by span: addresses per state, how many occupants reach into
 * it, and the occupant when there is only one. Adding a span costs O(1), so a cell costs the
 * spans that touch it, never its addresses.
 */
export class CellTally {
  readonly counts = new Map<MapState, bigint>();
  occupants = 0;
  holder: MapHolder | undefined;
  /** Occupants per state, for the label of a mixed cell. */
  readonly occupantsByState = new Map<MapState, number>();

  constructor(
    readonly first: bigint,
    readonly last: bigint,
  ) {}

  /** Counts the part of `span` inside the cell (the caller knows they overlap). */
  add(span: Span): void {
    const from = span.first > this.first ? span.first : this.first;
    const to = span.last < this.last ? span.last : this.last;
    const state = span.holder.state;
    this.counts.set(state, (this.counts.get(state) ?? 0n) + (to - from + 1n));
    this.occupantsByState.set(state, (this.occupantsByState.get(state) ?? 0) + 1);
    this.occupants += 1;
    this.holder = this.occupants === 1 ? span.holder : undefined;
  }
}

export interface CellPlace {
  cidr?: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The finished cell: free space is what no occupant holds; the colour is the state holding the most. */
export function finishCell(family: 4 | 6, tally: CellTally, place: CellPlace): MapCell {
  const size = tally.last - tally.first + 1n;
  let occupied = 0n;
  let main: MapState = 'free';
  let mainCount = 0n;
  const counts: Partial<Record<MapState, string>> = {};
  for (const state of MAP_STATES) {
    const count = tally.counts.get(state);
    if (count === undefined || count === 0n) continue;
    counts[state] = count.toString();
    occupied += count;
    if (count > mainCount) {
      main = state;
      mainCount = count;
    }
  }
  const free = size - occupied;
  if (free > 0n) counts.free = free.toString();
  const statesPresent = Object.keys(counts).length;
  const state: MapCell['state'] = statesPresent === 1 ? (free > 0n ? 'free' : main) : 'mixed';
  const first = formatAddress({ family, value: tally.first });
  const last = formatAddress({ family, value: tally.last });
  const where = place.cidr ?? (first === last ? first : `${first} - ${last}`);
  const cell: MapCell = {
    first,
    last,
    ...(place.cidr === undefined ? {} : { cidr: place.cidr }),
    size: size.toString(),
    state,
    main,
    counts,
    occupants: tally.occupants,
    label: '',
    x: place.x,
    y: place.y,
    w: place.w,
    h: place.h,
  };
  if (tally.holder !== undefined) cell.holder = tally.holder;
  cell.label =
    tally.holder !== undefined
      ? holderText(tally.holder, where === tally.holder.cidr ? undefined : where, free, size)
      : mixText(where, tally.occupantsByState, tally.counts, free);
  return cell;
}
