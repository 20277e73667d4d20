import { z } from 'zod';
import { sliceClusterAllocationSchema } from './outputs';
import { POLICY_FIELDS } from './policy-types';
import { described } from './pulumi-meta';
import { strategySchema } from './records';

/**
 * The four Pulumi resources and the provider's settings, described once in zod: each resource's
 * inputs (which are required, which replace the resource, which the provider computes or
 * defaults: model/pulumi-meta.ts) and its outputs beyond the inputs, which are echoed back as
 * outputs. The provider's check and diff, the plugin, schema.json (`npm run schema`) and the
 * SDK's declarations (sdk/nodejs/generated) are all derived from these.
 *
 * Types and shapes only: what a value means (a CIDR, a name) is the engine's check, with the
 * engine's messages.
 */
export type ResourceKind = 'SubnetPool' | 'SubnetPoolClaim' | 'SliceIpam' | 'ClientIp';
export const RESOURCE_KINDS: readonly ResourceKind[] = ['SubnetPool', 'SubnetPoolClaim', 'SliceIpam', 'ClientIp'];

export interface ResourceDescription {
  description: string;
  inputs: z.ZodObject;
  /** Outputs in addition to the inputs, which are echoed back as outputs. */
  outputs: z.ZodObject;
}

const string = (description: string) => z.string().describe(description);
const integer = (description: string) => z.number().int().describe(description);
const optional = <T extends z.ZodType>(schema: T) => schema.optional();

const NAMESPACE_DEFAULT = 'stack config ipam:namespace, else "default"';
const space = () =>
  described(optional(z.string()), `Address space (a Kubernetes namespace on that backend). Pools of one space never overlap unless nested. Default: ${NAMESPACE_DEFAULT}.`, {
    replace: true,
    defaulted: NAMESPACE_DEFAULT,
  });
const adopt = () =>
  described(
    optional(z.boolean()),
    'Share what another stack (or the ipam command) already created under this name instead of failing: the resource then uses it as it is, ' +
      'and deleting the resource leaves it in place for its creator.',
  );

/** Outputs every resource has: who created what it stands for, and which backend holds it. */
const IDENTITY = {
  creator: optional(
    string(
      'The stack this resource acts for ("pulumi:project/stack"), kept across stack renames: what it creates records it as creator, and it changes, ' +
        'releases or deletes only what it created.',
    ),
  ),
  backendId: string('Id of the backend instance that holds it; refresh, diff and delete against another backend fail instead of finding nothing.'),
};

/** A SubnetPool's allocation rules and quotas (model/policy-types.ts), as flat inputs: they change in place. */
const POLICY = z.object(POLICY_FIELDS).partial().shape;

/** How a claim or a client address may choose its pool by labels instead of naming it. */
const poolSelector = () =>
  described(
    optional(z.union([z.string(), z.record(z.string(), z.string())])),
    'Labels of the pool to allocate from instead of pool: a map ({zone: "eu-west-1a"}) or a Kubernetes selector ("zone=eu-west-1a,env in (prod,staging)"). ' +
      'Among matching pools: the highest "priority" label, then the most free addresses, then the name. The pool chosen is the pool output and never changes on refresh; ' +
      'a changed selector replaces.',
    { replace: true },
  );

/** The labels of a claim or a client address: recorded on the allocation when it is granted. */
const allocationLabels = () =>
  described(
    optional(z.record(z.string(), z.string())),
    'Labels of the allocation (a pool may require some, see requiredLabels); recorded when it is granted, so a change replaces it.',
    { replace: true },
  );

const NETWORK_FACTS = {
  network: string('Network address.'),
  netmask: string('Netmask in address form.'),
  prefixLength: integer('Prefix length of the block.'),
  firstHost: string('First address a host may use.'),
  lastHost: string('Last address a host may use.'),
  size: string('Number of addresses, as a decimal string (IPv6 blocks exceed a JSON number).'),
};

const subnetPool: ResourceDescription = {
  description: 'A block of address space (IPv4 or IPv6), optionally nested in a parent pool, from which claims and client IPs are allocated.',
  inputs: z.object({
    name: described(optional(z.string()), 'Pool name, unique in its space. Defaults to the resource name (kept when the resource is renamed).', {
      replace: true,
      defaulted: 'the resource name',
    }),
    space: space(),
    cidr: described(z.string(), 'The pool block, e.g. 10.0.0.0/16. Host bits must be zero.', { replace: true }),
    parentPool: described(optional(z.string()), 'Parent pool in the same space; the block is carved from it.', { replace: true }),
    strategy: optional(strategySchema.describe('first-fit (lowest address, the default) or best-fit (smallest hole that fits).')),
    defaultPrefixLength: optional(integer('Prefix length of a claim that gives none.')),
    gateway: optional(z.union([z.boolean(), z.string()]).describe('true for the first host, or a gateway address; never handed out.')),
    reserved: optional(z.array(z.string()).describe('CIDRs or first-last ranges never handed out.')),
    gracePeriodSeconds: optional(integer('How long a released block stays held for its owner (default 86400, max 604800).')),
    description: optional(string('Free text.')),
    labels: optional(z.record(z.string(), z.string()).describe('Labels; claims and client addresses select pools by them (poolSelector).')),
    adopt: adopt(),
    ...POLICY,
  }),
  outputs: z.object({
    ...IDENTITY,
    ...NETWORK_FACTS,
    gatewayAddress: optional(string('The gateway address, when the pool has one.')),
    total: string('Addresses in the pool.'),
    allocated: string('Addresses held by live allocations (as of the last create, update or refresh).'),
    free: string('Addresses a new owner could get.'),
    utilization: z.number().describe('Share of the pool in use, 0..1.'),
  }),
};

const subnetPoolClaim: ResourceDescription = {
  description: 'A child block of a requested size carved from a pool; with asPool it becomes a pool that other claims can use.',
  inputs: z.object({
    pool: described(optional(z.string()), 'The pool to claim from; or give poolSelector. Output: the pool the block is in.', { replace: true, computed: true }),
    poolSelector: poolSelector(),
    labels: allocationLabels(),
    space: space(),
    prefixLength: described(optional(z.number().int()), "Size of the block; defaults to the pool's defaultPrefixLength.", { replace: true, computed: true }),
    cidr: described(optional(z.string()), 'A specific block: granted if free, else an error. Output: the granted block.', { replace: true, computed: true }),
    preferredCidr: optional(string("A block to try first, falling back to the pool's strategy when taken.")),
    asPool: described(optional(z.boolean()), 'Make the claimed block a child pool named poolName.', { replace: true }),
    poolName: described(optional(z.string()), 'Name of the child pool when asPool (default: the resource name).', { replace: true }),
    owner: described(
      optional(z.string()),
      'Idempotency key: the same key always gets the same block. Default project/stack/resource name (with the parent component types before the name for a child), ' +
        'kept when the resource or the stack is renamed. Naming a key shares the block with whoever else names it, such as a block allocated with `ipam alloc --owner`.',
      { replace: true, defaulted: 'project/stack/resource name' },
    ),
  }),
  outputs: z.object({
    ...IDENTITY,
    ...NETWORK_FACTS,
    gateway: optional(string("The pool's gateway address, when it has one.")),
    boundPoolName: optional(string('The child pool, when asPool.')),
    phase: string('Bound once the block is granted, as a Kubernetes subnet claim reports it.'),
  }),
};

const sliceIpam: ResourceDescription = {
  description: 'Per-cluster subnets of a KubeSlice slice: allocated sequentially, released with a grace period, given back to a cluster that rejoins.',
  inputs: z.object({
    sliceName: described(optional(z.string()), 'Slice name (default: the resource name, kept when the resource is renamed).', {
      replace: true,
      defaulted: 'the resource name',
    }),
    namespace: described(optional(z.string()), `Namespace of the slice; sliceSubnet is unique per namespace. Default: ${NAMESPACE_DEFAULT}.`, { replace: true, defaulted: NAMESPACE_DEFAULT }),
    sliceSubnet: described(z.string(), 'Private IPv4 block, /8 to /28.', { replace: true }),
    subnetSize: described(z.number().int(), 'Prefix length of each cluster subnet, 16 to 30, longer than the slice prefix.', { replace: true }),
    clusters: z.array(z.string()).describe('Clusters of the slice; a removed cluster is released, a returning one gets its subnet back.'),
    gracePeriodHours: optional(integer('Hours a released subnet is held for its cluster (1 to 168, default 24).')),
  }),
  outputs: z.object({
    ...IDENTITY,
    allocations: z.array(sliceClusterAllocationSchema).describe('Per cluster: clusterName, subnet, status (Allocated or Released), allocatedAt, releasedAt.'),
    clusterSubnets: z.record(z.string(), z.string()).describe('Subnet of each allocated cluster, by cluster name.'),
    availableSubnets: integer('Subnets not held by an allocated cluster.'),
    totalSubnets: integer('Subnets of subnetSize in the slice.'),
  }),
};

const clientIp: ResourceDescription = {
  description: 'One address for a client (VPN peer, VM), skipping network, broadcast and gateway.',
  inputs: z.object({
    pool: described(optional(z.string()), 'The pool to take the address from; or give poolSelector. Output: the pool the address is in.', { replace: true, computed: true }),
    poolSelector: poolSelector(),
    labels: allocationLabels(),
    space: space(),
    clientId: described(z.string(), 'The client: its idempotency key; the same client always gets the same address.', { replace: true }),
    address: described(optional(z.string()), 'A specific address: granted if free, else an error.', { replace: true }),
    adopt: adopt(),
  }),
  outputs: z.object({
    ...IDENTITY,
    ip: string('The address.'),
    cidr: string('The address as a /32 or /128.'),
    gateway: optional(string("The pool's gateway, when it has one.")),
    prefixLength: integer("The pool's prefix length, for the client's interface."),
    netmask: string("The pool's netmask."),
    poolCidr: string("The pool's block."),
  }),
};

export const RESOURCES: Record<ResourceKind, ResourceDescription> = {
  SubnetPool: subnetPool,
  SubnetPoolClaim: subnetPoolClaim,
  SliceIpam: sliceIpam,
  ClientIp: clientIp,
};

const setting = (description: string, environment: string, secret?: true) =>
  described(optional(z.string()), description, secret ? { environment, secret } : { environment });

/** The provider's settings (stack config `ipam:*`, or an explicit provider's inputs), with their environment variables. */
export const providerSettings = z
  .object({
    state: setting('SQLite state file of the embedded backend (default ./.ipam/state.db, relative to the program).', 'IPAM_STATE'),
    sqliteSync: setting('SQLite durability: full (default: survives power loss) or normal.', 'IPAM_SQLITE_SYNC'),
    server: setting('URL of an HTTP IPAM service (`ipam serve`); selects the HTTP backend.', 'IPAM_SERVER'),
    token: setting('Bearer token for the HTTP IPAM service.', 'IPAM_TOKEN', true),
    backend: setting('"kubernetes" selects the Kubernetes backend with the default kubeconfig.', 'IPAM_BACKEND'),
    kubeconfig: setting('kubeconfig file, or its contents (YAML or JSON, e.g. from a secret); selects the Kubernetes backend.', 'IPAM_KUBECONFIG', true),
    kubeContext: setting('kubeconfig context (Kubernetes backend).', 'IPAM_KUBE_CONTEXT'),
    namespace: setting('Namespace used when a resource names no space (Kubernetes backend).', 'IPAM_NAMESPACE'),
  })
  .describe(
    'The ipam provider: which backend holds the address space (an embedded SQLite file, an HTTP IPAM service, or Kubernetes custom resources). ' +
      'Without settings it uses ./.ipam/state.db.',
  );
