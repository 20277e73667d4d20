import { validateGracePeriodHours, validateSliceSubnet, validateSubnetSize } from '../../allocator/slice-rules';
import { checkName, checkOwner, checkSpace } from '../../engine/validate';
import { IpamError } from '../../errors';
import { SliceInfo } from '../../model/api';
import { formatCidr, overlaps } from '../../net/cidr';
import { checkInputs } from '../check';
import { diffInputs } from '../diff';
import { GONE, ResourceHandler, backend, str } from '../handler';
import { defaultSpace, ipamApi } from '../settings';
import { Props, defined, isUnknown, withDefaults } from '../values';
import { knownCidr } from './subnet-pool';

/** Seed 000's SliceIpam: one sync per create or update brings the slice in line with `clusters`. */
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
        throw new IpamError('INVALID_INPUT', `clusters[${i}]: duplicate cluster name in allocations: "${cluster}" is listed twice`, 'clusters');
      }
      seen.add(cluster);
    });
    return v;
  },
  gracePeriodHours: (v: number) => validateGracePeriodHours(v),
};

function outputs(inputs: Props, slice: SliceInfo): Props {
  return defined({
    ...inputs,
    allocations: slice.allocatedSubnets.map((a) => defined({ ...a })),
    clusterSubnets: Object.fromEntries(slice.allocatedSubnets.filter((a) => a.status === 'Allocated').map((a) => [a.clusterName, a.subnet])),
    availableSubnets: slice.availableSubnets,
    totalSubnets: slice.totalSubnets,
  });
}

const ref = (props: Props) => ({ namespace: str(props, 'namespace')!, name: str(props, 'sliceName')! });

async function sync(inputs: Props): Promise<SliceInfo> {
  const api = await ipamApi();
  return (await backend(() =>
    api.syncSlice({
      ...ref(inputs),
      sliceSubnet: str(inputs, 'sliceSubnet')!,
      subnetSize: inputs.subnetSize as number,
      clusters: inputs.clusters as string[],
      gracePeriodHours: inputs.gracePeriodHours as number | undefined,
    }),
  ))!;
}

export const sliceIpam: ResourceHandler = {
  async check(_olds, news) {
    return checkInputs('SliceIpam', withDefaults(news, { namespace: defaultSpace() }), FIELD_CHECKS);
  },

  async diff(_id, olds, news) {
    return diffInputs('SliceIpam', olds, news, (o, n) => {
      if (o.namespace !== n.namespace && !isUnknown(n.namespace)) return false;
      if (o.sliceName === n.sliceName || isUnknown(n.sliceName)) return true;
      const [a, b] = [knownCidr(o, 'sliceSubnet'), knownCidr(n, 'sliceSubnet')];
      return a === undefined || b === undefined || overlaps(a, b);
    });
  },

  async create(inputs) {
    const slice = await sync(inputs);
    return { id: `${slice.namespace}/${slice.name}`, outs: outputs(inputs, slice) };
  },

  async read(id, props) {
    const api = await ipamApi();
    const slice = await backend(() => api.getSlice(ref(props)), ['POOL_NOT_FOUND']);
    if (slice === undefined) return GONE;
    // The clusters that hold a subnet now, in the order the program listed them.
    const allocated = slice.allocatedSubnets.filter((a) => a.status === 'Allocated').map((a) => a.clusterName);
    const listed = (props.clusters as string[] | undefined) ?? [];
    const clusters = [...listed.filter((c) => allocated.includes(c)), ...allocated.filter((c) => !listed.includes(c))];
    const truth = { ...props, sliceSubnet: slice.sliceSubnet, subnetSize: slice.subnetSize, clusters };
    return { id, props: outputs(truth, slice) };
  },

  async update(_id, _olds, news) {
    return { outs: outputs(news, await sync(news)) };
  },

  async delete(_id, props) {
    const api = await ipamApi();
    await backend(() => api.deleteSlice(ref(props)), ['POOL_NOT_FOUND']);
  },
};
