import { SliceClusterAllocation, SliceInfo } from '../model/api';
import { ObjectEvent } from './events';
import { condition, seconds } from './conditions';
import { KindHandler, specOf } from './handler';

/**
 * An applied SliceIpam, the KubeSlice way: spec.sliceSubnet, spec.subnetSize, the member
 * clusters in spec.clusters (a list of names, as a KubeSlice SliceConfig lists them) and
 * spec.gracePeriodHours. Each listed cluster gets a subnet (sequential); a cluster removed from
 * the list is released, its subnet held for the grace period, and gets it back if it is listed
 * again in time. Events: Allocated, Released and Reclaimed, per cluster.
 */
interface SliceSpec {
  sliceSubnet: string;
  subnetSize: number;
  clusters?: string[];
  gracePeriodHours?: number;
}

export const sliceIpamHandler: KindHandler = {
  kind: 'SliceIpam',
  plural: 'sliceipams',

  async reconcile({ ipam, object, namespace, creator, now }) {
    const spec = specOf(object) as unknown as SliceSpec;
    const slice = await ipam.syncSlice({
      namespace,
      name: object.metadata.name,
      sliceSubnet: spec.sliceSubnet,
      subnetSize: spec.subnetSize,
      clusters: spec.clusters ?? [],
      gracePeriodHours: spec.gracePeriodHours,
      creator,
    });
    const previous = (object.status?.allocatedSubnets as SliceClusterAllocation[] | undefined) ?? [];
    const live = slice.allocatedSubnets.filter((a) => a.status === 'Allocated').length;
    const message = `${live} cluster(s) of slice ${slice.name} have a subnet of /${slice.subnetSize} from ${slice.sliceSubnet}; ${slice.availableSubnets} of ${slice.totalSubnets} available`;
    return {
      status: {
        creator,
        allocatedSubnets: slice.allocatedSubnets.map((a) => ({ ...a, allocatedAt: seconds(a.allocatedAt), ...(a.releasedAt === undefined ? {} : { releasedAt: seconds(a.releasedAt) }) })),
        availableSubnets: slice.availableSubnets,
        totalSubnets: slice.totalSubnets,
        observedGeneration: object.metadata.generation,
        conditions: [condition(object.status, 'Ready', 'True', 'Allocated', message, now)],
      },
      events: clusterEvents(slice, previous),
    };
  },

  async release({ ipam, object, namespace, creator }) {
    const held = ((object.status?.allocatedSubnets as SliceClusterAllocation[] | undefined) ?? []).map((a) => `${a.clusterName} ${a.subnet}`);
    await ipam.deleteSlice({ namespace, name: object.metadata.name, creator });
    return [{ type: 'Normal', reason: 'Released', message: `slice ${object.metadata.name} deleted; released ${held.length === 0 ? 'no subnets' : held.join(', ')}` }];
  },

  failed({ object, now }, message) {
    return {
      ...(object.status ?? {}),
      message,
      observedGeneration: object.metadata.generation,
      conditions: [condition(object.status, 'Ready', 'False', 'Error', message, now)],
    };
  },
};

/** One Event per cluster whose subnet changed since the status last shown. */
function clusterEvents(slice: SliceInfo, previous: SliceClusterAllocation[]): ObjectEvent[] {
  const before = new Map(previous.map((a) => [a.clusterName, a]));
  const events: ObjectEvent[] = [];
  for (const now of slice.allocatedSubnets) {
    const was = before.get(now.clusterName);
    if (now.status === 'Allocated' && was?.status !== 'Allocated') {
      events.push(
        was?.status === 'Released' && was.subnet === now.subnet
          ? { type: 'Normal', reason: 'Reclaimed', message: `cluster ${now.clusterName} rejoined slice ${slice.name} within the grace period and got ${now.subnet} back` }
          : { type: 'Normal', reason: 'Allocated', message: `cluster ${now.clusterName} of slice ${slice.name}: ${now.subnet}` },
      );
    }
    if (now.status === 'Released' && was?.status === 'Allocated') {
      const until = new Date(Date.parse(now.releasedAt!) + slice.gracePeriodHours * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      events.push({ type: 'Normal', reason: 'Released', message: `cluster ${now.clusterName} left slice ${slice.name}; ${now.subnet} is held for it until ${until}` });
    }
  }
  return events;
}
