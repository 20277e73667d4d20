import { OptionSpec } from './args';
import type { Command } from './command';

export const MAP_OPTIONS: Record<string, OptionSpec> = {
  svg: { type: 'value', valueName: 'FILE', help: 'write the map as an SVG file instead of printing it' },
  cells: { type: 'value', valueName: 'N', help: 'at most N cells (default 1024, at most 4096)' },
  'cell-prefix': { type: 'value', valueName: 'N', help: 'grid cells of this prefix length (e.g. 24: the pool\'s /24s)' },
  layout: { type: 'value', valueName: 'grid|treemap', help: 'grid (IPv4 default) or treemap (IPv6 default)' },
};

/**
 * `ipam pool map POOL`: the pool's address map from the same layout the web view draws. On a
 * terminal in colour (Unicode blocks), elsewhere in letters with a legend, so a pipe or a log
 * keeps it readable; `--svg FILE` writes it as an SVG document instead.
 */
export const mapCommand: Command = {
  path: ['pool', 'map'],
  usage: 'pool map POOL [--svg FILE] [--cells N] [--cell-prefix N] [--layout grid|treemap]',
  summary: "draw the pool's address space: who holds what, what is free (colours on a terminal, --svg for a file)",
  args: ['POOL'],
  options: Object.keys(MAP_OPTIONS),
  // The map's modules (and the zod description of a map) load only for this command.
  run: async (ctx) => (await import('./map-draw')).drawMap(ctx),
};
