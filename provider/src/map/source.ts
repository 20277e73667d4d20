import { IpamApi, PoolInfo, PoolRef } from '../model/api';
import { layoutPoolMap } from './layout';
import { MapOptions, PoolMap } from './model';

/**
 * A pool's map from any IpamApi (the engine in process, the HTTP client, Kubernetes): the pool,
 * its allocations and its child pools, laid out by the one layout function. Used by the
 * service's map route and by `ipam pool map`.
 */
export async function poolMapOf(api: IpamApi, ref: PoolRef, options: MapOptions, nowMs: number): Promise<{ pool: PoolInfo; map: PoolMap }> {
  const pool = await api.getPool(ref);
  const allocations = await api.listAllocations({ space: pool.space, pool: pool.name });
  const children = pool.children.length === 0 ? [] : (await api.listPools({ space: pool.space })).filter((p) => p.parent === pool.name);
  const map = layoutPoolMap(
    {
      cidr: pool.cidr,
      reserved: pool.reserved,
      gateway: pool.gateway,
      allocations,
      children: children.map((c) => ({ name: c.name, cidr: c.cidr })),
      nowMs,
    },
    options,
  );
  return { pool, map };
}

/** The heading of a pool's map, the same in the terminal and the SVG. */
export function mapTitle(pool: PoolInfo): string {
  return `Pool ${pool.name} (${pool.cidr}) in space ${pool.space}`;
}
