import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO } from './processes';

/**
 * The stand-in API server's knowledge of resources, read from the real manifests in crds/, so
 * kinds, plurals, scope, status subresource, printer columns and schemas cannot drift from
 * what a cluster would be given. Also reads the RBAC Role(s) found there.
 */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  required?: string[];
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  description?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message?: string }[];
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

export interface ResourceDefinition {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  hasStatus: boolean;
  printerColumns: PrinterColumn[];
  schema: JsonSchema;
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface RoleDefinition {
  name: string;
  rules: PolicyRule[];
}

export const CRD_DIR = join(REPO, 'crds');

function manifests(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
    .sort()
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as Record<string, unknown>))
    .filter((doc) => doc !== null && typeof doc === 'object');
}

interface CrdManifest {
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { kind: string; listKind?: string; plural: string; singular?: string; shortNames?: string[]; categories?: string[] };
    versions: {
      name: string;
      served: boolean;
      subresources?: { status?: object };
      additionalPrinterColumns?: PrinterColumn[];
      schema: { openAPIV3Schema: JsonSchema };
    }[];
  };
}

export function loadResourceDefinitions(dir = CRD_DIR): ResourceDefinition[] {
  return manifests(dir)
    .filter((doc) => doc.kind === 'CustomResourceDefinition')
    .flatMap((doc) => {
      const { spec } = doc as unknown as CrdManifest;
      return spec.versions
        .filter((v) => v.served)
        .map(
          (v): ResourceDefinition => ({
            group: spec.group,
            version: v.name,
            kind: spec.names.kind,
            listKind: spec.names.listKind ?? `${spec.names.kind}List`,
            plural: spec.names.plural,
            singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
            shortNames: spec.names.shortNames ?? [],
            categories: spec.names.categories ?? [],
            namespaced: spec.scope === 'Namespaced',
            hasStatus: v.subresources?.status !== undefined,
            printerColumns: v.additionalPrinterColumns ?? [],
            schema: v.schema.openAPIV3Schema,
          }),
        );
    });
}

export function loadRoles(dir = CRD_DIR): RoleDefinition[] {
  return manifests(dir)
    .filter((doc) => doc.kind === 'Role' || doc.kind === 'ClusterRole')
    .map((role) => ({ name: (role.metadata as { name: string }).name, rules: role.rules as PolicyRule[] }));
}
