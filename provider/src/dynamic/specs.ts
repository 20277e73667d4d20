import { z } from 'zod';
import { PulumiMeta, metaOf } from '../model/pulumi-meta';
import { RESOURCES, RESOURCE_KINDS, ResourceKind } from '../model/resources';
import { Shape, descriptionOf, isOptional, shapeOf } from '../model/shape';

/**
 * The four Pulumi resources as the provider reads them: a table derived from their zod
 * descriptions (model/resources.ts), field by field, so check, diff, the plugin and the SDK
 * need not walk zod schemas themselves. schema.json and the SDK declarations are generated from
 * the same descriptions, so they cannot disagree with what the provider does.
 */
export { RESOURCE_KINDS };
export type { ResourceKind };

interface InputSpec extends PulumiMeta {
  schema: z.ZodType;
  shape: Shape;
  description: string;
  required: boolean;
}

interface OutputSpec {
  schema: z.ZodType;
  shape: Shape;
  description: string;
  /** Not always set (a pool without a gateway has no gateway address). */
  optional: boolean;
}

export interface ResourceSpec {
  kind: ResourceKind;
  description: string;
  inputs: Record<string, InputSpec>;
  /** Outputs in addition to the inputs, which are echoed back as outputs. */
  outputs: Record<string, OutputSpec>;
}

function field(kind: ResourceKind, name: string, schema: z.ZodType): { schema: z.ZodType; shape: Shape; description: string } {
  const description = descriptionOf(schema);
  if (description === undefined) throw new Error(`${kind}.${name} has no description`);
  return { schema, shape: shapeOf(schema), description };
}

function specOf(kind: ResourceKind): ResourceSpec {
  const { description, inputs, outputs } = RESOURCES[kind];
  const fields = (object: z.ZodObject) => Object.entries(object.shape as Record<string, z.ZodType>);
  return {
    kind,
    description,
    inputs: Object.fromEntries(fields(inputs).map(([name, schema]) => [name, { ...metaOf(schema), ...field(kind, name, schema), required: !isOptional(schema) }])),
    outputs: Object.fromEntries(fields(outputs).map(([name, schema]) => [name, { ...field(kind, name, schema), optional: isOptional(schema) }])),
  };
}

export const SPECS = Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, specOf(kind)])) as Record<ResourceKind, ResourceSpec>;

/** Output property names of a resource: its inputs (echoed) and its computed outputs. */
export function outputNames(kind: ResourceKind): string[] {
  return [...new Set([...Object.keys(SPECS[kind].inputs), ...Object.keys(SPECS[kind].outputs)])];
}
