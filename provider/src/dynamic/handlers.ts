import { ResourceHandler } from './handler';
import { clientIp } from './resources/client-ip';
import { sliceIpam } from './resources/slice-ipam';
import { subnetPool } from './resources/subnet-pool';
import { subnetPoolClaim } from './resources/subnet-pool-claim';
import { ConfigSource, configure as configureBackend } from './settings';
import { ResourceKind } from './specs';

/**
 * What the serialized provider requires inside Pulumi's provider host. The serialized closure
 * holds nothing but the resource kind and a require() of this module, so upgrading pulumi-ipam
 * changes the behaviour of existing resources without changing their state.
 */
const HANDLERS: Record<ResourceKind, ResourceHandler> = {
  SubnetPool: subnetPool,
  SubnetPoolClaim: subnetPoolClaim,
  SliceIpam: sliceIpam,
  ClientIp: clientIp,
};

export function handler(kind: ResourceKind): ResourceHandler {
  return HANDLERS[kind];
}

export function configure(config: ConfigSource): void {
  configureBackend(config);
}
