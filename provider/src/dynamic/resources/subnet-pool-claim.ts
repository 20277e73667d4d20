import { checkName, checkOwner, checkPrefixLength, checkSpace } from '../../engine/validate';
import { IpamError } from '../../errors';
import { AllocationInfo, PoolInfo } from '../../model/api';
import { normalizeCidr, parseCidr } from '../../net/cidr';
import { networkFacts } from '../../net/facts';
import { checkInputs } from '../check';
import { diffInputs } from '../diff';
import { GONE, ResourceHandler, backend, blockOutputs, num, str } from '../handler';
import { defaultSpace, ipamApi } from '../settings';
import { Props, defined, isUnknown, withDefaults } from '../values';
import { knownCidr } from './subnet-pool';

/**
 * A claim is an allocation from a pool, keyed by its owner (default project/stack/resource), or,
 * with asPool, a child pool carved from it (seed 001's SubnetPoolClaim bound to a SubnetPool).
 */
const FIELD_CHECKS = {
  pool: (v: string) => checkName(v, 'pool'),
  space: (v: string) => checkSpace(v),
  cidr: (v: string) => normalizeCidr(v, 'cidr'),
  prefixLength: (v: number, inputs: Props) => {
    const cidr = knownCidr(inputs);
    if (cidr !== undefined && cidr.prefix !== v) {
      throw new IpamError('INVALID_PREFIX_LENGTH', `prefixLength: /${v} does not match cidr ${inputs.cidr as string}; give one or make them agree`, 'prefixLength');
    }
    return checkPrefixLength(v, 'prefixLength');
  },
  preferredCidr: (v: string) => normalizeCidr(v, 'preferredCidr'),
  poolName: (v: string) => checkName(v, 'poolName'),
  owner: (v: string) => checkOwner(v),
};

const isPool = (props: Props): boolean => props.asPool === true;

function allocationOutputs(inputs: Props, a: AllocationInfo): Props {
  return defined({ ...inputs, cidr: a.cidr, ...blockOutputs(networkFacts(parseCidr(a.cidr))), gateway: a.gateway, phase: 'Bound' });
}

function childPoolOutputs(inputs: Props, pool: PoolInfo): Props {
  return defined({ ...inputs, cidr: pool.cidr, ...blockOutputs(pool.facts), gateway: pool.gateway, boundPoolName: pool.name, phase: 'Bound' });
}

const owner = (props: Props) => ({ space: str(props, 'space'), pool: str(props, 'pool')!, owner: str(props, 'owner')! });
const child = (props: Props) => ({ space: str(props, 'space'), pool: str(props, 'poolName')! });

export const subnetPoolClaim: ResourceHandler = {
  async check(_olds, news) {
    return checkInputs('SubnetPoolClaim', withDefaults(news, { space: defaultSpace() }), FIELD_CHECKS);
  },

  async diff(_id, olds, news) {
    return diffInputs('SubnetPoolClaim', olds, news, (o, n) => {
      if (o.space !== n.space && !isUnknown(n.space)) return false;
      if (isPool(o) && isPool(n)) return o.poolName === n.poolName || isUnknown(n.poolName);
      return (o.owner === n.owner || isUnknown(n.owner)) && (o.pool === n.pool || isUnknown(n.pool));
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
        }),
      ))!;
      return { id: `${pool.space}/${pool.name}`, outs: childPoolOutputs(inputs, pool) };
    }
    const a = (await backend(() =>
      api.allocate({ ...owner(inputs), prefixLength: num(inputs, 'prefixLength'), cidr: str(inputs, 'cidr'), prefer: str(inputs, 'preferredCidr') }),
    ))!;
    return { id: `${a.space}/${a.pool}/${a.owner}`, outs: allocationOutputs(inputs, a) };
  },

  async read(id, props) {
    const api = await ipamApi();
    if (isPool(props)) {
      const pool = await backend(() => api.getPool(child(props)), ['POOL_NOT_FOUND']);
      return pool === undefined || pool.parent !== props.pool ? GONE : { id, props: childPoolOutputs(props, pool) };
    }
    const a = await backend(() => api.getAllocation(owner(props)), ['POOL_NOT_FOUND']);
    return a === undefined || a.status !== 'allocated' ? GONE : { id, props: allocationOutputs(props, a) };
  },

  async update(_id, olds, news) {
    // Only preferredCidr can change in place, and it only matters when a block is first chosen.
    return { outs: defined({ ...olds, ...news }) };
  },

  async delete(_id, props) {
    const api = await ipamApi();
    if (isPool(props)) await backend(() => api.deletePool(child(props)), ['POOL_NOT_FOUND']);
    else await backend(() => api.release(owner(props)), ['POOL_NOT_FOUND', 'ALLOCATION_NOT_FOUND']);
  },
};
