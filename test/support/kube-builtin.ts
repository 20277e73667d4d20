import { ResourceDefinition } from './kube-crds';

/**
 * The built-in resources an in-cluster controller uses besides the custom resources of crds/:
 * core/v1 Events (what `kubectl describe` lists under "Events:") and coordination.k8s.io/v1
 * Leases (leader election). Their schemas here keep every field (the real server's are typed;
 * the clients under test only write well-formed objects, which the tests read back).
 */
const anything = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } as const;

const builtin = (group: string, version: string, kind: string, plural: string, shortNames: string[] = []): ResourceDefinition => ({
  group,
  version,
  kind,
  listKind: `${kind}List`,
  plural,
  singular: kind.toLowerCase(),
  shortNames,
  categories: [],
  namespaced: true,
  hasStatus: false,
  printerColumns: [],
  schema: { ...anything },
});

export const EVENTS = builtin('', 'v1', 'Event', 'events', ['ev']);
const LEASES = builtin('coordination.k8s.io', 'v1', 'Lease', 'leases');

export const BUILTIN_DEFINITIONS: ResourceDefinition[] = [EVENTS, LEASES];
