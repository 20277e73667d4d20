import * as pulumi from '@pulumi/pulumi';
import type { ResourceKind } from '../../provider/src/dynamic/specs';

/**
 * The dynamic provider object Pulumi serializes into every resource's state. It must stay tiny:
 * its closure captures only the resource kind; every method requires pulumi-ipam's stable entry
 * point `pulumi-ipam/dynamic` inside Pulumi's provider host (resolved from the program's
 * node_modules) and delegates. So nothing of ours is serialized by value, and a newer
 * pulumi-ipam serves resources an older one made.
 *
 * One object per kind: Pulumi serializes a provider object once and reuses the text, so a
 * thousand claims cost one serialization, not a thousand.
 */
const PROVIDERS = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();

export function providerFor(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  let provider = PROVIDERS.get(kind);
  if (provider === undefined) {
    provider = serializableProvider(kind);
    PROVIDERS.set(kind, provider);
  }
  return provider;
}

// Each method require()s the package when Pulumi calls it: an import would be serialized with
// the closure (by value) into every resource's state. See the comment above PROVIDERS.
/* eslint-disable @typescript-eslint/no-require-imports */
function serializableProvider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      require('pulumi-ipam/dynamic').configure(req.config);
    },
    async check(olds, news) {
      return require('pulumi-ipam/dynamic').handler(kind).check(olds, news);
    },
    async diff(id, olds, news) {
      return require('pulumi-ipam/dynamic').handler(kind).diff(id, olds, news);
    },
    async create(inputs) {
      return require('pulumi-ipam/dynamic').handler(kind).create(inputs);
    },
    async read(id, props) {
      return require('pulumi-ipam/dynamic').handler(kind).read(id, props);
    },
    async update(id, olds, news) {
      return require('pulumi-ipam/dynamic').handler(kind).update(id, olds, news);
    },
    async delete(id, props) {
      return require('pulumi-ipam/dynamic').handler(kind).delete(id, props);
    },
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */
