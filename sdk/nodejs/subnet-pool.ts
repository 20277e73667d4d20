import * as pulumi from '@pulumi/pulumi';
import { dynamicArgs } from './props';

export interface SubnetPoolArgs {
  /** Pool name, unique in its space. Defaults to the resource name (kept when the resource is renamed). */
  name?: pulumi.Input<string>;
  /** Address space (a Kubernetes namespace on that backend). Default: stack config ipam:namespace, else "default". */
  space?: pulumi.Input<string>;
  /** The pool block, e.g. 10.0.0.0/16. Changing it replaces the pool. */
  cidr: pulumi.Input<string>;
  /** Parent pool in the same space; the block is carved from it. */
  parentPool?: pulumi.Input<string>;
  /** first-fit (lowest address, default) or best-fit (smallest hole that fits). */
  strategy?: pulumi.Input<'first-fit' | 'best-fit'>;
  /** Prefix length of a claim that gives none. */
  defaultPrefixLength?: pulumi.Input<number>;
  /** true for the first host, or a gateway address; never handed out. */
  gateway?: pulumi.Input<boolean | string>;
  /** CIDRs or "first-last" ranges never handed out. */
  reserved?: pulumi.Input<pulumi.Input<string>[]>;
  /** How long a released block stays held for its owner (default 86400 s, max 604800). */
  gracePeriodSeconds?: pulumi.Input<number>;
  description?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Share a pool of this name and definition that another stack (or the ipam command) created,
   * instead of failing; it stays its creator's to change and delete, and deleting this resource
   * leaves it in place.
   */
  adopt?: pulumi.Input<boolean>;
  /** Shortest prefix a claim may ask for (its largest block); a larger claim is refused naming this rule. */
  minPrefixLength?: pulumi.Input<number>;
  /** Longest prefix a claim may ask for (its smallest block). */
  maxPrefixLength?: pulumi.Input<number>;
  /** Labels every claim must carry: "team" (any value) or "env=prod" (that value). */
  requiredLabels?: pulumi.Input<pulumi.Input<string>[]>;
  /** Creators that may allocate, with * as wildcard: "pulumi:acme/*", "ci", "k8s:team-a/*". Absent: everyone. */
  allowedCreators?: pulumi.Input<pulumi.Input<string>[]>;
  /** How much each creator may hold; released blocks count until their grace period ends. */
  quotas?: pulumi.Input<pulumi.Input<PoolQuota>[]>;
}

/** How much a creator may hold of a pool (or, with scope "space", of its address space). */
export interface PoolQuota {
  /** Names the quota in refusals and in `ipam pool show`. */
  name: string;
  /** Which creators it holds: a pattern with * (default "*"). */
  creators?: string;
  /** "creator" (default): each matching creator has the allowance; "group": they share it. */
  per?: 'creator' | 'group';
  /** "pool" (default): usage in this pool; "space": in every pool of the address space. */
  scope?: 'pool' | 'space';
  /** Most addresses a holder may hold (a decimal string for IPv6 sizes). */
  maxAddresses?: string | number;
  maxBlocks?: number;
}

/** A block of address space from which claims and client IPs are allocated. */
export class SubnetPool extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly space: pulumi.Output<string>;
  declare readonly cidr: pulumi.Output<string>;
  declare readonly parentPool: pulumi.Output<string | undefined>;
  declare readonly strategy: pulumi.Output<string | undefined>;
  declare readonly defaultPrefixLength: pulumi.Output<number | undefined>;
  declare readonly gateway: pulumi.Output<boolean | string | undefined>;
  declare readonly reserved: pulumi.Output<string[] | undefined>;
  declare readonly gracePeriodSeconds: pulumi.Output<number | undefined>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly labels: pulumi.Output<Record<string, string> | undefined>;
  declare readonly adopt: pulumi.Output<boolean | undefined>;
  declare readonly minPrefixLength: pulumi.Output<number | undefined>;
  declare readonly maxPrefixLength: pulumi.Output<number | undefined>;
  declare readonly requiredLabels: pulumi.Output<string[] | undefined>;
  declare readonly allowedCreators: pulumi.Output<string[] | undefined>;
  declare readonly quotas: pulumi.Output<PoolQuota[] | undefined>;
  /** The stack this resource acts for ("pulumi:project/stack"), kept across stack renames. */
  declare readonly creator: pulumi.Output<string | undefined>;
  /** Id of the backend instance that holds it. */
  declare readonly backendId: pulumi.Output<string>;
  declare readonly network: pulumi.Output<string>;
  declare readonly netmask: pulumi.Output<string>;
  declare readonly prefixLength: pulumi.Output<number>;
  declare readonly firstHost: pulumi.Output<string>;
  declare readonly lastHost: pulumi.Output<string>;
  declare readonly size: pulumi.Output<string>;
  declare readonly gatewayAddress: pulumi.Output<string | undefined>;
  declare readonly total: pulumi.Output<string>;
  declare readonly allocated: pulumi.Output<string>;
  declare readonly free: pulumi.Output<string>;
  declare readonly utilization: pulumi.Output<number>;

  constructor(name: string, args: SubnetPoolArgs, opts?: pulumi.CustomResourceOptions) {
    super(...dynamicArgs('SubnetPool', name, { ...args }, opts));
  }
}
