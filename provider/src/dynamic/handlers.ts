import { ResourceHandler } from './handler';
import { URN_INPUT } from './identity';
import { clientIp } from './resources/client-ip';
import { sliceIpam } from './resources/slice-ipam';
import { subnetPool } from './resources/subnet-pool';
import { subnetPoolClaim } from './resources/subnet-pool-claim';
import { ConfigSource, configure as configureBackend } from './settings';
import { ResourceKind } from './specs';
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
  SubnetPool: subnetPool,
  SubnetPoolClaim: subnetPoolClaim,
  SliceIpam: sliceIpam,
  ClientIp: clientIp,
};

/** What a pulumi.dynamic.ResourceProvider method of a kind calls. */
export interface DynamicHandler {
  check(olds: Props, news: Props): ReturnType<ResourceHandler['check']>;
  diff: ResourceHandler['diff'];
  create: ResourceHandler['create'];
  read: ResourceHandler['read'];
  update: ResourceHandler['update'];
  delete: ResourceHandler['delete'];
}

const DYNAMIC = Object.fromEntries(
  Object.entries(HANDLERS).map(([kind, h]): [string, DynamicHandler] => [
    kind,
    {
      // A dynamic provider is not told the URN: the SDK passes it with the inputs.
      check: (olds, news) => h.check(news[URN_INPUT] as string | undefined, olds, news),
      diff: (id, olds, news) => h.diff(id, olds, news),
      create: (inputs) => h.create(inputs),
      read: (id, props) => h.read(id, props),
      update: (id, olds, news) => h.update(id, olds, news),
      delete: (id, props) => h.delete(id, props),
    },
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
