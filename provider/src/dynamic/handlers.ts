import { ResourceHandler } from './resource-handler';
import { URN_INPUT } from './identity';
import { clientIp } from './resources/client-ip';
import { sliceIpam } from './resources/slice-ipam';
import { subnetPool } from './resources/subnet-pool';
import { subnetPoolClaim } from './resources/subnet-pool-claim';
import { ConfigSource, configure as configureBackend } from './settings';
import { ResourceKind } from './specs';
import { traced } from './traced-handler';
import { Props } from './values';

/**
 * The entry point of the dynamic resources inside Pulumi's provider host: `pulumi-ipam/dynamic`
 * (package.json "exports"). The serialized provider stored with every resource holds nothing
 * but the resource kind and a require() of this module, so upgrading pulumi-ipam changes the
 * behaviour of existing resources without changing their state. Stacks made before that entry
 * existed require the deep path dist/provider/src/dynamic/handlers, which stays mapped here for
 * good, with the same methods.
 */
const HANDLERS: Record<ResourceKind, ResourceHandler> = {
  SubnetPool: traced('SubnetPool', subnetPool),
  SubnetPoolClaim: traced('SubnetPoolClaim', subnetPoolClaim),
  SliceIpam: traced('SliceIpam', sliceIpam),
  ClientIp: traced('ClientIp', clientIp),
};

/** What a pulumi.dynamic.ResourceProvider method of a kind calls: the handler, but for check's URN. */
export type DynamicHandler = Omit<ResourceHandler, 'check'> & { check(olds: Props, news: Props): ReturnType<ResourceHandler['check']> };

const DYNAMIC = Object.fromEntries(
  Object.entries(HANDLERS).map(([kind, h]): [string, DynamicHandler] => [
    kind,
    // A dynamic provider is not told the URN: the SDK passes it with the inputs.
    { ...h, check: (olds, news) => h.check(news[URN_INPUT] as string | undefined, olds, news) },
  ]),
) as Record<ResourceKind, DynamicHandler>;

/** The handler of a kind, as a provider plugin calls it (the URN from the engine). */
export function handlerOf(kind: ResourceKind): ResourceHandler {
  return HANDLERS[kind];
}

export function handler(kind: ResourceKind): DynamicHandler {
  return DYNAMIC[kind];
}

export function configure(config: ConfigSource): void {
  configureBackend(config);
}
