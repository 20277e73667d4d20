import { checkName, checkOwner, checkPrefixLength, checkSpace } from '../../model/validate';
import { Subject, errors } from '../../errors';
import { AllocationInfo, PoolInfo } from '../../model/api';
import { normalizeCidr, parseCidr } from '../../net/cidr';
import { networkFacts } from '../../net/facts';
import { backendOf, checkBackend, onItsBackend } from '../backend-identity';
import { IdentityDefaults, checkResource } from '../check';
import { diffInputs } from '../diff';
import { GONE, ResourceHandler, backend, blockOutputs, idParts, num, pulumiError, str } from '../resource-handler';
import { defaultOwner } from '../identity';
import { defaultSpace, ipamApi } from '../settings';
import { Props, defined, isUnknown, knownCidr } from '../values';
import { checkPoolOrSelector, selectorCheck, withChosenPool } from '../policy-inputs';
import { checkLabels } from '../../model/validate';

/**
 * A claim is an allocation from a pool, keyed by its owner (by default derived from the URN, so
 * unique in the stack), or, with asPool, a child pool carved from it, as a Kubernetes
 * SubnetPoolClaim binds to a SubnetPool.
 *
 * Claims always share (adopt): an owner key the program names is meant to be shared (a block
 * allocated with `ipam alloc --owner`), and a default key cannot meet another stack's. Deleting a
 * claim whose block another creator allocated leaves the block to that creator.
 */
const FIELD_CHECKS = {
  pool: (v: string) => checkName(v, 'pool'),
  space: (v: string) => checkSpace(v),
  cidr: (v: string) => normalizeCidr(v, 'cidr'),
  prefixLength: (v: number, inputs: Props) => {
    const cidr = knownCidr(inputs);
    if (cidr !== undefined && cidr.prefix !== v) {
      throw errors.INVALID_PREFIX_LENGTH({ case: 'cidr-mismatch', prefixLength: v, cidr: inputs.cidr as string });
    }
    return checkPrefixLength(v, 'prefixLength');
  },
  preferredCidr: (v: string) => normalizeCidr(v, 'preferredCidr'),
  poolName: (v: string) => checkName(v, 'poolName'),
  owner: (v: string) => checkOwner(v),
  poolSelector: selectorCheck,
  labels: (v: Record<string, string>) => checkLabels(v),
};

const isPool = (props: Props): boolean => props.asPool === true;

function allocationOutputs(inputs: Props, a: AllocationInfo, backendId: string | undefined): Props {
  return defined({ ...inputs, backendId, cidr: a.cidr, ...blockOutputs(networkFacts(parseCidr(a.cidr))), gateway: a.gateway, phase: 'Bound' });
}

function childPoolOutputs(inputs: Props, pool: PoolInfo, backendId: string | undefined): Props {
  return defined({
    ...inputs,
    backendId,
    cidr: pool.cidr,
    ...blockOutputs(pool.facts),
    gateway: pool.gateway,
    boundPoolName: pool.name,
    phase: 'Bound',
  });
}

const owner = (props: Props) => ({ space: str(props, 'space'), pool: str(props, 'pool')!, owner: str(props, 'owner')! });
const child = (props: Props) => ({ space: str(props, 'space'), pool: str(props, 'poolName')! });
const acting = (props: Props) => ({ creator: str(props, 'creator'), adopt: true });
const what = (props: Props): Subject =>
  isPool(props) ? { type: 'child-pool', name: str(props, 'poolName'), parent: str(props, 'pool') } : { type: 'owner-block', owner: str(props, 'owner'), pool: str(props, 'pool') };

/** The outputs of the claim as the backend holds it now; undefined when it is gone. */
async function current(props: Props): Promise<Props | undefined> {
  const { api, backendId } = await onItsBackend(props, str(props, 'space'), what(props));
  // An imported claim knows only its ID: the rest is the backend's, and it acts for the creator.
  if (isPool(props)) {
    const pool = await backend(() => api.getPool(child(props)), ['POOL_NOT_FOUND']);
    if (pool === undefined || pool.parent === undefined || (props.pool !== undefined && pool.parent !== props.pool)) return undefined;
    return childPoolOutputs({ ...props, pool: pool.parent, owner: props.owner ?? pool.owner, creator: props.creator ?? pool.creator }, pool, backendId);
  }
  const a = await backend(() => api.getAllocation(owner(props)), ['POOL_NOT_FOUND']);
  return a === undefined || a.status !== 'allocated' ? undefined : allocationOutputs({ ...props, creator: props.creator ?? a.creator }, a, backendId);
}

export const subnetPoolClaim: ResourceHandler = {
  fromId(id) {
    const parts = id.split('/');
    if (parts.length === 2) return { space: parts[0], poolName: parts[1], asPool: true };
    const [space, pool, key] = idParts(id, 2);
    return { space, pool, owner: key };
  },

  async check(urn, olds, news) {
    const defaults: IdentityDefaults = { owner: (id) => id && defaultOwner(id), space: () => defaultSpace() };
    // The child pool takes the resource name unless asPool is plainly off.
    if (news.asPool !== undefined && news.asPool !== false) defaults.poolName = (id) => id?.name;
    return checkPoolOrSelector(checkResource('SubnetPoolClaim', urn, olds, news, defaults, FIELD_CHECKS), news.asPool === true);
  },

  async diff(_id, olds, news) {
    await checkBackend(ipamApi, olds, str(olds, 'space'), what(olds));
    return diffInputs('SubnetPoolClaim', olds, news, (o, n) => {
      if (o.space !== n.space && !isUnknown(n.space)) return false;
      if (isPool(o) && isPool(n)) return o.poolName === n.poolName || isUnknown(n.poolName);
      // A selector may choose the old pool again: the old block must go first, so the owner takes it back.
      const samePool = o.pool === n.pool || isUnknown(n.pool) || n.poolSelector !== undefined;
      return (o.owner === n.owner || isUnknown(n.owner)) && samePool;
    });
  },

  async create(inputs) {
    const api = await ipamApi();
    if (isPool(inputs)) {
      const pool = (await backend(() =>
        api.createPool({
          ...child(inputs),
          name: str(inputs, 'poolName')!,
          parent: str(inputs, 'pool'),
          cidr: str(inputs, 'cidr'),
          prefixLength: num(inputs, 'prefixLength'),
          prefer: str(inputs, 'preferredCidr'),
          owner: str(inputs, 'owner'),
          ...acting(inputs),
        }),
      ))!;
      const { id: backendId } = await backendOf(api, pool.space);
      return { id: `${pool.space}/${pool.name}`, outs: childPoolOutputs(inputs, pool, backendId) };
    }
    const request = { prefixLength: num(inputs, 'prefixLength'), cidr: str(inputs, 'cidr'), prefer: str(inputs, 'preferredCidr'), labels: inputs.labels as Record<string, string> | undefined, ...acting(inputs) };
    const selector = inputs.poolSelector as string | undefined;
    const a = (await backend(() =>
      selector === undefined ? api.allocate({ ...owner(inputs), ...request }) : api.allocateBySelector({ ...owner(inputs), poolSelector: selector, ...request }),
    ))!;
    const { id: backendId } = await backendOf(api, a.space);
    return { id: `${a.space}/${a.pool}/${a.owner}`, outs: allocationOutputs({ ...inputs, pool: a.pool }, a, backendId) };
  },

  async read(id, props) {
    const outs = await current(props);
    return outs === undefined ? GONE : { id, props: outs };
  },

  async update(_id, olds, news) {
    // Only preferredCidr changes in place, and it matters only when a block is first chosen:
    // the outputs are the new inputs and the block the backend holds (never the old inputs).
    const outs = await current({ ...withChosenPool(news, olds), backendId: olds.backendId });
    if (outs === undefined) {
      throw pulumiError(errors.ALLOCATION_NOT_FOUND({ case: 'gone', subject: what(withChosenPool(news, olds)), field: 'owner' }));
    }
    return { outs };
  },

  async delete(_id, props) {
    const { api } = await onItsBackend(props, str(props, 'space'), what(props));
    const leftToCreator = ['POOL_NOT_FOUND', 'CREATOR_MISMATCH'];
    if (isPool(props)) await backend(() => api.deletePool({ ...child(props), creator: str(props, 'creator') }), leftToCreator);
    else await backend(() => api.release({ ...owner(props), creator: str(props, 'creator') }), [...leftToCreator, 'ALLOCATION_NOT_FOUND']);
  },
};
