import * as pulumi from '@pulumi/pulumi';
import { dynamicArgs } from './props';

export interface ClientIpArgs {
  /** The pool to take the address from; or give poolSelector. */
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
  /** The client (VPN peer, VM): the same client always gets the same address. */
  clientId: pulumi.Input<string>;
  /** A specific address: granted if free, else an error. */
  address?: pulumi.Input<string>;
  /**
   * Share the address of this clientId that another stack (or the ipam command) allocated,
   * instead of failing; deleting the resource then leaves the address to its creator.
   */
  adopt?: pulumi.Input<boolean>;
}

/** One address for a client (a VPN peer, a VM), skipping network, broadcast and gateway. */
export class ClientIp extends pulumi.dynamic.Resource {
  /** The pool the address is in: the one named, or the one poolSelector chose. */
  declare readonly pool: pulumi.Output<string>;
  declare readonly poolSelector: pulumi.Output<string | undefined>;
  declare readonly labels: pulumi.Output<Record<string, string> | undefined>;
  declare readonly space: pulumi.Output<string>;
  declare readonly clientId: pulumi.Output<string>;
  declare readonly address: pulumi.Output<string | undefined>;
  declare readonly adopt: pulumi.Output<boolean | undefined>;
  /** The stack this resource acts for ("pulumi:project/stack"), kept across stack renames. */
  declare readonly creator: pulumi.Output<string | undefined>;
  /** Id of the backend instance that holds it. */
  declare readonly backendId: pulumi.Output<string>;
  declare readonly ip: pulumi.Output<string>;
  declare readonly cidr: pulumi.Output<string>;
  declare readonly gateway: pulumi.Output<string | undefined>;
  declare readonly prefixLength: pulumi.Output<number>;
  declare readonly netmask: pulumi.Output<string>;
  declare readonly poolCidr: pulumi.Output<string>;

  constructor(name: string, args: ClientIpArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs('ClientIp', name, { ...args }, opts));
  }
}
