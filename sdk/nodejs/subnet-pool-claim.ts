import * as pulumi from '@pulumi/pulumi';
import { dynamicArgs } from './props';

export interface SubnetPoolClaimArgs {
  /** The pool to claim from; or give poolSelector. */
  pool?: pulumi.Input<string>;
  /**
   * Labels of the pool to allocate from, instead of pool: a map ({ zone: "eu-west-1a" }) or a
   * Kubernetes selector ("zone=eu-west-1a,env in (prod,staging)"). Among matching pools: the
   * highest "priority" label, then the most free addresses, then the name. The pool chosen is the
   * `pool` output and never changes on refresh; changing the selector replaces the resource.
   */
  poolSelector?: pulumi.Input<string | Record<string, pulumi.Input<string>>>;
  /** Labels of the allocation (a pool may require some); a change replaces it. */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
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
   * Idempotency key: the same key always gets the same block. Defaults to "project/stack/name"
   * (with the parent component types before the name for a child), kept when the resource or
   * the stack is renamed. Name a key to share a block allocated elsewhere (`ipam alloc --owner`):
   * deleting the claim then leaves that block to whoever allocated it.
   */
  owner?: pulumi.Input<string>;
}

/** A block of a requested size carved from a pool; with asPool, itself a pool. */
export class SubnetPoolClaim extends pulumi.dynamic.Resource {
  /** The pool the block is in: the one named, or the one poolSelector chose. */
  declare readonly pool: pulumi.Output<string>;
  declare readonly poolSelector: pulumi.Output<string | undefined>;
  declare readonly labels: pulumi.Output<Record<string, string> | undefined>;
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
  /** The stack this resource acts for ("pulumi:project/stack"), kept across stack renames. */
  declare readonly creator: pulumi.Output<string | undefined>;
  /** Id of the backend instance that holds it. */
  declare readonly backendId: pulumi.Output<string>;

  constructor(name: string, args: SubnetPoolClaimArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs('SubnetPoolClaim', name, { ...args }, opts));
  }
}
