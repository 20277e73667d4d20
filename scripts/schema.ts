/**
 * Writes schema.json, the Pulumi package schema of pulumi-ipam, from the resource specs
 * (provider/src/dynamic/specs.ts): `npm run schema`. test/pulumi/schema.test.ts fails when the
 * file is stale or disagrees with the SDK classes or the provider's diff.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FieldType, RESOURCE_KINDS, SPECS } from '../provider/src/dynamic/specs';

const PACKAGE = 'pulumi-ipam';
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
      const property = { ...typeSpec(input.type), description: input.description, ...(input.replace ? { replaceOnChanges: true } : {}) };
      inputProperties[name] = property;
      properties[name] = { ...typeSpec(input.type), description: input.description };
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
  return {
    name: PACKAGE,
    displayName: 'IPAM',
    version: '0.1.0',
    description: 'IP address management for Pulumi: subnet pools, claims, KubeSlice slices and client IPs that never collide.',
    keywords: ['pulumi', 'ipam', 'networking', 'kubeslice', 'category/network'],
    license: 'Apache-2.0',
    config: {
      variables: Object.fromEntries(
        Object.entries(CONFIG).map(([key, [description, env, secret]]) => [
          key,
          { type: 'string', description, defaultInfo: { environment: [env] }, ...(secret ? { secret: true } : {}) },
        ]),
      ),
    },
    types: {
      [token('SliceClusterAllocation')]: {
        type: 'object',
        description: 'The subnet of one cluster of a slice (seed 000 SliceIpam status).',
        properties: {
          clusterName: { type: 'string', description: 'The cluster.' },
          subnet: { type: 'string', description: "The cluster's subnet." },
          status: { type: 'string', description: 'Allocated, or Released (held for the cluster during the grace period).' },
          allocatedAt: { type: 'string', description: 'When the subnet was (re)allocated, RFC 3339.' },
          releasedAt: { type: 'string', description: 'When it was released, RFC 3339.' },
        },
        required: ['allocatedAt', 'clusterName', 'status', 'subnet'],
      },
    },
    resources,
    language: { nodejs: { packageName: PACKAGE, dependencies: { '@pulumi/pulumi': '~3.248.0' } } },
  };
}

if (require.main === module) {
  writeFileSync(join(__dirname, '..', 'schema.json'), `${JSON.stringify(buildSchema(), null, 2)}\n`);
  process.stdout.write('schema.json written\n');
}
