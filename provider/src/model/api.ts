import { ConsistencyReport, PoolStats } from './reports';
import { NetworkFacts } from '../net/facts';
import { ImportInput, ImportResult } from './import';
import { AllocationKind, AllocationRecord, AuditEvent, PoolRecord, Strategy } from './records';
import { PoolPolicyInput, PoolPolicyUpdate, QuotaUsage } from './policy-types';
import { PoolSelectorInput } from './selector';

/**
 * The one interface to IP address management. The in-process engine implements it over a
 * Store; the HTTP client implements it over the IPAM service; the CLI and the Pulumi provider
 * only ever see this interface, so they behave the same on every backend.
 *
 * `space` is the address space (a Kubernetes namespace on that backend); it defaults to
 * "default". Pools of a space never overlap unless nested.
 */
export interface IpamApi {
  createPool(input: CreatePoolInput): Promise<PoolInfo>;
  updatePool(input: UpdatePoolInput): Promise<PoolInfo>;
  deletePool(ref: PoolRef & ActingFor): Promise<void>;
  getPool(ref: PoolRef & { prefixLength?: number }): Promise<PoolInfo>;
  listPools(filter?: { space?: string }): Promise<PoolInfo[]>;

  allocate(input: AllocateInput): Promise<AllocationInfo>;
  /**
   * Allocates from a pool chosen by its labels (engine/policy-ops.ts says in which order); the
   * answer's `pool` is the one chosen. Idempotent by owner key among the matching pools.
   */
  allocateBySelector(input: SelectorAllocateInput): Promise<AllocationInfo>;
  release(input: OwnerRef & ActingFor): Promise<AllocationInfo>;
  getAllocation(input: OwnerRef): Promise<AllocationInfo | undefined>;
  listAllocations(ref: PoolRef): Promise<AllocationInfo[]>;
  isAvailable(input: AvailabilityInput): Promise<Availability>;

  find(input: { ip: string; space?: string }): Promise<FindResult[]>;
  check(ref: PoolRef): Promise<ConsistencyReport>;
  listAudit(ref: PoolRef & { limit?: number }): Promise<AuditEvent[]>;

  /**
   * Brings in pools and allocations of one address space (`ipam import`): every row decided
   * against the space, refusals reported with their line, one commit for the whole input, and
   * nothing written when a row is refused unless `skipInvalid`. Idempotent by name and owner key.
   */
  importRecords(input: ImportInput): Promise<ImportResult>;

  /** Creates or updates a KubeSlice slice and brings its cluster subnets in line with `clusters`. */
  syncSlice(input: SliceInput): Promise<SliceInfo>;
  getSlice(ref: SliceRef): Promise<SliceInfo>;
  deleteSlice(ref: SliceRef & ActingFor): Promise<void>;

  /**
   * Which backend instance holds the space: a stable id (kept by a copied SQLite file, the same
   * through the HTTP service as in process) and where it is, for messages. Pulumi resources
   * record the id, so a refresh or a destroy against another backend fails instead of finding
   * nothing.
   */
  backend(ref: { space?: string }): Promise<BackendInfo>;

  close(): Promise<void>;
}

/**
 * Who a change is for. A request that names its creator (a Pulumi stack always does) may not
 * take over, change, release or delete a pool, slice or client address that another creator
 * made (CREATOR_MISMATCH); requests that name none (the `ipam` command, scripts) are not held
 * to it, so an operator can always clean up.
 */
export interface ActingFor {
  creator?: string;
}

/** A create or allocate that may share what another creator made (Pulumi's `adopt: true`). */
export interface MayAdopt extends ActingFor {
  adopt?: boolean;
}

export interface BackendInfo {
  /**
   * Stable id of the backend instance. Undefined only on Kubernetes for a namespace that holds
   * no IPAM state yet (its id is that of the namespace's ledger object).
   */
  id?: string;
  /** "sqlite", "postgres", "kubernetes", "memory". */
  kind: string;
  /** Where it is, in words: "the SQLite file /srv/ipam/state.db". Never holds a secret. */
  location: string;
}

export interface PoolRef {
  space?: string;
  pool: string;
}

export interface OwnerRef extends PoolRef {
  owner: string;
}

export interface CreatePoolInput extends MayAdopt {
  space?: string;
  name: string;
  /** The pool's block. Omit it together with `parent` + `prefixLength` to carve the next free block. */
  cidr?: string;
  parent?: string;
  /** With `parent` and no `cidr`: the size of the block to carve from the parent. */
  prefixLength?: number;
  /** With `parent` and no `cidr`: a block to try first, falling back to the parent's strategy. */
  prefer?: string;
  /** Idempotency key of the claim carving this pool (SubnetPoolClaim asPool). */
  owner?: string;
  strategy?: Strategy;
  /** true: the first host (a VPN pool's 10.0.0.1); an address: that one. */
  gateway?: boolean | string;
  reserved?: string[];
  defaultPrefixLength?: number;
  gracePeriodSeconds?: number;
  description?: string;
  labels?: Record<string, string>;
  /** Allocation rules and quotas (model/policy-types.ts). */
  policy?: PoolPolicyInput;
}

/** Fields that may change in place; absent = unchanged, null = cleared. */
export interface UpdatePoolInput extends PoolRef, ActingFor {
  strategy?: Strategy;
  gateway?: boolean | string | null;
  reserved?: string[];
  defaultPrefixLength?: number | null;
  gracePeriodSeconds?: number;
  description?: string | null;
  labels?: Record<string, string> | null;
  /** Each policy field given replaces the old one; null clears a field, or the whole policy. */
  policy?: PoolPolicyUpdate | null;
}

export interface AllocateInput extends OwnerRef, MayAdopt {
  /** "prefix" (a block, the default) or "host" (one address). */
  kind?: AllocationKind;
  prefixLength?: number;
  /** A specific block (prefix kind). */
  cidr?: string;
  /** A specific address (host kind). */
  address?: string;
  /** A block or address to try first; falls back to the pool's strategy when taken. */
  prefer?: string;
  description?: string;
  labels?: Record<string, string>;
}

/** An allocation from whichever pool of the space matches `poolSelector` (see IpamApi.allocateBySelector). */
export interface SelectorAllocateInput extends Omit<AllocateInput, 'pool'> {
  poolSelector: PoolSelectorInput;
}

export interface AvailabilityInput extends PoolRef {
  /** A block ("10.0.4.0/24") or an address ("10.0.0.7"). */
  cidr: string;
}

export interface Availability {
  available: boolean;
  /** Why not, in words, when it is not. */
  reason?: string;
}

export interface PoolInfo extends PoolRecord {
  space: string;
  family: 4 | 6;
  facts: NetworkFacts;
  children: string[];
  stats: PoolStats;
  /** Usage of every holder against each quota that binds this pool (its own, and space quotas). */
  quotaUsage?: QuotaUsage[];
}

export interface AllocationInfo extends AllocationRecord {
  space: string;
  /** The pool's block, so a client (a VPN peer's interface) needs no second request for it. */
  poolCidr: string;
  prefixLength: number;
  /** The first address of the block (the host address for a host allocation). */
  address: string;
  netmask: string;
  firstHost: string;
  lastHost: string;
  /** The pool's gateway, when it has one. */
  gateway?: string;
  /** For a released allocation: when its grace period ends. */
  graceEndsAt?: string;
}

export interface FindResult {
  space: string;
  pool: string;
  poolCidr: string;
  /** The allocation holding the address, if any. */
  allocation?: AllocationInfo;
  /** Set when the address is reserved in the pool (reserved range or gateway). */
  reserved?: boolean;
}

export interface SliceRef {
  namespace: string;
  name: string;
}

export interface SliceInput extends SliceRef, ActingFor {
  sliceSubnet: string;
  subnetSize: number;
  clusters: string[];
  gracePeriodHours?: number;
}

export interface SliceClusterAllocation {
  clusterName: string;
  subnet: string;
  status: 'Allocated' | 'Released';
  allocatedAt: string;
  releasedAt?: string;
}

export interface SliceInfo extends SliceRef {
  /** Who created the slice (see PoolRecord.creator). */
  creator?: string;
  sliceSubnet: string;
  subnetSize: number;
  gracePeriodHours: number;
  allocatedSubnets: SliceClusterAllocation[];
  availableSubnets: number;
  totalSubnets: number;
}
