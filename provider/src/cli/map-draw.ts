import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errors } from '../errors';
import { MapLayoutKind, MapOptions } from '../map/model';
import { mapTitle, poolMapOf } from '../map/source';
import { renderSvg } from '../map/svg';
import { renderTerminal } from '../map/terminal';
import { UsageError, parseInteger } from './args';
import type { CommandContext, Output } from './command';

/** What `ipam pool map` (./map-command.ts) does, loaded only when it runs. */
export async function drawMap(ctx: CommandContext): Promise<Output> {
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
}

function mapOptions(ctx: CommandContext): MapOptions {
  const layout = ctx.options.layout as string | undefined;
  if (layout !== undefined && layout !== 'grid' && layout !== 'treemap') throw new UsageError(`--layout: "${layout}" is not a layout; use grid or treemap`);
  const number = (name: string) => (ctx.options[name] === undefined ? undefined : parseInteger(ctx.options[name] as string, name));
  return { layout: layout as MapLayoutKind | undefined, maxCells: number('cells'), cellPrefix: number('cell-prefix') };
}
