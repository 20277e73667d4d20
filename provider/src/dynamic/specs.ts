/**
 * The four Pulumi resources, described once: their inputs (which are required, which force a
 * replacement), and their outputs. The provider's diff, the SDK classes and schema.json are all
 * derived from or checked against this table, so they cannot disagree.
 */
export type ResourceKind = 'SubnetPool' | 'SubnetPoolClaim' | 'SliceIpam' | 'ClientIp';
export const RESOURCE_KINDS: readonly ResourceKind[] = ['SubnetPool', 'SubnetPoolClaim', 'SliceIpam', 'ClientIp'];

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'string[]' | 'map' | 'boolean|string' | 'object[]' | 'string|map';

interface InputSpec {
  type: FieldType;
  description: string;
  required?: boolean;
  /** A change replaces the resource (identity field). */
  replace?: boolean;
  /**
   * Optional input whose output the provider computes when it is omitted (a claim's cidr, its
   * prefixLength): omitting it later is no change; giving a value that differs is.
   */
  computed?: boolean;
  /** Filled in by the SDK when omitted (e.g. the resource name), so it is known at preview. */
  defaulted?: string;
  /** For object[]: the object type's name in schema.json. */
  items?: string;
}

interface OutputSpec {
  type: FieldType;
  description: string;
  /** Not always set (a pool without a gateway has no gateway address). */
  optional?: boolean;
  /** For object[]: the object type's name in schema.json. */
  items?: string;
}

export interface ResourceSpec {
  kind: ResourceKind;
  description: string;
  inputs: Record<string, InputSpec>;
  /** Outputs in addition to the inputs, which are echoed back as outputs. */
  outputs: Record<string, OutputSpec>;
}

const SPACE: InputSpec = {
  type: 'string',
  description: 'Address space (a Kubernetes namespace on that backend). Pools of one space never overlap unless nested.',
  replace: true,
  defaulted: 'stack config ipam:namespace, else "default"',
};

const ADOPT: InputSpec = {
  type: 'boolean',
  description:
    'Share what another stack (or the ipam command) already created under this name instead of failing: the resource then uses it as it is, ' +
    'and deleting the resource leaves it in place for its creator.',
};

/** Outputs every resource has: who created what it stands for, and which backend holds it. */
const IDENTITY: Record<string, OutputSpec> = {
  creator: {
    type: 'string',
    description:
      'The stack this resource acts for ("pulumi:project/stack"), kept across stack renames: what it creates records it as creator, and it changes, ' +
      'releases or deletes only what it created.',
    optional: true,
  },
  backendId: { type: 'string', description: 'Id of the backend instance that holds it; refresh, diff and delete against another backend fail instead of finding nothing.' },
};

/** A SubnetPool's allocation rules and quotas (model/policy-types.ts): they change in place. */
const POLICY: Record<string, InputSpec> = {
  minPrefixLength: { type: 'integer', description: 'Shortest prefix a claim may ask for (its largest block); a larger claim is refused naming this rule.' },
  maxPrefixLength: { type: 'integer', description: 'Longest prefix a claim may ask for (its smallest block).' },
  requiredLabels: { type: 'string[]', description: 'Labels every claim must carry: "team" (any value) or "env=prod" (that value).' },
  allowedCreators: {
    type: 'string[]',
    description: 'Creators that may allocate from the pool, with * as wildcard: stacks ("pulumi:acme/*"), token names ("ci"), namespaces ("k8s:team-a/*"). Absent: everyone.',
  },
  quotas: {
    type: 'object[]',
    items: 'PoolQuota',
    description: 'How much each creator may hold in this pool (or, with scope "space", in the whole address space); released blocks count until their grace period ends.',
  },
};

/** How a claim or a client address may choose its pool by labels instead of naming it. */
const POOL_SELECTOR: InputSpec = {
  type: 'string|map',
  description:
    'Labels of the pool to allocate from instead of pool: a map ({zone: "eu-west-1a"}) or a Kubernetes selector ("zone=eu-west-1a,env in (prod,staging)"). ' +
    'Among matching pools: the highest "priority" label, then the most free addresses, then the name. The pool chosen is the pool output and never changes on refresh; a changed selector replaces.',
  replace: true,
};

const CLAIM_LABELS: InputSpec = {
  type: 'map',
  description: 'Labels of the allocation (a pool may require some, see requiredLabels); recorded when it is granted, so a change replaces it.',
  replace: true,
};

const NETWORK_FACTS: Record<string, OutputSpec> = {
  network: { type: 'string', description: 'Network address.' },
  netmask: { type: 'string', description: 'Netmask in address form.' },
  prefixLength: { type: 'integer', description: 'Prefix length of the block.' },
  firstHost: { type: 'string', description: 'First address a host may use.' },
  lastHost: { type: 'string', description: 'Last address a host may use.' },
  size: { type: 'string', description: 'Number of addresses, as a decimal string (IPv6 blocks exceed a JSON number).' },
};

export const SPECS: Record<ResourceKind, ResourceSpec> = {
  SubnetPool: {
    kind: 'SubnetPool',
    description: 'A block of address space (IPv4 or IPv6), optionally nested in a parent pool, from which claims and client IPs are allocated.',
    inputs: {
      name: { type: 'string', description: 'Pool name, unique in its space. Defaults to the resource name (kept when the resource is renamed).', replace: true, defaulted: 'the resource name' },
      space: SPACE,
      cidr: { type: 'string', description: 'The pool block, e.g. 10.0.0.0/16. Host bits must be zero.', required: true, replace: true },
      parentPool: { type: 'string', description: 'Parent pool in the same space; the block is carved from it.', replace: true },
      strategy: { type: 'string', description: 'first-fit (lowest address, the default) or best-fit (smallest hole that fits).' },
      defaultPrefixLength: { type: 'integer', description: 'Prefix length of a claim that gives none.' },
      gateway: { type: 'boolean|string', description: 'true for the first host, or a gateway address; never handed out.' },
      reserved: { type: 'string[]', description: 'CIDRs or first-last ranges never handed out.' },
      gracePeriodSeconds: { type: 'integer', description: 'How long a released block stays held for its owner (default 86400, max 604800).' },
      description: { type: 'string', description: 'Free text.' },
      labels: { type: 'map', description: 'Labels; claims and client addresses select pools by them (poolSelector).' },
      adopt: ADOPT,
      ...POLICY,
    },
    outputs: {
      ...IDENTITY,
      ...NETWORK_FACTS,
      gatewayAddress: { type: 'string', description: 'The gateway address, when the pool has one.', optional: true },
      total: { type: 'string', description: 'Addresses in the pool.' },
      allocated: { type: 'string', description: 'Addresses held by live allocations (as of the last create, update or refresh).' },
      free: { type: 'string', description: 'Addresses a new owner could get.' },
      utilization: { type: 'number', description: 'Share of the pool in use, 0..1.' },
    },
  },
  SubnetPoolClaim: {
    kind: 'SubnetPoolClaim',
    description: 'A child block of a requested size carved from a pool; with asPool it becomes a pool that other claims can use.',
    inputs: {
      pool: { type: 'string', description: 'The pool to claim from; or give poolSelector. Output: the pool the block is in.', replace: true, computed: true },
      poolSelector: POOL_SELECTOR,
      labels: CLAIM_LABELS,
      space: SPACE,
      prefixLength: { type: 'integer', description: "Size of the block; defaults to the pool's defaultPrefixLength.", replace: true, computed: true },
      cidr: { type: 'string', description: 'A specific block: granted if free, else an error. Output: the granted block.', replace: true, computed: true },
      preferredCidr: { type: 'string', description: "A block to try first, falling back to the pool's strategy when taken." },
      asPool: { type: 'boolean', description: 'Make the claimed block a child pool named poolName.', replace: true },
      poolName: { type: 'string', description: 'Name of the child pool when asPool (default: the resource name).', replace: true },
      owner: {
        type: 'string',
        description:
          'Idempotency key: the same key always gets the same block. Default project/stack/resource name (with the parent component types before the name for a child), ' +
          'kept when the resource or the stack is renamed. Naming a key shares the block with whoever else names it, such as a block allocated with `ipam alloc --owner`.',
        replace: true,
        defaulted: 'project/stack/resource name',
      },
    },
    outputs: {
      ...IDENTITY,
      ...NETWORK_FACTS,
      gateway: { type: 'string', description: "The pool's gateway address, when it has one.", optional: true },
      boundPoolName: { type: 'string', description: 'The child pool, when asPool.', optional: true },
      phase: { type: 'string', description: 'Bound once the block is granted, as a Kubernetes subnet claim reports it.' },
    },
  },
  SliceIpam: {
    kind: 'SliceIpam',
    description: 'Per-cluster subnets of a KubeSlice slice: allocated sequentially, released with a grace period, given back to a cluster that rejoins.',
    inputs: {
      sliceName: { type: 'string', description: 'Slice name (default: the resource name, kept when the resource is renamed).', replace: true, defaulted: 'the resource name' },
      namespace: { type: 'string', description: 'Namespace of the slice; sliceSubnet is unique per namespace.', replace: true, defaulted: 'stack config ipam:namespace, else "default"' },
      sliceSubnet: { type: 'string', description: 'Private IPv4 block, /8 to /28.', required: true, replace: true },
      subnetSize: { type: 'integer', description: 'Prefix length of each cluster subnet, 16 to 30, longer than the slice prefix.', required: true, replace: true },
      clusters: { type: 'string[]', description: 'Clusters of the slice; a removed cluster is released, a returning one gets its subnet back.', required: true },
      gracePeriodHours: { type: 'integer', description: 'Hours a released subnet is held for its cluster (1 to 168, default 24).' },
    },
    outputs: {
      ...IDENTITY,
      allocations: { type: 'object[]', items: 'SliceClusterAllocation', description: 'Per cluster: clusterName, subnet, status (Allocated or Released), allocatedAt, releasedAt.' },
      clusterSubnets: { type: 'map', description: 'Subnet of each allocated cluster, by cluster name.' },
      availableSubnets: { type: 'integer', description: 'Subnets not held by an allocated cluster.' },
      totalSubnets: { type: 'integer', description: 'Subnets of subnetSize in the slice.' },
    },
  },
  ClientIp: {
    kind: 'ClientIp',
    description: 'One address for a client (VPN peer, VM), skipping network, broadcast and gateway.',
    inputs: {
      pool: { type: 'string', description: 'The pool to take the address from; or give poolSelector. Output: the pool the address is in.', replace: true, computed: true },
      poolSelector: POOL_SELECTOR,
      labels: CLAIM_LABELS,
      space: SPACE,
      clientId: { type: 'string', description: 'The client: its idempotency key; the same client always gets the same address.', required: true, replace: true },
      address: { type: 'string', description: 'A specific address: granted if free, else an error.', replace: true },
      adopt: ADOPT,
    },
    outputs: {
      ...IDENTITY,
      ip: { type: 'string', description: 'The address.' },
      cidr: { type: 'string', description: 'The address as a /32 or /128.' },
      gateway: { type: 'string', description: "The pool's gateway, when it has one.", optional: true },
      prefixLength: { type: 'integer', description: "The pool's prefix length, for the client's interface." },
      netmask: { type: 'string', description: "The pool's netmask." },
      poolCidr: { type: 'string', description: "The pool's block." },
    },
  },
};

/** Output property names of a resource: its inputs (echoed) and its computed outputs. */
export function outputNames(kind: ResourceKind): string[] {
  return [...new Set([...Object.keys(SPECS[kind].inputs), ...Object.keys(SPECS[kind].outputs)])];
}
