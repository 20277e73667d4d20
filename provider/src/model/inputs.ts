import { z } from 'zod';
import { strategySchema } from './records';
import { poolPolicyInputSchema, poolPolicyUpdateSchema, poolSelectorSchema } from './policy-types';
import { checkLabels, checkStrategy, labelKeyProblem } from './validate';

/**
 * The inputs of IpamApi operations, as zod schemas: model/api.ts infers its input types from
 * them, and the HTTP service validates request bodies with them (server/schemas.ts) and
 * documents them in its OpenAPI document. They check types and shapes only: what a value means
 * (a CIDR, a name, a prefix length in range) is checked by the engine, with the same messages on
 * every backend.
 *
 * Objects are strict: a misspelt field ("prefixlength") is refused, not silently ignored. The
 * order of the fields is the order a refusal lists them in.
 */

const text = (description: string) => z.string().describe(description);
const whole = (description: string) => z.number().int().describe(description);

/**
 * A field whose meaning the engine checks, checked first with the engine's own function, so a
 * refusal reads over HTTP exactly as in process (zod's own text for a bad enum or record would
 * not): the IpamError it throws (code, message, field) passes through, since zod does not catch
 * what a preprocess throws. `schema` still describes the field (OpenAPI, schema.json).
 */
const checkedBy = <T extends z.ZodType>(check: (value: unknown) => unknown, schema: T) =>
  z.preprocess((value) => {
    check(value);
    return value;
  }, schema);
const requestStrategy = checkedBy(checkStrategy, strategySchema);
const requestLabels = checkedBy(checkLabels, z.record(z.string(), z.string())).describe('free-form labels, string to string');

/**
 * Labels: parsing a record drops a "__proto__" key without a word, so the engine's label key
 * rule runs first, on the object as JSON gave it, with the engine's message.
 */
const labels = z
  .preprocess((value, ctx) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        const problem = labelKeyProblem(key);
        if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, path: [key], input: value });
      }
    }
    return value;
  }, z.record(z.string(), z.string()))
  .describe('free-form labels, string to string');

const space = text('address space (a Kubernetes namespace on that backend); default "default"').optional();
const pool = text('pool name');
const owner = text('owner key (idempotency key): the same owner always gets its block back');
const creator = (description: string) => text(description).optional();
const adopt = (description: string) => z.boolean().describe(description).optional();
const gracePeriodSeconds = whole('how long a released block is held for its owner (0 to 604800)');

/**
 * Who a change is for. A request that names its creator (a Pulumi stack always does) may not
 * take over, change, release or delete a pool, slice or client address that another creator
 * made (CREATOR_MISMATCH); requests that name none (the `ipam` command, scripts) are not held
 * to it, so an operator can always clean up.
 */
export const actingForSchema = z.strictObject({ creator: creator('who the change is for; refused when another creator made it') });
/** A create or allocate that may share what another creator made (Pulumi's `adopt: true`). */
export const mayAdoptSchema = actingForSchema.extend({ adopt: adopt('share what another creator made, instead of refusing') });

export const spaceFilterSchema = z.strictObject({ space });
export const poolRefSchema = z.strictObject({ space, pool });
export const ownerRefSchema = z.strictObject({ space, pool, owner });
export const getPoolInputSchema = poolRefSchema.extend({ prefixLength: whole('also count free and available blocks of this size').optional() });
export const auditInputSchema = poolRefSchema.extend({ limit: whole('at most this many events (default 100)').optional() });
export const findInputSchema = z.strictObject({ ip: text('the address to look up'), space: text('only this address space').optional() });

export const createPoolInputSchema = z.strictObject({
  space,
  name: text('pool name: lowercase letters, digits, "-" and "."'),
  cidr: text('the pool block, e.g. 10.0.0.0/16; omit with parent + prefixLength to carve the next free block').optional(),
  parent: text('parent pool to carve this pool from').optional(),
  prefixLength: whole('with parent and no cidr: size of the block to carve').optional(),
  prefer: text('with parent and no cidr: a block to try first').optional(),
  owner: text('idempotency key of the claim carving this pool').optional(),
  creator: creator('who the pool is for (a Pulumi stack: "pulumi:project/stack"); another creator may not change or delete it'),
  adopt: adopt('share a pool of the same definition that another creator made, instead of refusing'),
  strategy: requestStrategy.describe('how blocks are chosen').optional(),
  gateway: z.union([z.boolean(), z.string()]).describe('true: the first host; or an address inside the pool').optional(),
  reserved: z.array(z.string()).describe('CIDRs or "first-last" ranges never handed out').optional(),
  defaultPrefixLength: whole('prefix length used when a request gives none').optional(),
  gracePeriodSeconds: gracePeriodSeconds.optional(),
  description: text('free text').optional(),
  labels: requestLabels.optional(),
  policy: poolPolicyInputSchema.optional(),
});

/** Fields that may change in place; absent = unchanged, null = cleared. */
export const updatePoolInputSchema = z.strictObject({
  space,
  pool,
  creator: creator('who the change is for; refused when another creator made the pool'),
  strategy: requestStrategy.describe('how blocks are chosen').optional(),
  gateway: z.union([z.boolean(), z.string(), z.null()]).describe('true: the first host; an address; null or false: none').optional(),
  reserved: z.array(z.string()).describe('replaces the reserved ranges').optional(),
  defaultPrefixLength: z.union([whole('prefix length used when a request gives none'), z.null()]).optional(),
  gracePeriodSeconds: gracePeriodSeconds.optional(),
  description: z.union([text('free text'), z.null()]).optional(),
  labels: z.union([requestLabels, z.null()]).optional(),
  policy: poolPolicyUpdateSchema.nullable().optional(),
});

export const allocateInputSchema = z.strictObject({
  space,
  pool,
  owner,
  kind: z.enum(['prefix', 'host']).describe('"prefix" (a block, the default) or "host" (one address)').optional(),
  prefixLength: whole('prefix kind: size of the block (default: the pool default)').optional(),
  cidr: text('prefix kind: this exact block, or an error').optional(),
  address: text('host kind: this exact address, or an error').optional(),
  prefer: text('a block or address to try first; falls back to the pool strategy').optional(),
  creator: creator('who the allocation is for; recorded on a new one, and an owner held by another creator is refused'),
  adopt: adopt('share the allocation of this owner that another creator made, instead of refusing'),
  description: text('free text').optional(),
  labels: requestLabels.optional(),
});

/**
 * An allocation from whichever pool of the space matches `poolSelector` (IpamApi.allocateBySelector):
 * an allocation that names labels of its pool instead of the pool.
 */
export const selectorAllocateInputSchema = allocateInputSchema.omit({ pool: true }).extend({ poolSelector: poolSelectorSchema });

export const availabilityInputSchema = poolRefSchema.extend({ cidr: text('a block ("10.0.4.0/24") or an address ("10.0.0.7")') });

export const sliceRefSchema = z.strictObject({ namespace: text('namespace of the slice'), name: text('slice name') });

export const sliceInputSchema = sliceRefSchema.extend({
  sliceSubnet: text('the slice subnet, a private IPv4 CIDR, e.g. 10.1.0.0/16'),
  subnetSize: whole('prefix length of each cluster subnet'),
  clusters: z.array(z.string()).describe('the clusters of the slice; others are released'),
  gracePeriodHours: whole('how long a released cluster subnet is held (1 to 168)').optional(),
  creator: creator('who the slice is for; a slice of another creator is refused'),
});

const line = whole('the line of the imported file the row came from (refusals name it)').optional();
const spaceOfRow = text('address space of the row; must be the one in the path').optional();

const importPoolRow = z.strictObject({
  line,
  space: spaceOfRow,
  name: text('pool name'),
  cidr: text('the pool block, e.g. 10.0.0.0/16 (always given: an import recreates pools exactly)'),
  kind: z.enum(['pool', 'slice']).describe('"pool" (default) or "slice" (a KubeSlice slice)').optional(),
  parent: text('parent pool the block is carved from').optional(),
  strategy: strategySchema.optional(),
  gateway: text('gateway address').optional(),
  reserved: z.array(z.string()).describe('blocks never handed out').optional(),
  defaultPrefixLength: whole('prefix length used when a request gives none').optional(),
  gracePeriodSeconds: whole('how long a released block is held for its owner').optional(),
  owner: text('owner key of the claim that carved the pool from its parent').optional(),
  creator: text('who the pool was made for (default: the caller)').optional(),
  description: text('free text').optional(),
  labels: labels.optional(),
  createdAt: text('ISO 8601 time the pool was made (default: now)').optional(),
});

const importAllocationRow = z.strictObject({
  line,
  space: spaceOfRow,
  pool: text('pool name'),
  owner: text('owner key (idempotency key)'),
  cidr: text('the block; for a host, the address or its /32 (/128)'),
  kind: z.enum(['prefix', 'host']).describe('default: "host" for a bare address, else "prefix"').optional(),
  status: z.enum(['allocated', 'released']).describe('default "allocated"').optional(),
  allocatedAt: text('ISO 8601 time of the allocation (default: now)').optional(),
  releasedAt: text('ISO 8601 time of the release, for a released allocation (default: now)').optional(),
  expiresAt: text('written by export for people; ignored').optional(),
  creator: text('who the allocation was made for (default: the caller)').optional(),
  description: text('free text').optional(),
  labels: labels.optional(),
});

/** A bulk import (`ipam import`): rows of pools and allocations of one space. */
export const importInputSchema = z.strictObject({
  space,
  pools: z.array(importPoolRow).describe('pools, parents first or not: they are ordered parents first').optional(),
  allocations: z.array(importAllocationRow).describe('allocations, into pools stored or in this import').optional(),
  dryRun: z.boolean().describe('decide and report every row, write nothing').optional(),
  skipInvalid: z.boolean().describe('write the accepted rows even when others are refused').optional(),
});
