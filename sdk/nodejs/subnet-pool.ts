import * as pulumi from '@pulumi/pulumi';
import { dynamicArgs } from './props';
import { SubnetPoolArgs, SubnetPoolOutputs } from './generated/subnet-pool';
import type { PoolQuota } from '../../provider/src/model/api';

/*
 * The inputs and output properties are declared in ./generated/subnet-pool.ts, which `npm run schema`
 * writes from the resource's zod description (provider/src/model/resources.ts).
 */
export type { SubnetPoolArgs };

/** How much a creator may hold of a pool (or, with scope "space", of its address space): an entry of `quotas`. */
export type { PoolQuota };

/** A block of address space from which claims and client IPs are allocated. */
export class SubnetPool extends SubnetPoolOutputs {
  constructor(name: string, args: SubnetPoolArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs('SubnetPool', name, { ...args }, opts));
  }
}
