import { z } from 'zod';
import { NetworkFacts } from '../net/facts';
import { allocationRecordSchema, auditEventSchema, poolRecordSchema } from './records';
import { poolPolicySchema, poolQuotaSchema, quotaUsageSchema } from './policy-types';
import { blockStatsSchema, consistencyIssueSchema, consistencyReportSchema, poolStatsSchema } from './reports';

/**
 * What IpamApi operations return, as zod schemas: model/api.ts infers its result types from
 * them, the HTTP service's OpenAPI document describes its responses with them, and the Pulumi
 * schema names its object types after them.
 */

const networkFactsSchema = z
  .object({
    network: z.string().describe('network address'),
    netmask: z.string().describe('netmask in address form'),
    prefixLength: z.number().int().describe('prefix length of the block'),
    firstHost: z.string().describe('first address a host may use'),
    lastHost: z.string().describe('last address a host may use'),
    broadcast: z.string().describe('broadcast address (IPv4 blocks larger than /31)').optional(),
    size: z.string().describe('number of addresses, as a decimal string: an IPv6 /64 does not fit in a number'),
  })
  .describe('facts of a block, computed from its CIDR');

export const poolInfoSchema = poolRecordSchema
  .extend({
    space: z.string().describe('the address space of the pool'),
    family: z.literal([4, 6]).describe('IP version'),
    facts: networkFactsSchema,
    children: z.array(z.string()).describe('names of the child pools, sorted'),
    stats: poolStatsSchema,
    quotaUsage: z.array(quotaUsageSchema).describe('usage of every holder against each quota that binds this pool (its own, and space quotas)').optional(),
  })
  .describe('a pool with its facts and figures');

export const allocationInfoSchema = allocationRecordSchema
  .extend({
    space: z.string().describe('the address space of the pool'),
    poolCidr: z.string().describe("the pool's block, so a client (a VPN peer's interface) needs no second request for it"),
    prefixLength: z.number().int().describe('prefix length of the block'),
    address: z.string().describe('the first address of the block (the host address for a host allocation)'),
    netmask: z.string(),
    firstHost: z.string(),
    lastHost: z.string(),
    gateway: z.string().describe("the pool's gateway, when it has one").optional(),
    graceEndsAt: z.string().describe('for a released allocation: when its grace period ends').optional(),
  })
  .describe('an allocation with the facts of its block');

export const availabilitySchema = z
  .object({
    available: z.boolean(),
    reason: z.string().describe('why not, in words, when it is not').optional(),
  })
  .describe('whether a new owner could get a block or address now');

export const findResultSchema = z
  .object({
    space: z.string(),
    pool: z.string(),
    poolCidr: z.string(),
    allocation: allocationInfoSchema.describe('the allocation holding the address, if any').optional(),
    reserved: z.boolean().describe('set when the address is reserved in the pool (reserved range or gateway)').optional(),
  })
  .describe('a pool holding an address, and what holds the address in it');

export const sliceClusterAllocationSchema = z
  .object({
    clusterName: z.string().describe('The cluster.'),
    subnet: z.string().describe("The cluster's subnet."),
    status: z.enum(['Allocated', 'Released']).describe('Allocated, or Released (held for the cluster during the grace period).'),
    allocatedAt: z.string().describe('When the subnet was (re)allocated, RFC 3339.'),
    releasedAt: z.string().describe('When it was released, RFC 3339.').optional(),
  })
  .describe('The subnet of one cluster of a KubeSlice slice, as the SliceIpam status lists it.');

export const sliceInfoSchema = z
  .object({
    namespace: z.string().describe('namespace of the slice'),
    name: z.string().describe('slice name'),
    creator: z.string().describe('who created the slice (see PoolInfo.creator)').optional(),
    sliceSubnet: z.string(),
    subnetSize: z.number().int(),
    gracePeriodHours: z.number().int(),
    allocatedSubnets: z.array(sliceClusterAllocationSchema),
    availableSubnets: z.number().int(),
    totalSubnets: z.number().int(),
  })
  .describe('a KubeSlice slice with its cluster subnets');

export const backendInfoSchema = z
  .object({
    id: z
      .string()
      .describe("stable id of the backend instance; absent only on Kubernetes for a namespace that holds no IPAM state yet (its id is that of the namespace's ledger object)")
      .optional(),
    kind: z.string().describe('"sqlite", "postgres", "kubernetes", "memory"'),
    location: z.string().describe('where it is, in words: "the SQLite file /srv/ipam/state.db"; never holds a secret'),
  })
  .describe('which backend instance holds an address space');

/**
 * The named result shapes, by the name the OpenAPI document (components.schemas) and the Pulumi
 * schema (types) give them. A schema nested in another is written once, as a reference.
 */
export const NAMED_OUTPUTS = {
  PoolInfo: poolInfoSchema,
  PoolStats: poolStatsSchema,
  BlockStats: blockStatsSchema,
  NetworkFacts: networkFactsSchema,
  AllocationInfo: allocationInfoSchema,
  Availability: availabilitySchema,
  FindResult: findResultSchema,
  ConsistencyReport: consistencyReportSchema,
  ConsistencyIssue: consistencyIssueSchema,
  AuditEvent: auditEventSchema,
  SliceInfo: sliceInfoSchema,
  SliceClusterAllocation: sliceClusterAllocationSchema,
  BackendInfo: backendInfoSchema,
  PoolPolicy: poolPolicySchema,
  QuotaUsage: quotaUsageSchema,
  // What a request and a SubnetPool's `quotas` give, which the SubnetPool echoes as its output.
  PoolQuota: poolQuotaSchema,
} as const satisfies Record<string, z.ZodType>;

// net/ sits below model/ and cannot import zod schemas, so its NetworkFacts interface is checked
// against the description here, both ways: a field added to one and not the other fails the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const factsAgree: Same<z.infer<typeof networkFactsSchema>, NetworkFacts> = true;
void factsAgree;
