import { Status, condition, failedStatus, seconds } from './conditions';
import { KindHandler, ReconcileInput, specWithOwner } from './handler';
import { LabelSelector } from '../model/policy-types';
import { allocateFor, chosenPool, poolWords } from './pool-choice';

/**
 * An applied ClientIp: one address of poolRef (the next free host; network, broadcast and the
 * gateway skipped) for the client spec.owner (default: the object's name). Deleting it releases
 * the address, held for the client for the pool's grace period.
 */
interface ClientSpec {
  /** The pool to take the address from; or poolSelector (see ./pool-choice.ts). */
  poolRef?: string;
  poolSelector?: LabelSelector;
  owner?: string;
}

const clientSpec = (input: ReconcileInput) => specWithOwner<ClientSpec>(input);

export const clientIpHandler: KindHandler = {
  kind: 'ClientIp',
  plural: 'clientips',

  async reconcile(input) {
    const { object, creator, now } = input;
    const spec = clientSpec(input);
    const held = await allocateFor(input, ['poolRef', spec.poolRef], spec.poolSelector, { owner: spec.owner, kind: 'host' });
    const previous = object.status;
    const message = `${held.address} from pool "${held.pool}" is held by "${spec.owner}"`;
    const status: Status = {
      creator,
      phase: 'Bound',
      pool: held.pool,
      address: held.address,
      cidr: held.cidr,
      netmask: held.netmask,
      ...(held.gateway === undefined ? {} : { gateway: held.gateway }),
      allocatedAt: seconds(held.allocatedAt),
      observedGeneration: object.metadata.generation,
      conditions: [condition(previous, 'Ready', 'True', 'Bound', message, now)],
    };
    const changed = previous?.address !== held.address || previous?.phase !== 'Bound';
    return { status, events: changed ? [{ type: 'Normal', reason: 'Allocated', message: `client ip ${object.metadata.name}: ${message}` }] : [] };
  },

  async release(input) {
    const { ipam, object, namespace, creator } = input;
    const spec = clientSpec(input);
    const pool = chosenPool(input, spec.poolRef);
    if (pool === undefined) return []; // its selector never chose a pool: nothing is held
    const released = await ipam.release({ space: namespace, pool, owner: spec.owner, creator });
    return [{ type: 'Normal', reason: 'Released', message: `client ip ${object.metadata.name}: ${released.address} released to pool "${pool}", held for "${spec.owner}"${released.graceEndsAt === undefined ? '' : ` until ${seconds(released.graceEndsAt)}`}` }];
  },

  failed(input, message, waiting) {
    return failedStatus(input.object, input.now, message, waiting ? { what: poolWords(clientSpec(input).poolRef), reason: 'ClaimPending' } : undefined);
  },
};
