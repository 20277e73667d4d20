import * as pulumi from '@pulumi/pulumi';
import { providerFor } from './provider';
import { defaultOwner, resourceProps } from './props';

export interface SubnetPoolClaimArgs {
  /** The pool to claim from. */
  pool: pulumi.Input<string>;
  /** Address space of the pool. Default: stack config ipam:namespace, else "default". */
  space?: pulumi.Input<string>;
  /** Size of the block; defaults to the pool's defaultPrefixLength. */
  prefixLength?: pulumi.Input<number>;
  /** A specific block: granted if free, else an error. */
  cidr?: pulumi.Input<string>;
  /** A block to try first, falling back to the pool's strategy when taken. */
  preferredCidr?: pulumi.Input<string>;
  /** Make the claimed block a child pool (named poolName) that other claims can use. */
  asPool?: pulumi.Input<boolean>;
  /** Name of the child pool when asPool. Defaults to the resource name. */
  poolName?: pulumi.Input<string>;
  /**
   * Idempotency key: the same key always gets the same block. Defaults to
   * "project/stack/resource name"; set it to adopt a block allocated elsewhere (e.g. `ipam alloc --owner`).
   */
  owner?: pulumi.Input<string>;
}

/** A block of a requested size carved from a pool (seed 001's SubnetPoolClaim). */
export class SubnetPoolClaim extends pulumi.dynamic.Resource {
  declare readonly pool: pulumi.Output<string>;
  declare readonly space: pulumi.Output<string>;
  declare readonly prefixLength: pulumi.Output<number>;
  declare readonly cidr: pulumi.Output<string>;
  declare readonly preferredCidr: pulumi.Output<string | undefined>;
  declare readonly asPool: pulumi.Output<boolean | undefined>;
  declare readonly poolName: pulumi.Output<string | undefined>;
  declare readonly owner: pulumi.Output<string>;
  declare readonly network: pulumi.Output<string>;
  declare readonly netmask: pulumi.Output<string>;
  declare readonly firstHost: pulumi.Output<string>;
  declare readonly lastHost: pulumi.Output<string>;
  declare readonly size: pulumi.Output<string>;
  declare readonly gateway: pulumi.Output<string | undefined>;
  declare readonly boundPoolName: pulumi.Output<string | undefined>;
  declare readonly phase: pulumi.Output<string>;

  constructor(name: string, args: SubnetPoolClaimArgs, opts?: pulumi.CustomResourceOptions) {
    // The child pool takes the resource name unless asPool is plainly off.
    const poolName = args.poolName ?? (args.asPool === undefined || args.asPool === false ? undefined : name);
    const inputs = { ...args, owner: args.owner ?? defaultOwner(name), poolName };
    super(providerFor('SubnetPoolClaim'), name, resourceProps('SubnetPoolClaim', inputs), opts, 'ipam', 'SubnetPoolClaim');
  }
}
