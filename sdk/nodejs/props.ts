import * as pulumi from '@pulumi/pulumi';
import { ResourceKind, SPECS, outputNames } from '../../provider/src/dynamic/specs';

/**
 * The property bag handed to pulumi.dynamic.Resource: every output the resource will have
 * (undefined until the provider fills it, which is how Pulumi learns to expose it as an
 * Output property) overlaid with the inputs the program gave.
 */
export function resourceProps(kind: ResourceKind, inputs: Record<string, unknown>): pulumi.Inputs {
  const props: pulumi.Inputs = {};
  for (const name of outputNames(kind)) props[name] = undefined;
  for (const [name, value] of Object.entries(inputs)) {
    if (!(name in SPECS[kind].inputs)) throw new Error(`${kind}: "${name}" is not an input; inputs are ${Object.keys(SPECS[kind].inputs).join(', ')}`);
    props[name] = value;
  }
  return props;
}

/** Default owner key of a claim: unique per project, stack and resource name. */
export function defaultOwner(resourceName: string): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}/${resourceName}`;
}
