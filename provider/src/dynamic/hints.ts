import { DEFAULT_SPACE } from '../model/constants';
import { HintRenderer, IpamError, messageFor } from '../errors';

const spaceFlag = (space: string) => (space === DEFAULT_SPACE ? '' : ` --space ${space}`);

/**
 * The hints of the error catalogue (errors/hints.ts) for a Pulumi program: what to change in it,
 * or, where no change to the program helps, which command to run against the stack's backend.
 */
export const PULUMI_HINTS: HintRenderer = {
  'list-pools': (h) =>
    `check the pool's name and its space ("${h.space}") in the program; for a pool the program creates, pass its SubnetPool's name output so Pulumi creates it first`,
  'list-slices': (h) => `check the SliceIpam's name and namespace ("${h.namespace}") in the program`,
  'list-allocations': (h) => `check the owner key in the program; \`pulumi refresh\` forgets allocations gone from pool "${h.pool}"`,
  'rename-or-update-pool': () => 'give the SubnetPool another name, or the definition of the pool that exists',
  'check-pool': (h) =>
    `no change to the program fixes this: run \`ipam check ${h.pool}${spaceFlag(h.space)}\` against the stack's backend (ipam:state, ipam:server or ipam:kubeconfig) to list every problem, then repair the state`,
  'label-pool': (h) => `give a SubnetPool of space "${h.space}" labels matching "${h.selector}" in the program (its labels input), or change the poolSelector`,
};

/** An IpamError as a Pulumi program's author reads it: the code, the message, and the hint said as what to change in the program. */
export function pulumiMessage(e: IpamError): string {
  return `${e.code}: ${messageFor(e, PULUMI_HINTS)}`;
}
