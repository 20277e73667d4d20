import { IpamApi } from '../model/api';
import { ObjectEvent } from './events';
import { Status, condition, failedStatus, seconds } from './conditions';
import { KindHandler, ReconcileInput, specWithOwner } from './handler';
import { LabelSelector } from '../model/policy-types';
import { allocateFor, chosenPool, poolWords } from './pool-choice';

/**
 * An applied SubnetPoolClaim: a block of /desiredBlockSize from parentPoolRef, held by the owner
 * key spec.owner (default: the claim's name); with spec.poolName, the block becomes a child
 * SubnetPool of that name (status.boundPoolName), which other claims can name as their parent.
 * Phases: Pending (the parent pool does not exist yet), Bound, Error. Deleting the claim
 * releases the block (held for its owner for the pool's grace period, so a claim applied again
 * in time gets it back), or deletes its pool, which waits while that pool is in use.
 */
interface ClaimSpec {
  /** The pool to claim from; or poolSelector (see ./pool-choice.ts). */
  parentPoolRef?: string;
  poolSelector?: LabelSelector;
  desiredBlockSize: number;
  owner?: string;
  poolName?: string;
}

const claimSpec = (input: ReconcileInput) => specWithOwner<ClaimSpec>(input);

export const subnetPoolClaimHandler: KindHandler = {
  kind: 'SubnetPoolClaim',
  plural: 'subnetpoolclaims',

  async reconcile(input) {
    const { ipam, object, namespace, creator, now } = input;
    const spec = claimSpec(input);
    const previous = object.status;
    let cidr: string;
    let allocatedAt: string;
    let reclaimed = false;
    let pool = chosenPool(input, spec.parentPoolRef);
    if (spec.poolName !== undefined) {
      const labels = object.metadata.labels;
      const child = await ipam.createPool({ space: namespace, name: spec.poolName, parent: spec.parentPoolRef, prefixLength: spec.desiredBlockSize, owner: spec.owner, creator, labels });
      cidr = child.cidr;
      allocatedAt = child.createdAt;
    } else {
      reclaimed = previous?.phase !== 'Bound' && pool !== undefined && (await wasReleased(ipam, namespace, pool, spec.owner));
      const held = await allocateFor(input, ['parentPoolRef', spec.parentPoolRef], spec.poolSelector, { owner: spec.owner, prefixLength: spec.desiredBlockSize });
      cidr = held.cidr;
      allocatedAt = held.allocatedAt;
      pool = held.pool;
    }
    const message = spec.poolName === undefined ? `${cidr} from pool "${pool}" is held by "${spec.owner}"` : `bound to SubnetPool "${spec.poolName}" (${cidr}) carved from pool "${spec.parentPoolRef}"`;
    const events: ObjectEvent[] = [];
    if (previous?.cidr !== cidr || previous?.phase !== 'Bound') {
      events.push(
        reclaimed
          ? { type: 'Normal', reason: 'Reclaimed', message: `claim ${object.metadata.name} got ${cidr} back from pool "${pool}" (held for owner "${spec.owner}" during the grace period)` }
          : { type: 'Normal', reason: 'Allocated', message: `claim ${object.metadata.name}: ${message}` },
      );
    }
    const status: Status = {
      creator,
      phase: 'Bound',
      cidr,
      ...(pool === undefined ? {} : { pool }),
      ...(spec.poolName === undefined ? {} : { boundPoolName: spec.poolName }),
      allocatedAt: seconds(allocatedAt),
      observedGeneration: object.metadata.generation,
      conditions: [condition(previous, 'Ready', 'True', 'Bound', message, now)],
    };
    return { status, events };
  },

  async release(input) {
    const { ipam, object, namespace, creator } = input;
    const spec = claimSpec(input);
    if (spec.poolName !== undefined) {
      await ipam.deletePool({ space: namespace, pool: spec.poolName, creator });
      return [{ type: 'Normal', reason: 'Released', message: `claim ${object.metadata.name}: pool "${spec.poolName}" (${String(object.status?.cidr)}) deleted and its block returned to pool "${spec.parentPoolRef}"` }];
    }
    const pool = chosenPool(input, spec.parentPoolRef);
    if (pool === undefined) return []; // its selector never chose a pool: nothing is held
    const released = await ipam.release({ space: namespace, pool, owner: spec.owner, creator });
    const until = released.graceEndsAt === undefined ? '' : ` until ${seconds(released.graceEndsAt)}`;
    return [{ type: 'Normal', reason: 'Released', message: `claim ${object.metadata.name}: ${released.cidr} released to pool "${pool}", held for owner "${spec.owner}"${until}` }];
  },

  failed(input, message, waiting) {
    return failedStatus(input.object, input.now, message, waiting ? { what: poolWords(claimSpec(input).parentPoolRef), reason: 'ClaimPending' } : undefined);
  },
};

/** Whether the owner's block is released and held for it (so allocating now reclaims it). */
async function wasReleased(ipam: IpamApi, space: string, pool: string, owner: string): Promise<boolean> {
  try {
    return (await ipam.getAllocation({ space, pool, owner }))?.status === 'released';
  } catch {
    return false;
  }
}
