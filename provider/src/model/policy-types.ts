/**
 * The types of a pool's policy (checked in ./policy.ts): kept apart from the checks so the
 * records (./records.ts) can hold a policy without importing the validation it uses.
 *
 * Creators are the strings pools and allocations already record: "pulumi:project/stack" for a
 * Pulumi stack, "cli:alice" for the `ipam` command, a token's name on the HTTP service,
 * "k8s:<namespace>/<Kind>/<name>" for the Kubernetes controller. Patterns match them with `*`
 * (any run of characters): "pulumi:acme/*", "k8s:team-a/*", "ci".
 */
export interface PoolPolicy {
  /** Shortest prefix length a claim may ask for: the largest block (AWS's allocationMinNetmaskLength). */
  minPrefixLength?: number;
  /** Longest prefix length a claim may ask for: the smallest block. */
  maxPrefixLength?: number;
  /** Labels every claim must carry: "team" (any value) or "env=prod" (that value). */
  requiredLabels?: string[];
  /** Creator patterns that may allocate from the pool; absent: everyone. */
  allowedCreators?: string[];
  quotas?: Quota[];
}

/**
 * How much a creator may hold. Usage is what the creator holds: live allocations, released
 * blocks still in their grace period (they stay held for their owner, so they still count; a
 * block stops counting when its grace period ends), and child pools it carved (a claim asPool).
 */
export interface Quota {
  /** Names the quota in refusals and in `ipam pool show`. */
  name: string;
  /** Which creators the quota holds: a pattern (default "*": every creator). */
  creators: string;
  /**
   * "creator" (default): each matching creator has the whole allowance to itself. "group": all
   * matching creators share it (a namespace's objects, a project's stacks).
   */
  per: QuotaPer;
  /** "pool" (default): usage in this pool. "space": usage in every pool of the address space. */
  scope: QuotaScope;
  /** Addresses, as a decimal string (an IPv6 allowance exceeds a JSON number). */
  maxAddresses?: string;
  maxBlocks?: number;
}

export type QuotaPer = 'creator' | 'group';
export type QuotaScope = 'pool' | 'space';

/** A quota as a request may give it: `per`, `scope` and `creators` have defaults; maxAddresses may be a number. */
export type QuotaInput = Omit<Quota, 'per' | 'scope' | 'creators' | 'maxAddresses'> & {
  creators?: string;
  per?: QuotaPer;
  scope?: QuotaScope;
  maxAddresses?: string | number;
};

export interface PoolPolicyInput extends Omit<PoolPolicy, 'quotas'> {
  quotas?: QuotaInput[];
}

/** Changes to a pool's policy: absent = unchanged, null = cleared. */
export type PoolPolicyUpdate = { [K in keyof PoolPolicyInput]?: PoolPolicyInput[K] | null };

/** One holder's usage against one quota, as `ipam pool show` and the HTTP API show it. */
export interface QuotaUsage {
  quota: string;
  /** The pool that declares the quota. */
  pool: string;
  scope: QuotaScope;
  /** The creator, or for a "group" quota the pattern its creators match. */
  holder: string;
  addresses: string;
  blocks: number;
  maxAddresses?: string;
  maxBlocks?: number;
}

