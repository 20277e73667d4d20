import { checkName, checkOwner, checkSpace } from '../../model/validate';
import { Subject, errors } from '../../errors';
import { AllocationInfo, IpamApi } from '../../model/api';
import { normalizeAddress } from '../../net/address';
import { parseCidr } from '../../net/cidr';
import { networkFacts } from '../../net/facts';
import { backendOf, checkBackend, onItsBackend } from '../backend-identity';
import { checkResource } from '../check';
import { diffInputs } from '../diff';
import { GONE, ResourceHandler, backend, idParts, pulumiError, str } from '../resource-handler';
import { defaultSpace, ipamApi } from '../settings';
import { Props, defined, isUnknown } from '../values';
import { checkPoolOrSelector, selectorCheck, withChosenPool } from '../policy-inputs';
import { checkLabels } from '../../model/validate';

/**
 * One address for a client (a VPN peer, a VM): the clientId is the owner key, so a client always
 * gets its address back. A client id is named by the user, so two stacks may name the same one:
 * the second is refused unless it says `adopt: true`, and then its delete leaves the address to
 * the stack that allocated it.
 */
const FIELD_CHECKS = {
  pool: (v: string) => checkName(v, 'pool'),
  space: (v: string) => checkSpace(v),
  clientId: (v: string) => checkOwner(v, 'clientId'),
  address: (v: string) => normalizeAddress(v, 'address'),
  poolSelector: selectorCheck,
  labels: (v: Record<string, string>) => checkLabels(v),
};

/** The answer with its pool's block: an IPAM service older than poolCidr in answers is asked for the pool. */
async function withPoolCidr(api: IpamApi, a: AllocationInfo): Promise<AllocationInfo> {
  if (a.poolCidr !== undefined) return a;
  return { ...a, poolCidr: (await backend(() => api.getPool({ space: a.space, pool: a.pool })))!.cidr };
}

function outputs(inputs: Props, a: AllocationInfo, backendId: string | undefined): Props {
  const pool = networkFacts(parseCidr(a.poolCidr));
  return defined({
    ...inputs,
    backendId,
    ip: a.address,
    cidr: a.cidr,
    gateway: a.gateway,
    prefixLength: pool.prefixLength,
    netmask: pool.netmask,
    poolCidr: a.poolCidr,
  });
}

const ref = (props: Props) => ({ space: str(props, 'space'), pool: str(props, 'pool')!, owner: str(props, 'clientId')! });
const acting = (props: Props) => ({ creator: str(props, 'creator'), adopt: props.adopt === true });
const what = (props: Props): Subject => ({ type: 'client-address', client: str(props, 'clientId'), pool: str(props, 'pool') });

/** The outputs of the address as the backend holds it now; undefined when it is gone. */
async function current(props: Props): Promise<Props | undefined> {
  const { api, backendId } = await onItsBackend(props, str(props, 'space'), what(props));
  const a = await backend(() => api.getAllocation(ref(props)), ['POOL_NOT_FOUND']);
  if (a === undefined || a.status !== 'allocated') return undefined;
  // An imported address acts for its creator, so the stack can release it.
  return outputs({ ...props, creator: props.creator ?? a.creator }, await withPoolCidr(api, a), backendId);
}

export const clientIp: ResourceHandler = {
  fromId(id) {
    const [space, pool, clientId] = idParts(id, 2);
    return { space, pool, clientId };
  },

  async check(urn, olds, news) {
    return checkPoolOrSelector(checkResource('ClientIp', urn, olds, news, { space: () => defaultSpace() }, FIELD_CHECKS));
  },

  async diff(_id, olds, news) {
    await checkBackend(ipamApi, olds, str(olds, 'space'), what(olds));
    return diffInputs('ClientIp', olds, news, (o, n) =>
      // A selector may choose the old pool again: the old address must go first, so the client takes it back.
      ['space', 'pool', 'clientId'].every((k) => o[k] === n[k] || isUnknown(n[k]) || (k === 'pool' && n.poolSelector !== undefined)),
    );
  },

  async create(inputs) {
    const api = await ipamApi();
    const request = { ...ref(inputs), kind: 'host' as const, address: str(inputs, 'address'), labels: inputs.labels as Record<string, string> | undefined, ...acting(inputs) };
    const selector = inputs.poolSelector as string | undefined;
    const a = (await backend(() => (selector === undefined ? api.allocate(request) : api.allocateBySelector({ ...request, poolSelector: selector }))))!;
    const { id: backendId } = await backendOf(api, a.space);
    return { id: `${a.space}/${a.pool}/${a.owner}`, outs: outputs({ ...inputs, pool: a.pool }, await withPoolCidr(api, a), backendId) };
  },

  async read(id, props) {
    const outs = await current(props);
    return outs === undefined ? GONE : { id, props: outs };
  },

  async update(_id, olds, news) {
    // Only `adopt` changes in place; the outputs are the new inputs and what the backend holds.
    const outs = await current({ ...withChosenPool(news, olds), backendId: olds.backendId });
    if (outs === undefined) {
      throw pulumiError(errors.ALLOCATION_NOT_FOUND({ case: 'gone', subject: what(withChosenPool(news, olds)), field: 'clientId' }));
    }
    return { outs };
  },

  async delete(_id, props) {
    const { api } = await onItsBackend(props, str(props, 'space'), what(props));
    const tolerated = ['POOL_NOT_FOUND', 'ALLOCATION_NOT_FOUND', ...(props.adopt === true ? ['CREATOR_MISMATCH'] : [])];
    await backend(() => api.release({ ...ref(props), creator: str(props, 'creator') }), tolerated);
  },
};
