/**
 * Writes schema.json, the Pulumi package schema of the package `ipam` that the provider plugin
 * (pulumi-resource-ipam) serves, from the zod descriptions of the resources and the provider's
 * settings (provider/src/model/resources.ts, read through dynamic/specs.ts): `npm run schema`,
 * which also writes the SDK's declarations (scripts/sdk.ts). test/pulumi/schema.test.ts fails
 * when the file is stale or disagrees with the SDK classes, the provider's diff, or what the
 * plugin serves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RESOURCE_KINDS, SPECS } from '../provider/src/dynamic/specs';
import { NAMED_OUTPUTS } from '../provider/src/model/outputs';
import { metaOf } from '../provider/src/model/pulumi-meta';
import { providerSettings } from '../provider/src/model/resources';
import { Shape, descriptionOf, isOptional, shapeOf } from '../provider/src/model/shape';
import { PACKAGE } from '../provider/src/package';

const ROOT = join(__dirname, '..');
const token = (name: string) => `${PACKAGE}:index:${name}`;

type TypeSpec = Record<string, unknown>;

/** Pulumi's type spec of a shape; an object type is a reference into `types`, which `used` collects. */
function typeSpec(shape: Shape, used: Set<string>): TypeSpec {
  switch (shape.kind) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return { type: shape.kind };
    case 'enum':
      return { type: 'string' };
    case 'array':
      return { type: 'array', items: typeSpec(shape.items, used) };
    case 'map':
      return { type: 'object', additionalProperties: typeSpec(shape.values, used) };
    case 'union':
      return { oneOf: shape.options.map((option) => typeSpec(option, used)) };
    case 'object':
      used.add(shape.name);
      return { $ref: `#/types/${token(shape.name)}` };
  }
}

const fieldsOf = (object: z.ZodObject) => Object.entries(object.shape as Record<string, z.ZodType>);

/** An object type of `types`, from its named zod schema. */
function objectType(name: keyof typeof NAMED_OUTPUTS, used: Set<string>): Record<string, unknown> {
  const schema = NAMED_OUTPUTS[name] as z.ZodType as z.ZodObject;
  return {
    type: 'object',
    description: schema.description,
    properties: Object.fromEntries(fieldsOf(schema).map(([field, s]) => [field, { ...typeSpec(shapeOf(s), used), description: descriptionOf(s) }])),
    required: fieldsOf(schema).filter(([, s]) => !isOptional(s)).map(([field]) => field).sort(),
  };
}

export function buildSchema(): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  const used = new Set<string>();
  for (const kind of RESOURCE_KINDS) {
    const spec = SPECS[kind];
    const inputProperties: Record<string, unknown> = {};
    const properties: Record<string, unknown> = {};
    for (const [name, input] of Object.entries(spec.inputs)) {
      const property = { ...typeSpec(input.shape, used), description: input.description, ...(input.replace ? { replaceOnChanges: true } : {}) };
      inputProperties[name] = property;
      properties[name] = { ...typeSpec(input.shape, used), description: input.description };
    }
    for (const [name, output] of Object.entries(spec.outputs)) properties[name] = { ...typeSpec(output.shape, used), description: output.description };
    const alwaysSet = [
      ...Object.entries(spec.inputs).filter(([, i]) => i.required || i.defaulted !== undefined || i.computed).map(([n]) => n),
      ...Object.entries(spec.outputs).filter(([, o]) => !o.optional).map(([n]) => n),
    ];
    resources[token(kind)] = {
      description: spec.description,
      properties,
      required: [...new Set(alwaysSet)].sort(),
      inputProperties,
      requiredInputs: Object.entries(spec.inputs).filter(([, i]) => i.required).map(([n]) => n).sort(),
    };
  }
  const configProperties = Object.fromEntries(
    fieldsOf(providerSettings).map(([key, schema]) => {
      const { environment, secret } = metaOf(schema);
      return [key, { type: 'string', description: descriptionOf(schema), defaultInfo: { environment: [environment] }, ...(secret ? { secret: true } : {}) }];
    }),
  );
  // An object type may name others: collect until none is new.
  const typeSpecs = new Map<string, unknown>();
  for (let name = [...used].find((n) => !typeSpecs.has(n)); name !== undefined; name = [...used].find((n) => !typeSpecs.has(n))) {
    typeSpecs.set(name, objectType(name as keyof typeof NAMED_OUTPUTS, used));
  }
  const types = Object.fromEntries([...typeSpecs.keys()].sort().map((name) => [token(name), typeSpecs.get(name)]));
  return {
    name: PACKAGE,
    displayName: 'IPAM',
    version: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    description: 'IP address management for Pulumi: subnet pools, claims, KubeSlice slices and client IPs that never collide.',
    keywords: ['pulumi', 'ipam', 'networking', 'kubeslice', 'category/network'],
    license: 'Apache-2.0',
    homepage: 'https://www.npmjs.com/package/pulumi-ipam',
    publisher: 'pulumi-ipam',
    config: { variables: configProperties },
    provider: {
      description: providerSettings.description,
      properties: Object.fromEntries(Object.entries(configProperties).map(([k, v]) => [k, v])),
      inputProperties: configProperties,
    },
    types,
    resources,
    // What `pulumi package gen-sdk` needs per language. Node.js programs can also use the
    // dynamic resources of the npm package pulumi-ipam, so the generated one takes another name.
    language: {
      nodejs: { packageName: '@pulumi-ipam/sdk', dependencies: { '@pulumi/pulumi': '^3.139.0' } },
      python: { packageName: 'pulumi_ipam', requires: { pulumi: '>=3.139.0,<4.0.0' } },
      go: { importBasePath: 'github.com/pulumi-ipam/pulumi-ipam/sdk/go/ipam', generateResourceContainerTypes: true },
      csharp: { rootNamespace: 'PulumiIpam', packageReferences: { Pulumi: '3.*' } },
      java: { basePackage: 'io.github.pulumiipam' },
    },
  };
}

if (require.main === module) {
  writeFileSync(join(ROOT, 'schema.json'), `${JSON.stringify(buildSchema(), null, 2)}\n`);
  process.stdout.write('schema.json written\n');
}
