import { HintRenderer } from '../errors';

const pools = (space: string) => `/v1/spaces/${encodeURIComponent(space)}/pools`;
const pool = (space: string, name: string) => `${pools(space)}/${encodeURIComponent(name)}`;

/** The hints of the error catalogue (errors/hints.ts) as the HTTP API asks: the request that answers (routes.ts). */
export const HTTP_HINTS: HintRenderer = {
  'list-pools': (h) => `list pools with GET ${pools(h.space)}`,
  'list-slices': (h) => `check the slice's namespace (list them with GET ${pools(h.namespace)})`,
  'list-allocations': (h) => `list them with GET ${pool(h.space, h.pool)}/allocations`,
  'rename-or-update-pool': (h) => `choose another name, or change it with PATCH ${pool(h.space, h.pool)}`,
  'check-pool': (h) => `GET ${pool(h.space, h.pool)}/check lists every problem; then repair the state (restore a backup, or remove the bad row)`,
  'label-pool': (h) => `label a pool to match (PATCH ${pools(h.space)}/NAME with its labels), or change the selector`,
};
