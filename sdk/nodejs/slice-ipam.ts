import * as pulumi from '@pulumi/pulumi';
import { dynamicArgs } from './props';
import type { SliceClusterAllocation } from '../../provider/src/model/api';

export interface SliceIpamArgs {
  /** Slice name. Defaults to the resource name (kept when the resource is renamed). */
  sliceName?: pulumi.Input<string>;
  /** Namespace of the slice; a sliceSubnet is unique per namespace. Default: stack config ipam:namespace, else "default". */
  namespace?: pulumi.Input<string>;
  /** Private IPv4 block, /8 to /28. */
  sliceSubnet: pulumi.Input<string>;
  /** Prefix length of each cluster's subnet, 16 to 30. */
  subnetSize: pulumi.Input<number>;
  /** The slice's clusters. A removed cluster is released; one that comes back gets its subnet again. */
  clusters: pulumi.Input<pulumi.Input<string>[]>;
  /** Hours a released subnet is held for its cluster (1 to 168, default 24). */
  gracePeriodHours?: pulumi.Input<number>;
}

/** One cluster's subnet in a slice, as KubeSlice's SliceIpam status lists it (allocatedSubnets). */
export type { SliceClusterAllocation };

/** Per-cluster subnets of a KubeSlice slice: sequential, released with a grace period, given back to a cluster that rejoins. */
export class SliceIpam extends pulumi.dynamic.Resource {
  declare readonly sliceName: pulumi.Output<string>;
  declare readonly namespace: pulumi.Output<string>;
  declare readonly sliceSubnet: pulumi.Output<string>;
  declare readonly subnetSize: pulumi.Output<number>;
  declare readonly clusters: pulumi.Output<string[]>;
  declare readonly gracePeriodHours: pulumi.Output<number | undefined>;
  /** The stack this resource acts for ("pulumi:project/stack"), kept across stack renames. */
  declare readonly creator: pulumi.Output<string | undefined>;
  /** Id of the backend instance that holds it. */
  declare readonly backendId: pulumi.Output<string>;
  declare readonly allocations: pulumi.Output<SliceClusterAllocation[]>;
  declare readonly clusterSubnets: pulumi.Output<Record<string, string>>;
  declare readonly availableSubnets: pulumi.Output<number>;
  declare readonly totalSubnets: pulumi.Output<number>;

  constructor(name: string, args: SliceIpamArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs('SliceIpam', name, { ...args }, opts));
  }
}
