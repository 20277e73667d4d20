import { PoolPolicy } from './policy-types';

/**
 * What the stores persist. One address space (a "ledger") holds pools and their allocations;
 * every change to a space is one compare-and-swap commit on the space's version, so invariants
 * that span pools of a space (siblings never overlap, a slice subnet is unique in its
 * namespace, a child is carved from its parent) hold on every backend, Kubernetes included.
 *
 * All CIDRs and addresses here are normalised text (parseCidr/formatCidr at the boundary);
 * all times are ISO-8601 UTC strings.
 */

export type Strategy = 'first-fit' | 'best-fit';
export const STRATEGIES: readonly Strategy[] = ['first-fit', 'best-fit'];

export type PoolKind = 'pool' | 'slice';

export interface PoolRecord {
  name: string;
  cidr: string;
  /** Name of the parent pool in the same space; the child's CIDR is carved from it. */
  parent?: string;
  strategy: Strategy;
  /** Gateway address, reserved for every allocation kind (a VPN pool's 10.0.0.1). */
  gateway?: string;
  /** Blocks never handed out, normalised and merged. */
  reserved: string[];
  defaultPrefixLength?: number;
  /** How long a released block stays held for its owner (KubeSlice's default: 24 h). */
  gracePeriodSeconds: number;
  kind: PoolKind;
  /** Owner key of the claim that carved this pool from its parent (SubnetPoolClaim asPool). */
  owner?: string;
  /**
   * Who created the pool: a Pulumi stack ("pulumi:project/stack"), a CLI user ("cli:alice"), a
   * service token's name. Requests that say who they are for may not change or delete a pool of
   * another creator (see engine/creators.ts); absent on pools made before creators were recorded.
   */
  creator?: string;
  description?: string;
  labels?: Record<string, string>;
  /** Allocation rules and quotas (model/policy.ts); absent: anyone may claim any size. */
  policy?: PoolPolicy;
  createdAt: string;
}

export type AllocationKind = 'prefix' | 'host';
export type AllocationStatus = 'allocated' | 'released';

export interface AllocationRecord {
  pool: string;
  /** Idempotency key: unique in its pool; the same owner always gets its block back. */
  owner: string;
  cidr: string;
  kind: AllocationKind;
  status: AllocationStatus;
  allocatedAt: string;
  releasedAt?: string;
  /** Who first allocated it (see PoolRecord.creator); kept across release and return. */
  creator?: string;
  description?: string;
  labels?: Record<string, string>;
}

export interface AuditEvent {
  at: string;
  pool: string;
  action: 'allocate' | 'release' | 'reclaim' | 'create-pool' | 'delete-pool' | 'update-pool';
  owner?: string;
  cidr?: string;
  /** Who asked: a token name on the HTTP service, the OS user for the CLI, "pulumi" for the provider. */
  actor: string;
}

export const DEFAULT_SPACE = 'default';
export const DEFAULT_GRACE_SECONDS = 24 * 3600;
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;
