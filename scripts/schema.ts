/**
 * Writes schema.json, the Pulumi package schema of the package `ipam` that the provider plugin
 * (pulumi-resource-ipam) serves, from the resource specs (provider/src/dynamic/specs.ts):
 * `npm run schema`. test/pulumi/schema.test.ts fails when the file is stale or disagrees with
 * the SDK classes, the provider's diff, or what the plugin serves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FieldType, RESOURCE_KINDS, SPECS } from '../provider/src/dynamic/specs';
import { PACKAGE } from '../provider/src/package';

const ROOT = join(__dirname, '..');
const token = (name: string) => `${PACKAGE}:index:${name}`;

type TypeSpec = Record<string, unknown>;

function typeSpec(type: FieldType, items?: string): TypeSpec {
  switch (type) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return { type };
    case 'string[]':
      return { type: 'array', items: { type: 'string' } };
    case 'map':
      return { type: 'object', additionalProperties: { type: 'string' } };
    case 'boolean|string':
      return { oneOf: [{ type: 'boolean' }, { type: 'string' }] };
    case 'object[]':
      return { type: 'array', items: { $ref: `#/types/${token(items!)}` } };
    case 'string|map':
      return { oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }] };
  }
}

const CONFIG: Record<string, [string, string, boolean?]> = {
  state: ['SQLite state file of the embedded backend (default ./.ipam/state.db, relative to the program).', 'IPAM_STATE'],
  sqliteSync: ['SQLite durability: full (default: survives power loss) or normal.', 'IPAM_SQLITE_SYNC'],
  server: ['URL of an HTTP IPAM service (`ipam serve`); selects the HTTP backend.', 'IPAM_SERVER'],
  token: ['Bearer token for the HTTP IPAM service.', 'IPAM_TOKEN', true],
  backend: ['"kubernetes" selects the Kubernetes backend with the default kubeconfig.', 'IPAM_BACKEND'],
  kubeconfig: ['kubeconfig file, or its contents (YAML or JSON, e.g. from a secret); selects the Kubernetes backend.', 'IPAM_KUBECONFIG', true],
  kubeContext: ['kubeconfig context (Kubernetes backend).', 'IPAM_KUBE_CONTEXT'],
  namespace: ['Namespace used when a resource names no space (Kubernetes backend).', 'IPAM_NAMESPACE'],
};

export function buildSchema(): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  for (const kind of RESOURCE_KINDS) {
    const spec = SPECS[kind];
    const inputProperties: Record<string, unknown> = {};
    const properties: Record<string, unknown> = {};
    for (const [name, input] of Object.entries(spec.inputs)) {
      const property = { ...typeSpec(input.type, input.items), description: input.description, ...(input.replace ? { replaceOnChanges: true } : {}) };
      inputProperties[name] = property;
      properties[name] = { ...typeSpec(input.type, input.items), description: input.description };
    }
    for (const [name, output] of Object.entries(spec.outputs)) properties[name] = { ...typeSpec(output.type, output.items), description: output.description };
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
    Object.entries(CONFIG).map(([key, [description, env, secret]]) => [
      key,
      { type: 'string', description, defaultInfo: { environment: [env] }, ...(secret ? { secret: true } : {}) },
    ]),
  );
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
      description: 'The ipam provider: which backend holds the address space (an embedded SQLite file, an HTTP IPAM service, or Kubernetes custom resources). Without settings it uses ./.ipam/state.db.',
      properties: Object.fromEntries(Object.entries(configProperties).map(([k, v]) => [k, v])),
      inputProperties: configProperties,
    },
    types: {
      [token('SliceClusterAllocation')]: {
        type: 'object',
        description: "The subnet of one cluster of a KubeSlice slice, as the SliceIpam status lists it.",
        properties: {
          clusterName: { type: 'string', description: 'The cluster.' },
          subnet: { type: 'string', description: "The cluster's subnet." },
          status: { type: 'string', description: 'Allocated, or Released (held for the cluster during the grace period).' },
          allocatedAt: { type: 'string', description: 'When the subnet was (re)allocated, RFC 3339.' },
          releasedAt: { type: 'string', description: 'When it was released, RFC 3339.' },
        },
        required: ['allocatedAt', 'clusterName', 'status', 'subnet'],
      },
      [token('PoolQuota')]: {
        type: 'object',
        description: 'How much a creator may hold of a pool (or of its address space); refusals name the quota, the usage and the holder.',
        properties: {
          name: { type: 'string', description: 'Names the quota in refusals and in `ipam pool show`.' },
          creators: { type: 'string', description: 'Which creators it holds: a pattern with * (default "*").' },
          per: { type: 'string', description: '"creator" (default): each matching creator has the allowance; "group": they share it.' },
          scope: { type: 'string', description: '"pool" (default): usage in this pool; "space": in every pool of the address space.' },
          maxAddresses: { type: 'string', description: 'Most addresses a holder may hold, as a decimal string.' },
          maxBlocks: { type: 'integer', description: 'Most blocks a holder may hold.' },
        },
        required: ['name'],
      },
    },
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
