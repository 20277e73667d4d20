import { checkDescription, checkGateway, checkGracePeriod, checkLabels, checkName, checkPrefixLength, checkReserved, checkSpace, checkStrategy } from '../../model/validate';
import { Subject } from '../../errors';
import { DEFAULT_GRACE_SECONDS } from '../../model/constants';
import { Strategy } from '../../model/records';
import { PoolInfo } from '../../model/api';
import { normalizeCidr, overlaps } from '../../net/cidr';
import { normalizeAddress } from '../../net/address';
import { backendOf, checkBackend, onItsBackend } from '../backend-identity';
import { checkResource } from '../check';
import { diffInputs } from '../diff';
import { GONE, ResourceHandler, backend, blockOutputs, idParts, str } from '../resource-handler';
import { defaultSpace, ipamApi } from '../settings';
import { Props, defined, isUnknown, knownCidr } from '../values';
import { newPolicyOf, policyChecks, policyOf, policyOutputs } from '../policy-inputs';

const FIELD_CHECKS = {
  name: (v: string) => checkName(v, 'name'),
  space: (v: string) => checkSpace(v),
  cidr: (v: string) => normalizeCidr(v, 'cidr'),
  parentPool: (v: string) => checkName(v, 'parentPool'),
  strategy: (v: string) => checkStrategy(v),
  defaultPrefixLength: (v: number, inputs: Props) => checkPrefixLength(v, 'defaultPrefixLength', knownCidr(inputs)),
  gateway: (v: boolean | string, inputs: Props) => {
    const cidr = knownCidr(inputs);
    if (typeof v === 'boolean' || cidr === undefined) return typeof v === 'boolean' ? v : normalizeAddress(v, 'gateway');
    return checkGateway(v, cidr);
  },
  reserved: (v: string[], inputs: Props) => {
    const cidr = knownCidr(inputs);
    return cidr === undefined || v.some(isUnknown) ? v : checkReserved(v, cidr);
  },
  gracePeriodSeconds: (v: number) => checkGracePeriod(v),
  description: (v: string) => checkDescription(v),
  labels: (v: Record<string, string>) => checkLabels(v),
  ...policyChecks(knownCidr),
};

function outputs(inputs: Props, pool: PoolInfo, backendId: string | undefined): Props {
  return defined({
    ...inputs,
    backendId,
    ...blockOutputs(pool.facts),
    gatewayAddress: pool.gateway,
    total: pool.stats.total,
    allocated: pool.stats.allocated,
    free: pool.stats.free,
    utilization: pool.stats.utilization,
  });
}

const ref = (props: Props) => ({ space: str(props, 'space'), pool: str(props, 'name')! });
/** Who the request is for: the stack (`creator`, in the inputs and outputs); sharing another's pool when adopt. */
const acting = (props: Props) => ({ creator: str(props, 'creator'), adopt: props.adopt === true });
const what = (props: Props): Subject => ({ type: 'pool', name: String(str(props, 'name')), space: String(str(props, 'space')) });

export const subnetPool: ResourceHandler = {
  fromId(id) {
    const [space, name] = idParts(id, 1);
    return { space, name };
  },

  async check(urn, olds, news) {
    return checkResource('SubnetPool', urn, olds, news, { name: (id) => id?.name, space: () => defaultSpace() }, FIELD_CHECKS);
  },

  async diff(_id, olds, news) {
    await checkBackend(ipamApi, olds, str(olds, 'space'), what(olds));
    return diffInputs('SubnetPool', olds, news, (o, n) => {
      if (o.space !== n.space && !isUnknown(n.space)) return false;
      if (o.name === n.name || isUnknown(n.name)) return true;
      const [a, b] = [knownCidr(o), knownCidr(n)];
      return a === undefined || b === undefined || overlaps(a, b);
    });
  },

  async create(inputs) {
    const api = await ipamApi();
    const pool = (await backend(() =>
      api.createPool({
        space: str(inputs, 'space'),
        name: str(inputs, 'name')!,
        cidr: str(inputs, 'cidr'),
        parent: str(inputs, 'parentPool'),
        strategy: inputs.strategy as Strategy | undefined,
        gateway: inputs.gateway as boolean | string | undefined,
        reserved: inputs.reserved as string[] | undefined,
        defaultPrefixLength: inputs.defaultPrefixLength as number | undefined,
        gracePeriodSeconds: inputs.gracePeriodSeconds as number | undefined,
        description: str(inputs, 'description'),
        labels: inputs.labels as Record<string, string> | undefined,
        policy: newPolicyOf(inputs),
        ...acting(inputs),
      }),
    ))!;
    const { id: backendId } = await backendOf(api, pool.space);
    return { id: `${pool.space}/${pool.name}`, outs: outputs(inputs, pool, backendId) };
  },

  async read(id, props) {
    const { api, backendId } = await onItsBackend(props, str(props, 'space'), what(props));
    const pool = await backend(() => api.getPool(ref(props)), ['POOL_NOT_FOUND']);
    if (pool === undefined) return GONE;
    // The backend's truth for every input it holds; the gateway keeps the form it was given in.
    // `true` when the gateway is the first host and the program said true (or says nothing yet: an import).
    const gateway = (props.gateway === true || props.gateway === undefined) && pool.gateway === pool.facts.firstHost ? true : pool.gateway;
    const truth = defined({
      name: pool.name,
      space: pool.space,
      cidr: pool.cidr,
      parentPool: pool.parent,
      strategy: props.strategy === undefined && pool.strategy === 'first-fit' ? undefined : pool.strategy,
      defaultPrefixLength: pool.defaultPrefixLength,
      gateway: props.gateway === undefined && gateway === undefined ? undefined : gateway,
      reserved: props.reserved === undefined && pool.reserved.length === 0 ? undefined : pool.reserved,
      gracePeriodSeconds: props.gracePeriodSeconds === undefined && pool.gracePeriodSeconds === DEFAULT_GRACE_SECONDS ? undefined : pool.gracePeriodSeconds,
      description: pool.description,
      labels: pool.labels,
      ...policyOutputs(pool),
      adopt: props.adopt,
      // An imported pool acts for its creator, so the stack can change and delete it.
      creator: props.creator ?? pool.creator,
    });
    return { id, props: outputs(truth, pool, backendId) };
  },

  async update(_id, olds, news) {
    const { api, backendId } = await onItsBackend(olds, str(news, 'space'), what(news));
    const pool = (await backend(() =>
      api.updatePool({
        ...ref(news),
        creator: str(news, 'creator'),
        strategy: (news.strategy as Strategy | undefined) ?? 'first-fit',
        gateway: (news.gateway as boolean | string | undefined) ?? null,
        reserved: (news.reserved as string[] | undefined) ?? [],
        defaultPrefixLength: (news.defaultPrefixLength as number | undefined) ?? null,
        gracePeriodSeconds: (news.gracePeriodSeconds as number | undefined) ?? DEFAULT_GRACE_SECONDS,
        description: str(news, 'description') ?? null,
        labels: (news.labels as Record<string, string> | undefined) ?? null,
        policy: policyOf(news),
      }),
    ))!;
    return { outs: outputs(news, pool, backendId) };
  },

  async delete(_id, props) {
    const { api } = await onItsBackend(props, str(props, 'space'), what(props));
    // An adopted pool stays with its creator: the engine refuses the delete, and that is the answer.
    await backend(() => api.deletePool({ ...ref(props), creator: str(props, 'creator') }), props.adopt === true ? ['POOL_NOT_FOUND', 'CREATOR_MISMATCH'] : ['POOL_NOT_FOUND']);
  },
};
