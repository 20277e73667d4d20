import { validateGracePeriodHours, validateSliceSubnet, validateSubnetSize } from '../../model/slice-rules';
import { checkName, checkOwner, checkSpace } from '../../model/validate';
import { Subject, errors } from '../../errors';
import { SliceInfo } from '../../model/api';
import { formatCidr, overlaps } from '../../net/cidr';
import { backendOf, checkBackend, onItsBackend } from '../backend-identity';
import { checkResource } from '../check';
import { diffInputs } from '../diff';
import { GONE, ResourceHandler, backend, idParts, str } from '../resource-handler';
import { defaultSpace, ipamApi } from '../settings';
import { Props, defined, isUnknown, knownCidr } from '../values';

/**
 * KubeSlice's per-cluster subnets: one sync per create or update brings the slice in line with
 * `clusters`. A slice belongs to the stack that created it: another stack's SliceIpam of the same
 * name and namespace is refused, or the two would release each other's clusters on every `up`.
 */
const FIELD_CHECKS = {
  sliceName: (v: string) => checkName(v, 'sliceName'),
  namespace: (v: string) => checkSpace(v, 'namespace'),
  sliceSubnet: (v: string) => formatCidr(validateSliceSubnet(v)),
  subnetSize: (v: number, inputs: Props) => {
    const slice = knownCidr(inputs, 'sliceSubnet');
    return slice === undefined ? v : validateSubnetSize(v, slice);
  },
  clusters: (v: string[]) => {
    const seen = new Set<string>();
    v.forEach((cluster, i) => {
      if (isUnknown(cluster)) return;
      checkOwner(cluster, `clusters[${i}]`);
      if (seen.has(cluster)) {
        throw errors.INVALID_INPUT({ case: 'duplicate-cluster', index: i, cluster, field: 'clusters' });
      }
      seen.add(cluster);
    });
    return v;
  },
  gracePeriodHours: (v: number) => validateGracePeriodHours(v),
};

function outputs(inputs: Props, slice: SliceInfo, backendId: string | undefined): Props {
  return defined({
    ...inputs,
    backendId,
    allocations: slice.allocatedSubnets.map((a) => defined({ ...a })),
    clusterSubnets: Object.fromEntries(slice.allocatedSubnets.filter((a) => a.status === 'Allocated').map((a) => [a.clusterName, a.subnet])),
    availableSubnets: slice.availableSubnets,
    totalSubnets: slice.totalSubnets,
  });
}

const ref = (props: Props) => ({ namespace: str(props, 'namespace')!, name: str(props, 'sliceName')! });
const what = (props: Props): Subject => ({ type: 'slice', name: String(str(props, 'sliceName')), namespace: String(str(props, 'namespace')) });

/** Brings the slice in line with the inputs; `olds` are the resource's state, when it has one. */
async function sync(inputs: Props, olds: Props = {}): Promise<Props> {
  const api = await ipamApi();
  // Before anything changes: an update must not sync a slice of the same name in another backend.
  await checkBackend(ipamApi, olds, str(inputs, 'namespace'), what(inputs));
  const slice = (await backend(() =>
    api.syncSlice({
      ...ref(inputs),
      sliceSubnet: str(inputs, 'sliceSubnet')!,
      subnetSize: inputs.subnetSize as number,
      clusters: inputs.clusters as string[],
      gracePeriodHours: inputs.gracePeriodHours as number | undefined,
      creator: str(inputs, 'creator'),
    }),
  ))!;
  const { id: backendId } = await backendOf(api, slice.namespace);
  return outputs(inputs, slice, backendId);
}

export const sliceIpam: ResourceHandler = {
  fromId(id) {
    const [namespace, sliceName] = idParts(id, 1);
    return { namespace, sliceName };
  },

  async check(urn, olds, news) {
    return checkResource('SliceIpam', urn, olds, news, { sliceName: (id) => id?.name, namespace: () => defaultSpace() }, FIELD_CHECKS);
  },

  async diff(_id, olds, news) {
    await checkBackend(ipamApi, olds, str(olds, 'namespace'), what(olds));
    return diffInputs('SliceIpam', olds, news, (o, n) => {
      if (o.namespace !== n.namespace && !isUnknown(n.namespace)) return false;
      if (o.sliceName === n.sliceName || isUnknown(n.sliceName)) return true;
      const [a, b] = [knownCidr(o, 'sliceSubnet'), knownCidr(n, 'sliceSubnet')];
      return a === undefined || b === undefined || overlaps(a, b);
    });
  },

  async create(inputs) {
    const outs = await sync(inputs);
    return { id: `${str(inputs, 'namespace')}/${str(inputs, 'sliceName')}`, outs };
  },

  async read(id, props) {
    const { api, backendId } = await onItsBackend(props, str(props, 'namespace'), what(props));
    const slice = await backend(() => api.getSlice(ref(props)), ['POOL_NOT_FOUND']);
    if (slice === undefined) return GONE;
    // The clusters that hold a subnet now, in the order the program listed them.
    const allocated = slice.allocatedSubnets.filter((a) => a.status === 'Allocated').map((a) => a.clusterName);
    const listed = (props.clusters as string[] | undefined) ?? [];
    const clusters = [...listed.filter((c) => allocated.includes(c)), ...allocated.filter((c) => !listed.includes(c))];
    const truth = {
      ...props,
      sliceSubnet: slice.sliceSubnet,
      subnetSize: slice.subnetSize,
      clusters,
      gracePeriodHours: props.gracePeriodHours ?? (slice.gracePeriodHours === 24 ? undefined : slice.gracePeriodHours),
      // An imported slice acts for its creator, so the stack can sync and delete it.
      creator: props.creator ?? slice.creator,
    };
    return { id, props: outputs(truth, slice, backendId) };
  },

  async update(_id, olds, news) {
    return { outs: await sync(news, olds) };
  },

  async delete(_id, props) {
    const { api } = await onItsBackend(props, str(props, 'namespace'), what(props));
    await backend(() => api.deleteSlice({ ...ref(props), creator: str(props, 'creator') }), ['POOL_NOT_FOUND']);
  },
};
