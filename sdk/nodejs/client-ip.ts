import * as pulumi from '@pulumi/pulumi';
import { dynamicArgs } from './props';
import { ClientIpArgs, ClientIpOutputs } from './generated/client-ip';

/*
 * The inputs and output properties are declared in ./generated/client-ip.ts, which `npm run schema`
 * writes from the resource's zod description (provider/src/model/resources.ts).
 */
export type { ClientIpArgs };

/** One address for a client (a VPN peer, a VM), skipping network, broadcast and gateway. */
export class ClientIp extends ClientIpOutputs {
  constructor(name: string, args: ClientIpArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs('ClientIp', name, { ...args }, opts));
  }
}
