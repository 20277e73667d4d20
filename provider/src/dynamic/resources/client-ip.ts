import { checkName, checkOwner, checkSpace } from '../../engine/validate';
import { AllocationInfo, PoolInfo } from '../../model/api';
import { normalizeAddress } from '../../net/address';
import { checkInputs } from '../check';
import { diffInputs } from '../diff';
import { GONE, ResourceHandler, backend, str } from '../handler';
import { defaultSpace, ipamApi } from '../settings';
import { Props, defined, isUnknown, withDefaults } from '../values';

/** Seed 003's client address: the clientId is the owner key, so a client always gets its address back. */
const FIELD_CHECKS = {
  pool: (v: string) => checkName(v, 'pool'),
  space: (v: string) => checkSpace(v),
  clientId: (v: string) => checkOwner(v, 'clientId'),
  address: (v: string) => normalizeAddress(v, 'address'),
};

function outputs(inputs: Props, a: AllocationInfo, pool: PoolInfo): Props {
  return defined({
    ...inputs,
    ip: a.address,
    cidr: a.cidr,
    gateway: a.gateway,
    prefixLength: pool.facts.prefixLength,
    netmask: pool.facts.netmask,
    poolCidr: pool.cidr,
  });
}

const ref = (props: Props) => ({ space: str(props, 'space'), pool: str(props, 'pool')!, owner: str(props, 'clientId')! });

export const clientIp: ResourceHandler = {
  async check(_olds, news) {
    return checkInputs('ClientIp', withDefaults(news, { space: defaultSpace() }), FIELD_CHECKS);
  },

  async diff(_id, olds, news) {
    return diffInputs('ClientIp', olds, news, (o, n) =>
      ['space', 'pool', 'clientId'].every((k) => o[k] === n[k] || isUnknown(n[k])),
    );
  },

  async create(inputs) {
    const api = await ipamApi();
    const a = (await backend(() => api.allocate({ ...ref(inputs), kind: 'host', address: str(inputs, 'address') })))!;
    const pool = (await backend(() => api.getPool({ space: a.space, pool: a.pool })))!;
    return { id: `${a.space}/${a.pool}/${a.owner}`, outs: outputs(inputs, a, pool) };
  },

  async read(id, props) {
    const api = await ipamApi();
    const a = await backend(() => api.getAllocation(ref(props)), ['POOL_NOT_FOUND']);
    if (a === undefined || a.status !== 'allocated') return GONE;
    const pool = (await backend(() => api.getPool({ space: a.space, pool: a.pool })))!;
    return { id, props: outputs(props, a, pool) };
  },

  async update(_id, olds, news) {
    return { outs: defined({ ...olds, ...news }) };
  },

  async delete(_id, props) {
    const api = await ipamApi();
    await backend(() => api.release(ref(props)), ['POOL_NOT_FOUND', 'ALLOCATION_NOT_FOUND']);
  },
};
