import { DEFAULT_SPACE } from '../model/constants';
import { HintRenderer } from '../errors';

/** `--space team-a`, or nothing for the default space (as the command takes it). */
const spaceFlag = (space: string) => (space === DEFAULT_SPACE ? '' : ` --space ${space}`);

/** The hints of the error catalogue (errors/hints.ts) as the `ipam` command asks: a command to run. */
export const CLI_HINTS: HintRenderer = {
  'list-pools': (h) => `list pools with \`ipam pool list${spaceFlag(h.space)}\``,
  'list-slices': (h) => `check the slice's namespace (list them with \`ipam pool list --namespace ${h.namespace}\`)`,
  'list-allocations': (h) => `list them with \`ipam allocations ${h.pool}${spaceFlag(h.space)}\``,
  'rename-or-update-pool': (h) => `choose another name, or change it with \`ipam pool update ${h.pool}${spaceFlag(h.space)}\``,
  'check-pool': (h) => `run \`ipam check ${h.pool}${spaceFlag(h.space)}\` to list every problem, then repair the state (restore a backup, or remove the bad row)`,
  'label-pool': (h) => `label a pool to match (\`ipam pool update NAME --label KEY=VALUE${spaceFlag(h.space)}\`), or change the selector`,
};
