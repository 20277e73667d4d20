/**
 * What the stores persist. One address space (a "ledger") holds pools and their allocations;
 * every change to a space is one compare-and-swap commit on the space's version, so invariants
 * that span pools of a space (siblings never overlap, a slice subnet is unique in its
 * namespace, a child is carved from its parent) hold on every backend, Kubernetes included.
 *
 * All CIDRs and addresses here are normalised text (parseCidr/formatCidr at the boundary);
 * all times are ISO-8601 UTC strings.
 *
 * Each shape is a zod schema and its type is inferred from it: the HTTP service's OpenAPI
 * document describes its responses with the same schemas.
 */
import { z } from 'zod';
import { STRATEGIES } from './constants';
import { poolPolicySchema } from './policy-types';

export const strategySchema = z.enum(STRATEGIES).describe('how blocks are chosen: first-fit (lowest address) or best-fit (smallest hole that fits)');
export type Strategy = z.infer<typeof strategySchema>;

const poolKindSchema = z.enum(['pool', 'slice']).describe('"pool", or "slice" for the pool of a KubeSlice slice');
export type PoolKind = z.infer<typeof poolKindSchema>;

const labelsSchema = z.record(z.string(), z.string()).describe('free-form labels, string to string');

export const poolRecordSchema = z.object({
  name: z.string().describe('pool name, unique in its address space'),
  cidr: z.string().describe('the pool block, normalised'),
  parent: z.string().describe("name of the parent pool in the same space; the child's CIDR is carved from it").optional(),
  strategy: strategySchema,
  gateway: z.string().describe("gateway address, reserved for every allocation kind (a VPN pool's 10.0.0.1)").optional(),
  reserved: z.array(z.string()).describe('blocks never handed out, normalised and merged'),
  defaultPrefixLength: z.number().int().describe('prefix length used when a request gives none').optional(),
  gracePeriodSeconds: z.number().int().describe("how long a released block stays held for its owner (KubeSlice's default: 24 h)"),
  kind: poolKindSchema,
  owner: z.string().describe('owner key of the claim that carved this pool from its parent (SubnetPoolClaim asPool)').optional(),
  /*
   * Requests that say who they are for may not change or delete a pool of another creator
   * (see engine/creators.ts); absent on pools made before creators were recorded.
   */
  creator: z.string().describe('who created the pool: a Pulumi stack ("pulumi:project/stack"), a CLI user ("cli:alice"), a service token\'s name').optional(),
  description: z.string().describe('free text').optional(),
  labels: labelsSchema.optional(),
  policy: poolPolicySchema.optional(),
  createdAt: z.string().describe('when the pool was created, ISO-8601 UTC'),
});
export type PoolRecord = z.infer<typeof poolRecordSchema>;

const allocationKindSchema = z.enum(['prefix', 'host']).describe('"prefix" (a block) or "host" (one address)');
export type AllocationKind = z.infer<typeof allocationKindSchema>;
const allocationStatusSchema = z.enum(['allocated', 'released']);
export type AllocationStatus = z.infer<typeof allocationStatusSchema>;

export const allocationRecordSchema = z.object({
  pool: z.string().describe('the pool holding the allocation'),
  owner: z.string().describe('idempotency key: unique in its pool; the same owner always gets its block back'),
  cidr: z.string().describe('the block (a /32 or /128 for a host address)'),
  kind: allocationKindSchema,
  status: allocationStatusSchema.describe('"allocated", or "released" (held for the owner during the grace period, then reused)'),
  allocatedAt: z.string().describe('when it was (re)allocated, ISO-8601 UTC'),
  releasedAt: z.string().describe('when it was released, ISO-8601 UTC').optional(),
  creator: z.string().describe('who first allocated it (see PoolInfo.creator); kept across release and return').optional(),
  description: z.string().describe('free text').optional(),
  labels: labelsSchema.optional(),
});
export type AllocationRecord = z.infer<typeof allocationRecordSchema>;

export const auditEventSchema = z
  .object({
    at: z.string().describe('when, ISO-8601 UTC'),
    pool: z.string(),
    action: z.enum(['allocate', 'release', 'reclaim', 'create-pool', 'delete-pool', 'update-pool']),
    owner: z.string().optional(),
    cidr: z.string().optional(),
    actor: z.string().describe('who asked: a token name on the HTTP service, the OS user for the CLI, "pulumi" for the provider'),
  })
  .describe('one change to a pool, as the audit log keeps it');
export type AuditEvent = z.infer<typeof auditEventSchema>;
