import { z } from 'zod';
import { AllocateInput, CreatePoolInput, SelectorAllocateInput, SliceInput, UpdatePoolInput } from '../model/api';
import { ImportInput } from '../model/import';
import { STRATEGIES, Strategy } from '../model/records';
import { labelKeyProblem } from '../model/validate';
import { policySchema, policyUpdateSchema, poolSelectorSchema } from './policy-schemas';

/**
 * The shapes of requests to the HTTP service, as zod schemas. They are the single source for
 * both request validation (routes.ts) and the OpenAPI document (openapi.ts), so the two can
 * never disagree. They check types and shapes only: what a value means (a CIDR, a name, a
 * prefix length in range) is checked by the engine, with the same messages on every backend.
 *
 * Objects are strict: a misspelt field ("prefixlength") is refused, not silently ignored.
 */

const text = (description: string) => z.string().describe(description);
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
const whole = (description: string) => z.number().int().describe(description);
const strategy = z.enum(STRATEGIES as readonly Strategy[] as [Strategy, ...Strategy[]]);

/** A whole number in a query string ("?limit=10"). */
export const queryInteger = (description: string) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, 'give a whole number')
    .regex(/^(0|[1-9][0-9]*)$/, 'write the number without leading zeros')
    .transform(Number)
    .describe(description);

export const spaceParams = z.strictObject({ space: text('address space (a Kubernetes namespace on that backend)') });
export const poolParams = spaceParams.extend({ pool: text('pool name') });
export const ownerParams = poolParams.extend({ owner: text('owner key (idempotency key), URL-encoded') });
export const sliceParams = z.strictObject({ namespace: text('namespace of the slice'), name: text('slice name') });
export const noParams = z.strictObject({});

export const createPoolBody = z.strictObject({
  name: text('pool name: lowercase letters, digits, "-" and "."'),
  cidr: text('the pool block, e.g. 10.0.0.0/16; omit with parent + prefixLength to carve the next free block').optional(),
  parent: text('parent pool to carve this pool from').optional(),
  prefixLength: whole('with parent and no cidr: size of the block to carve').optional(),
  prefer: text('with parent and no cidr: a block to try first').optional(),
  owner: text('idempotency key of the claim carving this pool').optional(),
  creator: text('who the pool is for (a Pulumi stack: "pulumi:project/stack"); another creator may not change or delete it').optional(),
  adopt: z.boolean().describe('share a pool of the same definition that another creator made, instead of refusing').optional(),
  strategy: strategy.describe('how blocks are chosen').optional(),
  gateway: z.union([z.boolean(), z.string()]).describe('true: the first host; or an address inside the pool').optional(),
  reserved: z.array(z.string()).describe('CIDRs or "first-last" ranges never handed out').optional(),
  defaultPrefixLength: whole('prefix length used when a request gives none').optional(),
  gracePeriodSeconds: whole('how long a released block is held for its owner (0 to 604800)').optional(),
  description: text('free text').optional(),
  labels: labels.optional(),
  policy: policySchema.optional(),
});

export const updatePoolBody = z.strictObject({
  creator: text('who the change is for; refused when another creator made the pool').optional(),
  strategy: strategy.describe('how blocks are chosen').optional(),
  gateway: z.union([z.boolean(), z.string(), z.null()]).describe('true: the first host; an address; null or false: none').optional(),
  reserved: z.array(z.string()).describe('replaces the reserved ranges').optional(),
  defaultPrefixLength: z.union([whole('prefix length used when a request gives none'), z.null()]).optional(),
  gracePeriodSeconds: whole('how long a released block is held for its owner (0 to 604800)').optional(),
  description: z.union([text('free text'), z.null()]).optional(),
  labels: z.union([labels, z.null()]).optional(),
  policy: policyUpdateSchema.nullable().optional(),
});

export const allocateBody = z.strictObject({
  kind: z.enum(['prefix', 'host']).describe('"prefix" (a block, the default) or "host" (one address)').optional(),
  prefixLength: whole('prefix kind: size of the block (default: the pool default)').optional(),
  cidr: text('prefix kind: this exact block, or an error').optional(),
  address: text('host kind: this exact address, or an error').optional(),
  prefer: text('a block or address to try first; falls back to the pool strategy').optional(),
  creator: text('who the allocation is for; recorded on a new one, and an owner held by another creator is refused').optional(),
  adopt: z.boolean().describe('share the allocation of this owner that another creator made, instead of refusing').optional(),
  description: text('free text').optional(),
  labels: labels.optional(),
});

/** An allocation from a pool chosen by its labels (IpamApi.allocateBySelector). */
export const selectorAllocateBody = allocateBody.extend({ poolSelector: poolSelectorSchema });
export const spaceOwnerParams = spaceParams.extend({ owner: text('owner key (idempotency key), URL-encoded') });

export const syncSliceBody = z.strictObject({
  sliceSubnet: text('the slice subnet, a private IPv4 CIDR, e.g. 10.1.0.0/16'),
  subnetSize: whole('prefix length of each cluster subnet'),
  clusters: z.array(z.string()).describe('the clusters of the slice; others are released'),
  gracePeriodHours: whole('how long a released cluster subnet is held (1 to 168)').optional(),
  creator: text('who the slice is for; a slice of another creator is refused').optional(),
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
  strategy: strategy.describe('how blocks are chosen').optional(),
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

export const importBody = z.strictObject({
  pools: z.array(importPoolRow).describe('pools, parents first or not: they are ordered parents first').optional(),
  allocations: z.array(importAllocationRow).describe('allocations, into pools stored or in this import').optional(),
  dryRun: z.boolean().describe('decide and report every row, write nothing').optional(),
  skipInvalid: z.boolean().describe('write the accepted rows even when others are refused').optional(),
});

export const emptyQuery = z.strictObject({});
export const listPoolsQuery = z.strictObject({ space: text('only pools of this address space').optional() });
export const getPoolQuery = z.strictObject({ prefixLength: queryInteger('also count free and available blocks of this size').optional() });
export const availabilityQuery = z.strictObject({ cidr: text('a block ("10.0.4.0/24") or an address ("10.0.0.7")') });
export const findQuery = z.strictObject({ ip: text('the address to look up'), space: text('only this address space').optional() });
export const creatorQuery = z.strictObject({ creator: text('who the release or delete is for; refused when another creator made it').optional() });
export const backendQuery = z.strictObject({ space: text('address space (the id of a Kubernetes backend is per namespace)').optional() });
export const auditQuery = z.strictObject({ limit: queryInteger('at most this many events (default 100)').optional() });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('the error code from the catalogue, e.g. POOL_EXHAUSTED'),
    message: z.string().describe('what went wrong and what to do, naming the field'),
    detail: z.string().describe('same as message (RFC 9457)'),
    field: z.string().describe('the input field the error is about, when there is one').optional(),
  })
  .describe('application/problem+json');

// Compile-time proof that the wire shapes are the engine's inputs: if api.ts changes, this fails.
type Assignable<A, B> = [A] extends [B] ? true : false;
const bodiesMatchApi: [
  Assignable<z.infer<typeof createPoolBody>, Omit<CreatePoolInput, 'space'>>,
  Assignable<z.infer<typeof updatePoolBody>, Omit<UpdatePoolInput, 'space' | 'pool'>>,
  Assignable<z.infer<typeof allocateBody>, Omit<AllocateInput, 'space' | 'pool' | 'owner'>>,
  Assignable<z.infer<typeof selectorAllocateBody>, Omit<SelectorAllocateInput, 'space' | 'owner'>>,
  Assignable<z.infer<typeof syncSliceBody>, Omit<SliceInput, 'namespace' | 'name'>>,
  Assignable<z.infer<typeof importBody>, Omit<ImportInput, 'space'>>,
] = [true, true, true, true, true, true];
void bodiesMatchApi;
