import * as pulumi from '@pulumi/pulumi';
import { dynamicArgs } from './props';
import { SubnetPoolClaimArgs, SubnetPoolClaimOutputs } from './generated/subnet-pool-claim';

/*
 * The inputs and output properties are declared in ./generated/subnet-pool-claim.ts, which `npm run schema`
 * writes from the resource's zod description (provider/src/model/resources.ts).
 */
export type { SubnetPoolClaimArgs };

/** A block of a requested size carved from a pool; with asPool, itself a pool. */
export class SubnetPoolClaim extends SubnetPoolClaimOutputs {
  constructor(name: string, args: SubnetPoolClaimArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs('SubnetPoolClaim', name, { ...args }, opts));
  }
}
