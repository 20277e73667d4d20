/**
 * The address map of a pool: what the web view, `ipam pool map` and its SVG draw. One pure
 * function (layout.ts) turns a pool and its occupants into a bounded list of cells; renderers
 * only paint them. Address counts are decimal strings: an IPv6 pool holds more addresses than a
 * JSON number can.
 */

/** What an address is doing, as the map colours it. */
export type MapState = 'allocated' | 'held' | 'reclaimable' | 'reserved' | 'gateway' | 'child' | 'free';

/** Legend order: what holds space first, free last. */
export const MAP_STATES: readonly MapState[] = ['allocated', 'held', 'reclaimable', 'reserved', 'gateway', 'child', 'free'];

export const STATE_NAMES: Readonly<Record<MapState, string>> = {
  allocated: 'allocated',
  held: 'released, held for its owner',
  reclaimable: 'released, grace period over',
  reserved: 'reserved',
  gateway: 'gateway',
  child: 'child pool',
  free: 'free',
};

/** The pool and what occupies it, as the API reports them (normalised CIDR text). */
export interface MapInput {
  /** The pool's block. */
  cidr: string;
  reserved?: readonly string[];
  gateway?: string;
  allocations: readonly MapAllocation[];
  children?: readonly { name: string; cidr: string }[];
  /** Now, in ms since the epoch: tells a released block still held for its owner from a reclaimable one. */
  nowMs: number;
}

export interface MapAllocation {
  owner: string;
  cidr: string;
  status: 'allocated' | 'released';
  /** For a released allocation: when its grace period ends (ISO-8601). */
  graceEndsAt?: string;
}

export type MapLayoutKind = 'grid' | 'treemap';

export interface MapOptions {
  /** "grid" (the default for IPv4) or "treemap" (the default for IPv6, where a grid cannot scale). */
  layout?: MapLayoutKind;
  /** At most this many cells (default DEFAULT_MAX_CELLS). */
  maxCells?: number;
  /** Grid only: the size of a cell as a prefix length (e.g. 24 for the pool's /24s). */
  cellPrefix?: number;
  /** Treemap only: width / height of the drawing (default 1.6). */
  aspect?: number;
}

export const DEFAULT_MAX_CELLS = 1024;
/** The most cells a map may ask for: enough for a /8 drawn as /20s, still a few thousand elements. */
export const MAX_CELLS = 4096;

/** What holds a cell when one occupant does. */
export interface MapHolder {
  state: Exclude<MapState, 'free'>;
  /** The owner of an allocation, the name of a child pool. */
  name?: string;
  cidr: string;
  /** Held or reclaimable allocations: when the grace period ends (or ended). */
  expiresAt?: string;
}

export interface MapCell {
  /** First and last address of the cell. */
  first: string;
  last: string;
  /** The cell's block, when it is one aligned block (every grid cell, most treemap cells). */
  cidr?: string;
  /** Addresses in the cell. */
  size: string;
  /** The one state of every address in the cell, or "mixed". */
  state: MapState | 'mixed';
  /** The state that holds most of the cell's occupied addresses ("free" when nothing does): its colour. */
  main: MapState;
  /** Addresses per state; states with none are left out. */
  counts: Partial<Record<MapState, string>>;
  /** Allocations, child pools and reserved blocks that reach into the cell. */
  occupants: number;
  /** The occupant, when exactly one reaches into the cell. */
  holder?: MapHolder;
  /** What the cell shows, in words (a tooltip, an SVG <title>). */
  label: string;
  /** Position in the map's coordinates (0..width, 0..height). */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PoolMap {
  cidr: string;
  family: 4 | 6;
  layout: MapLayoutKind;
  /** Size of the drawing in the cells' coordinates: columns x rows for a grid. */
  width: number;
  height: number;
  /** Grid only: every cell is a block of this prefix length. */
  cellPrefix?: number;
  /** Grid only: the first address of each row, top to bottom. */
  rowLabels?: string[];
  /** In address order. Never more than the cell limit, whatever the number of addresses or allocations. */
  cells: MapCell[];
  /** Addresses per state over the whole pool. */
  totals: Record<MapState, string>;
  /** Occupants (allocations, child pools, reserved blocks, gateway) in the pool. */
  occupants: number;
}
