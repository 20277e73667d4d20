import * as pulumi from '@pulumi/pulumi';
import { dynamicArgs } from './props';
import { SliceIpamArgs, SliceIpamOutputs } from './generated/slice-ipam';
import type { SliceClusterAllocation } from '../../provider/src/model/api';

/*
 * The inputs and output properties are declared in ./generated/slice-ipam.ts, which `npm run schema`
 * writes from the resource's zod description (provider/src/model/resources.ts).
 */
export type { SliceIpamArgs };

/** One cluster's subnet in a slice, as KubeSlice's SliceIpam status lists it (allocatedSubnets). */
export type { SliceClusterAllocation };

/** Per-cluster subnets of a KubeSlice slice: sequential, released with a grace period, given back to a cluster that rejoins. */
export class SliceIpam extends SliceIpamOutputs {
  constructor(name: string, args: SliceIpamArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs('SliceIpam', name, { ...args }, opts));
  }
}
