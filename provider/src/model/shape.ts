import { z } from 'zod';
import { NAMED_OUTPUTS } from './outputs';

/**
 * The shape of a value as the Pulumi faces write it: schema.json's type specs, the SDK's
 * TypeScript declarations and the provider's type check all read a zod schema through this,
 * so they cannot disagree about what a field holds.
 */
export type Shape =
  | { kind: 'string' | 'integer' | 'number' | 'boolean' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'array'; items: Shape }
  | { kind: 'map'; values: Shape }
  | { kind: 'union'; options: Shape[] }
  /** One of the named result shapes (model/outputs.ts NAMED_OUTPUTS), by its name. */
  | { kind: 'object'; name: string };

const NAMES = new Map<z.ZodType, string>(Object.entries(NAMED_OUTPUTS).map(([name, schema]) => [schema, name]));

/** The shape of `schema`; optional (and nullable) wrappers say whether a value must be there, not what it is. */
export function shapeOf(schema: z.ZodType): Shape {
  const inner = unwrapped(schema);
  const def = inner.def;
  switch (def.type) {
    case 'string':
    case 'boolean':
      return { kind: def.type };
    case 'number':
      return { kind: (inner as z.ZodNumber).format === 'safeint' ? 'integer' : 'number' };
    case 'enum':
      return { kind: 'enum', values: (inner as z.ZodEnum).options.map(String) };
    case 'array':
      return { kind: 'array', items: shapeOf((inner as z.ZodArray<z.ZodType>).element) };
    case 'record':
      return { kind: 'map', values: shapeOf((inner as z.ZodRecord<z.ZodString, z.ZodType>).valueType) };
    case 'union':
      return { kind: 'union', options: (inner as z.ZodUnion<z.ZodType[]>).options.map(shapeOf) };
    case 'object': {
      const name = NAMES.get(inner);
      if (name !== undefined) return { kind: 'object', name };
      break;
    }
  }
  throw new Error(`a Pulumi field cannot have the zod type "${def.type}"${def.type === 'object' ? ' unless it is one of NAMED_OUTPUTS' : ''}`);
}

/** True when the field may be left out. */
export function isOptional(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const inner = wrapped(current) ?? (current.def.type === 'pipe' ? (current as z.ZodPipe<z.ZodType, z.ZodType>).out : undefined);
    if (inner === undefined) return current;
    current = inner;
  }
}

/** The description of a field, given on it or on what it wraps (`z.string().describe(...).optional()`). */
export function descriptionOf(schema: z.ZodType): string | undefined {
  for (let current: z.ZodType | undefined = schema; current !== undefined; current = wrapped(current)) {
    if (current.description !== undefined) return current.description;
  }
  return undefined;
}

function wrapped(schema: z.ZodType): z.ZodType | undefined {
  const type = schema.def.type;
  return type === 'optional' || type === 'nullable' || type === 'default' ? (schema as z.ZodOptional<z.ZodType>).unwrap() : undefined;
}
