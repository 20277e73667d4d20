import * as pulumi from '@pulumi/pulumi';
import { providerFor } from './provider';
import { resourceProps } from './props';

export interface ClientIpArgs {
  /** The pool to take the address from. */
  pool: pulumi.Input<string>;
  /** Address space of the pool. Default: stack config ipam:namespace, else "default". */
  space?: pulumi.Input<string>;
  /** The client (VPN peer, VM): the same client always gets the same address. */
  clientId: pulumi.Input<string>;
  /** A specific address: granted if free, else an error. */
  address?: pulumi.Input<string>;
}

/** One address for a client, skipping network, broadcast and gateway (seed 003). */
export class ClientIp extends pulumi.dynamic.Resource {
  declare readonly pool: pulumi.Output<string>;
  declare readonly space: pulumi.Output<string>;
  declare readonly clientId: pulumi.Output<string>;
  declare readonly address: pulumi.Output<string | undefined>;
  declare readonly ip: pulumi.Output<string>;
  declare readonly cidr: pulumi.Output<string>;
  declare readonly gateway: pulumi.Output<string | undefined>;
  declare readonly prefixLength: pulumi.Output<number>;
  declare readonly netmask: pulumi.Output<string>;
  declare readonly poolCidr: pulumi.Output<string>;

  constructor(name: string, args: ClientIpArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerFor('ClientIp'), name, resourceProps('ClientIp', { ...args }), opts, 'ipam', 'ClientIp');
  }
}
