import * as pulumi from '@pulumi/pulumi';
import { URN_INPUT } from '../../provider/src/dynamic/identity';
import { ResourceKind, SPECS, outputNames } from '../../provider/src/dynamic/specs';
import { providerFor } from './provider';

/**
 * The arguments of pulumi.dynamic.Resource for one of our resources: the kind's provider, and
 * the property bag: every output the resource will have (undefined until the provider fills
 * it, which is how Pulumi learns to expose it as an Output property) overlaid with the inputs
 * the program gave, plus the resource's own URN, which a dynamic provider is otherwise never
 * told and from which its check derives the defaults (name, owner key, creator).
 */
export function dynamicArgs(
  kind: ResourceKind,
  name: string,
  inputs: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions | undefined,
): [pulumi.dynamic.ResourceProvider, string, pulumi.Inputs, pulumi.CustomResourceOptions | undefined, string, string] {
  const props: pulumi.Inputs = {};
  for (const output of outputNames(kind)) props[output] = undefined;
  for (const [input, value] of Object.entries(inputs)) {
    if (!(input in SPECS[kind].inputs)) throw new Error(`${kind}: "${input}" is not an input; inputs are ${Object.keys(SPECS[kind].inputs).join(', ')}`);
    props[input] = value;
  }
  props[URN_INPUT] = pulumi.createUrn(name, `pulumi-nodejs:dynamic/ipam:${kind}`, opts?.parent);
  return [providerFor(kind), name, props, opts, 'ipam', kind];
}
