import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { z } from 'zod';
import { handler } from '../../provider/src/dynamic/handlers';
import { RESOURCE_KINDS, SPECS, ResourceKind } from '../../provider/src/dynamic/specs';
import { UNKNOWN } from '../../provider/src/dynamic/values';
import { buildSchema } from '../../scripts/schema';

/**
 * schema.json against everything it describes: it is what `npm run schema` generates from the
 * resource specs; it follows the rules of Pulumi's package metaschema; its properties are the
 * SDK classes' (read with the TypeScript compiler); and replaceOnChanges is what the provider's
 * diff does.
 */
const ROOT = join(__dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'schema.json'), 'utf8'));

// The parts of Pulumi's package metaschema (pkg/codegen/schema/pulumi.json) this package uses.
const TOKEN = /^[a-zA-Z][-a-zA-Z0-9_]*:([^0-9][a-zA-Z0-9._/-]*)?:[^0-9][a-zA-Z0-9._/-]*$/;
const primitive = z.object({ type: z.enum(['boolean', 'integer', 'number', 'string']) }).strict();
const typeSpec: z.ZodType = z.lazy(() =>
  z.union([
    primitive,
    z.object({ type: z.literal('array'), items: typeSpec }).strict(),
    z.object({ type: z.literal('object'), additionalProperties: typeSpec.optional() }).strict(),
    z.object({ $ref: z.string() }).strict(),
    z.object({ oneOf: z.array(typeSpec).min(2), type: z.string().optional() }).strict(),
  ]),
);
const propertySpec = z.looseObject({ description: z.string(), replaceOnChanges: z.boolean().optional(), secret: z.boolean().optional() }).transform((p) => {
  const { description: _description, replaceOnChanges: _replace, secret: _secret, defaultInfo: _default, ...type } = p as Record<string, unknown>;
  typeSpec.parse(type);
  return p;
});
const objectType = z.object({
  type: z.literal('object'),
  description: z.string(),
  properties: z.record(z.string(), propertySpec),
  required: z.array(z.string()),
});
const resourceSpec = z
  .object({
    description: z.string(),
    properties: z.record(z.string(), propertySpec),
    required: z.array(z.string()),
    inputProperties: z.record(z.string(), propertySpec),
    requiredInputs: z.array(z.string()),
  })
  .strict();
const packageSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z][-a-zA-Z0-9_]*$/),
    displayName: z.string(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    description: z.string(),
    keywords: z.array(z.string()),
    license: z.string(),
    homepage: z.string().url(),
    publisher: z.string(),
    config: z.object({ variables: z.record(z.string(), propertySpec) }).strict(),
    provider: z.object({ description: z.string(), properties: z.record(z.string(), propertySpec), inputProperties: z.record(z.string(), propertySpec) }).strict(),
    types: z.record(z.string().regex(TOKEN), objectType),
    resources: z.record(z.string().regex(TOKEN), resourceSpec),
    language: z.record(z.string(), z.object({}).passthrough()),
  })
  .strict();

/**
 * The SDK's view of a resource: Args interface members (with optionality) and declared outputs,
 * from its generated declarations, and the base class of the hand-written class.
 */
function sdkShape(kind: ResourceKind): { args: Record<string, boolean>; outputs: string[]; base: string | undefined } {
  const parse = (file: string) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const name = kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  const args: Record<string, boolean> = {};
  const outputs: string[] = [];
  parse(join(ROOT, 'sdk', 'nodejs', 'generated', `${name}.ts`)).forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === `${kind}Args`) {
      for (const member of node.members) if (ts.isPropertySignature(member)) args[(member.name as ts.Identifier).text] = member.questionToken === undefined;
    }
    if (ts.isClassDeclaration(node) && node.name?.text === `${kind}Outputs`) {
      for (const member of node.members) if (ts.isPropertyDeclaration(member)) outputs.push((member.name as ts.Identifier).text);
    }
  });
  let base: string | undefined;
  parse(join(ROOT, 'sdk', 'nodejs', `${name}.ts`)).forEachChild((node) => {
    if (ts.isClassDeclaration(node) && node.name?.text === kind) base = node.heritageClauses?.[0]?.types[0]?.expression.getText();
  });
  return { args, outputs, base };
}

/** A value different from `value`, of the same type, for probing the provider's diff. */
function changed(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value)) return [...value, 'extra'];
  if (value !== null && typeof value === 'object') return { ...value, extra: 'x' };
  return `${String(value)}-changed`;
}

const SAMPLE: Record<ResourceKind, Record<string, unknown>> = {
  SubnetPool: { name: 'p', space: 'default', cidr: '10.0.0.0/16', parentPool: 'root', strategy: 'first-fit', defaultPrefixLength: 24, gateway: true, reserved: ['10.0.0.0/30'], gracePeriodSeconds: 60, description: 'd', labels: { a: 'b' }, adopt: false,
    minPrefixLength: 20, maxPrefixLength: 26, requiredLabels: ['team'], allowedCreators: ['pulumi:*'], quotas: [{ name: 'q', maxBlocks: 2 }] },
  SubnetPoolClaim: { pool: 'p', poolSelector: 'zone=a', labels: { team: 'net' }, space: 'default', prefixLength: 24, cidr: '10.0.0.0/24', preferredCidr: '10.0.1.0/24', asPool: false, poolName: 'c', owner: 'o' },
  SliceIpam: { sliceName: 's', namespace: 'ns', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: ['w1'], gracePeriodHours: 24 },
  ClientIp: { pool: 'p', poolSelector: 'zone=a', labels: { team: 'net' }, space: 'default', clientId: 'c', address: '10.0.0.5', adopt: false },
};

describe('schema.json', () => {
  it('is what `npm run schema` generates from the resource specs', () => {
    expect(schema).to.deep.equal(JSON.parse(JSON.stringify(buildSchema())));
  });

  it('follows the rules of the Pulumi package metaschema: tokens of the package, every $ref resolves, required among the properties', () => {
    packageSchema.parse(schema);
    for (const resource of Object.values(schema.resources) as { properties: object; required: string[]; inputProperties: object; requiredInputs: string[] }[]) {
      for (const name of resource.required) expect(resource.properties).to.have.property(name);
      for (const name of resource.requiredInputs) expect(resource.inputProperties).to.have.property(name);
    }
    for (const token of [...Object.keys(schema.resources), ...Object.keys(schema.types)]) expect(token.split(':')[0]).to.equal(schema.name);
    const refs = [...JSON.stringify(schema).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs).to.not.deep.equal([]);
    for (const ref of refs) expect(schema.types, ref).to.have.property(ref.replace('#/types/', ''));
    expect(Object.keys(schema.language).sort()).to.deep.equal(['csharp', 'go', 'java', 'nodejs', 'python']);
    expect(schema.provider.inputProperties.token.secret).to.equal(true);
  });

  for (const kind of RESOURCE_KINDS) {
    const resource = schema.resources[`ipam:index:${kind}`];

    it(`${kind}: inputs and outputs are the SDK class's`, () => {
      const sdk = sdkShape(kind);
      expect(Object.keys(sdk.args).sort()).to.deep.equal(Object.keys(resource.inputProperties).sort());
      expect(Object.entries(sdk.args).filter(([, required]) => required).map(([n]) => n).sort()).to.deep.equal(resource.requiredInputs);
      expect(sdk.outputs.sort()).to.deep.equal(Object.keys(resource.properties).sort());
      expect(sdk.base, `the class ${kind} declares its outputs by extending the generated ${kind}Outputs`).to.equal(`${kind}Outputs`);
    });

    it(`${kind}: replaceOnChanges is exactly what the provider's diff replaces on`, async () => {
      const olds = SAMPLE[kind];
      expect(Object.keys(olds).sort()).to.deep.equal(Object.keys(SPECS[kind].inputs).sort());
      for (const name of Object.keys(olds)) {
        const result = await handler(kind).diff('id', olds, { ...olds, [name]: changed(olds[name]) });
        expect(result.changes, name).to.equal(true);
        expect(result.replaces.includes(name), `${kind}.${name} replaces`).to.equal(resource.inputProperties[name].replaceOnChanges === true);
        const unknown = await handler(kind).diff('id', olds, { ...olds, [name]: UNKNOWN });
        expect(unknown.changes, `${name} unknown`).to.equal(true);
      }
      expect((await handler(kind).diff('id', olds, { ...olds })).changes).to.equal(false);
    });
  }
});
