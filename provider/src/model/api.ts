import { z } from 'zod';
import {
  actingForSchema,
  mayAdoptSchema,
  allocateInputSchema,
  auditInputSchema,
  availabilityInputSchema,
  createPoolInputSchema,
  findInputSchema,
  getPoolInputSchema,
  ownerRefSchema,
  poolRefSchema,
  sliceInputSchema,
  selectorAllocateInputSchema,
  sliceRefSchema,
  spaceFilterSchema,
  updatePoolInputSchema,
} from './inputs';
import {
  allocationInfoSchema,
  availabilitySchema,
  backendInfoSchema,
  findResultSchema,
  poolInfoSchema,
  sliceClusterAllocationSchema,
  sliceInfoSchema,
} from './outputs';
import { AuditEvent } from './records';
import { ConsistencyReport } from './reports';
import { ImportInput } from './import';
import { ImportResult } from './import-result';

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
  getPool(ref: GetPoolInput): Promise<PoolInfo>;
  listPools(filter?: SpaceFilter): Promise<PoolInfo[]>;

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

  find(input: FindInput): Promise<FindResult[]>;
  check(ref: PoolRef): Promise<ConsistencyReport>;
  listAudit(ref: AuditInput): Promise<AuditEvent[]>;

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
  backend(ref: SpaceFilter): Promise<BackendInfo>;

  close(): Promise<void>;
}

/*
 * The types of the operations' inputs and results, inferred from their zod descriptions
 * (model/inputs.ts, model/outputs.ts): each shape is written once, and the HTTP service
 * validates and documents with the same schemas.
 */

export type ActingFor = z.infer<typeof actingForSchema>;
export type MayAdopt = z.infer<typeof mayAdoptSchema>;

type SpaceFilter = z.infer<typeof spaceFilterSchema>;
export type PoolRef = z.infer<typeof poolRefSchema>;
export type OwnerRef = z.infer<typeof ownerRefSchema>;
type GetPoolInput = z.infer<typeof getPoolInputSchema>;
type AuditInput = z.infer<typeof auditInputSchema>;
type FindInput = z.infer<typeof findInputSchema>;
export type CreatePoolInput = z.infer<typeof createPoolInputSchema>;
/** Fields that may change in place; absent = unchanged, null = cleared. */
export type UpdatePoolInput = z.infer<typeof updatePoolInputSchema>;
export type AllocateInput = z.infer<typeof allocateInputSchema>;
/** An allocation from whichever pool of the space matches `poolSelector` (see IpamApi.allocateBySelector). */
export type SelectorAllocateInput = z.infer<typeof selectorAllocateInputSchema>;
export type AvailabilityInput = z.infer<typeof availabilityInputSchema>;
export type SliceRef = z.infer<typeof sliceRefSchema>;
export type SliceInput = z.infer<typeof sliceInputSchema>;

export type BackendInfo = z.infer<typeof backendInfoSchema>;
export type Availability = z.infer<typeof availabilitySchema>;
export type PoolInfo = z.infer<typeof poolInfoSchema>;
export type AllocationInfo = z.infer<typeof allocationInfoSchema>;
export type FindResult = z.infer<typeof findResultSchema>;
export type SliceClusterAllocation = z.infer<typeof sliceClusterAllocationSchema>;
export type SliceInfo = z.infer<typeof sliceInfoSchema>;
/** A quota as a SubnetPool's `quotas` (or a request) gives it: the SDK's declarations name it. */
export type { QuotaInput as PoolQuota } from './policy-types';
