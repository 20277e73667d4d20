import { z } from 'zod';
import { allocateInputSchema, createPoolInputSchema, findInputSchema, importInputSchema, selectorAllocateInputSchema, sliceInputSchema, updatePoolInputSchema } from '../model/inputs';
import { backendInfoSchema } from '../model/outputs';

/**
 * The shapes of requests to the HTTP service, as zod schemas. They are the single source for
 * both request validation (routes.ts) and the OpenAPI document (openapi.ts), so the two can
 * never disagree. Bodies are the IpamApi inputs of model/inputs.ts less the fields the path
 * gives; path parameters and query strings are text on the wire, so they have shapes of their
 * own here. Objects are strict: a misspelt field ("prefixlength") is refused, not silently ignored.
 */

const text = (description: string) => z.string().describe(description);


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
const ownerParam = text('owner key (idempotency key), URL-encoded');
export const ownerParams = poolParams.extend({ owner: ownerParam });
/** An owner in a space, its pool chosen by a selector (PUT /v1/spaces/{space}/allocations/{owner}). */
export const spaceOwnerParams = spaceParams.extend({ owner: ownerParam });
export const sliceParams = z.strictObject({ namespace: text('namespace of the slice'), name: text('slice name') });
export const noParams = z.strictObject({});

export const createPoolBody = createPoolInputSchema.omit({ space: true });
export const updatePoolBody = updatePoolInputSchema.omit({ space: true, pool: true });
export const allocateBody = allocateInputSchema.omit({ space: true, pool: true, owner: true });
/** An allocation from a pool chosen by its labels (IpamApi.allocateBySelector). */
export const selectorAllocateBody = selectorAllocateInputSchema.omit({ space: true, owner: true });
export const syncSliceBody = sliceInputSchema.omit({ namespace: true, name: true });

export const importBody = importInputSchema.omit({ space: true });

export const emptyQuery = z.strictObject({});
export const listPoolsQuery = z.strictObject({ space: text('only pools of this address space').optional() });
export const getPoolQuery = z.strictObject({ prefixLength: queryInteger('also count free and available blocks of this size').optional() });
export const availabilityQuery = z.strictObject({ cidr: text('a block ("10.0.4.0/24") or an address ("10.0.0.7")') });
export const findQuery = findInputSchema;
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
    detail: z.string().describe('the message, then the hint (if any) as the request that helps, e.g. "list pools with GET /v1/spaces/default/pools" (RFC 9457)'),
    field: z.string().describe('the input field the error is about, when there is one').optional(),
    hint: z
      .looseObject({ kind: z.string() })
      .describe('what to ask next, as data for a client to word its own way: {kind: "list-pools", space}, "list-slices", "list-allocations", "rename-or-update-pool", "check-pool", "label-pool"')
      .optional(),
  })
  .describe('application/problem+json');

/** GET /v1/backend: which backend, not where it is (a file path or a host is the service's business). */
export const backendResponse = backendInfoSchema.pick({ id: true, kind: true }).describe('the id and kind of the backend instance behind the service');
export const healthResponse = z.object({ status: z.literal('ok') }).describe('the process is up');
export const readyResponse = z.object({ status: z.literal('ready'), store: z.string().describe('the kind of store') }).describe('the state backend answers');
