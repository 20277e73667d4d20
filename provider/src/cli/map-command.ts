import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errors } from '../errors';
import { MapLayoutKind, MapOptions } from '../map/model';
import { mapTitle, poolMapOf } from '../map/source';
import { renderSvg } from '../map/svg';
import { renderTerminal } from '../map/terminal';
import { OptionSpec, UsageError, parseInteger } from './args';
import type { Command, CommandContext } from './command';

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
  async run(ctx) {
    const { pool, map } = await poolMapOf(ctx.api, { space: ctx.space, pool: ctx.args[0] }, mapOptions(ctx), Date.now());
    const title = mapTitle(pool);
    const svg = ctx.options.svg as string | undefined;
    if (svg !== undefined) {
      const file = resolve(ctx.cwd, svg);
      try {
        writeFileSync(file, renderSvg(map, title));
      } catch (e) {
        throw errors.INVALID_INPUT({ case: 'map-svg-file', file, cause: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      }
      return { json: { file, cells: map.cells.length }, text: `wrote ${file}: the map of pool ${pool.name} in ${map.cells.length} cells` };
    }
    return { json: map, text: renderTerminal(map, title, { color: ctx.color }), escaped: true };
  },
};

function mapOptions(ctx: CommandContext): MapOptions {
  const layout = ctx.options.layout as string | undefined;
  if (layout !== undefined && layout !== 'grid' && layout !== 'treemap') throw new UsageError(`--layout: "${layout}" is not a layout; use grid or treemap`);
  const number = (name: string) => (ctx.options[name] === undefined ? undefined : parseInteger(ctx.options[name] as string, name));
  return { layout: layout as MapLayoutKind | undefined, maxCells: number('cells'), cellPrefix: number('cell-prefix') };
}
