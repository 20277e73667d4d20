import * as pulumi from '@pulumi/pulumi';
import type { ResourceKind } from '../../provider/src/dynamic/specs';

/**
 * The dynamic provider object Pulumi serializes into every resource's state. It must stay tiny:
 * its closure captures only the resource kind; every method requires pulumi-ipam inside
 * Pulumi's provider host (resolved from the program's node_modules) and delegates. So nothing
 * of ours is serialized by value, and a newer pulumi-ipam serves resources an older one made.
 */
export function providerFor(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      require('pulumi-ipam/dist/provider/src/dynamic/handlers').configure(req.config);
    },
    async check(olds, news) {
      return require('pulumi-ipam/dist/provider/src/dynamic/handlers').handler(kind).check(olds, news);
    },
    async diff(id, olds, news) {
      return require('pulumi-ipam/dist/provider/src/dynamic/handlers').handler(kind).diff(id, olds, news);
    },
    async create(inputs) {
      return require('pulumi-ipam/dist/provider/src/dynamic/handlers').handler(kind).create(inputs);
    },
    async read(id, props) {
      return require('pulumi-ipam/dist/provider/src/dynamic/handlers').handler(kind).read(id, props);
    },
    async update(id, olds, news) {
      return require('pulumi-ipam/dist/provider/src/dynamic/handlers').handler(kind).update(id, olds, news);
    },
    async delete(id, props) {
      return require('pulumi-ipam/dist/provider/src/dynamic/handlers').handler(kind).delete(id, props);
    },
  };
}
