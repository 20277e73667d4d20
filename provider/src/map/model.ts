import { z } from 'zod';

/**
 * The address map of a pool: what the web view, `ipam pool map` and its SVG draw. One pure
 * function (layout.ts) turns a pool and its occupants into a bounded list of cells; renderers
 * only paint them. Address counts are decimal strings: an IPv6 pool holds more addresses than a
 * JSON number can.
 */

/** What an address is doing, as the map colours it; in legend order: what holds space first, free last. */
const mapStateSchema = z.enum(['allocated', 'held', 'reclaimable', 'reserved', 'gateway', 'child', 'free']);
export type MapState = z.infer<typeof mapStateSchema>;
export const MAP_STATES: readonly MapState[] = mapStateSchema.options;

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

const mapLayoutSchema = z.enum(['grid', 'treemap']);
export type MapLayoutKind = z.infer<typeof mapLayoutSchema>;

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
const mapHolderSchema = z.object({
  state: mapStateSchema.exclude(['free']),
  name: z.string().describe('the owner of an allocation, the name of a child pool').optional(),
  cidr: z.string(),
  expiresAt: z.string().describe('held or reclaimable allocations: when the grace period ends (or ended)').optional(),
});
export type MapHolder = z.infer<typeof mapHolderSchema>;

const mapCellSchema = z.object({
  first: z.string().describe('first address of the cell'),
  last: z.string().describe('last address of the cell'),
  cidr: z.string().describe("the cell's block, when it is one aligned block (every grid cell, most treemap cells)").optional(),
  size: z.string().describe('addresses in the cell'),
  state: z.union([mapStateSchema, z.literal('mixed')]).describe('the one state of every address in the cell, or "mixed"'),
  main: mapStateSchema.describe('the state that holds most of the occupied addresses ("free" when none): its colour'),
  counts: z.partialRecord(mapStateSchema, z.string()).describe('addresses per state; states with none are left out'),
  occupants: z.number().int().describe('allocations, child pools and reserved blocks that reach into the cell'),
  holder: mapHolderSchema.describe('the occupant, when exactly one reaches into the cell').optional(),
  label: z.string().describe('what the cell shows, in words (a tooltip, an SVG <title>)'),
  x: z.number(),
  y: z.number(),
  w: z.number(),
  h: z.number(),
});
export type MapCell = z.infer<typeof mapCellSchema>;

/** GET .../pools/{pool}/map: the pool drawn as at most MAX_CELLS cells. */
export const poolMapSchema = z
  .object({
    cidr: z.string(),
    family: z.union([z.literal(4), z.literal(6)]),
    layout: mapLayoutSchema,
    width: z.number().describe("size of the drawing in the cells' coordinates: columns x rows for a grid"),
    height: z.number(),
    cellPrefix: z.number().int().describe('grid only: every cell is a block of this prefix length').optional(),
    rowLabels: z.array(z.string()).describe('grid only: the first address of each row, top to bottom').optional(),
    cells: z.array(mapCellSchema).describe('in address order, never more than the cell limit'),
    totals: z.record(mapStateSchema, z.string()).describe('addresses per state over the whole pool'),
    occupants: z.number().int().describe('occupants (allocations, child pools, reserved blocks, gateway) in the pool'),
  })
  .describe('the address map of a pool');
export type PoolMap = z.infer<typeof poolMapSchema>;
