import { z } from 'zod';
import { LABEL_OPERATORS, QUOTA_PERS, QUOTA_SCOPES } from './constants';

/**
 * A pool's policy and pool selectors as zod schemas, the one description of them: their types
 * are inferred here; the records (./records.ts), the IpamApi inputs and results (./inputs.ts,
 * ./outputs.ts), the HTTP service's bodies and OpenAPI document, and the SubnetPool's `quotas`
 * input (./resources.ts) are built from them. Kept apart from the checks (./policy.ts,
 * ./selector.ts) so the records can hold a policy without importing the validation it uses.
 *
 * Types and shapes only: what a value means (a prefix length inside the pool, a creator pattern,
 * a selector's syntax) is checked by the engine, with the same messages on every backend.
 *
 * Creators are the strings pools and allocations already record: "pulumi:project/stack" for a
 * Pulumi stack, "cli:alice" for the `ipam` command, a token's name on the HTTP service,
 * "k8s:<namespace>/<Kind>/<name>" for the Kubernetes controller. Patterns match them with `*`
 * (any run of characters): "pulumi:acme/*", "k8s:team-a/*", "ci".
 */

const quotaPerSchema = z
  .enum(QUOTA_PERS)
  .describe('"creator" (default): each matching creator has the whole allowance to itself; "group": all matching creators share it (a namespace\'s objects, a project\'s stacks).');
const quotaScopeSchema = z.enum(QUOTA_SCOPES).describe('"pool" (default): usage in this pool; "space": usage in every pool of the address space.');
export type QuotaPer = z.infer<typeof quotaPerSchema>;
export type QuotaScope = z.infer<typeof quotaScopeSchema>;

const quotaName = z.string().describe('Names the quota in refusals and in `ipam pool show`.');
const maxBlocks = z.number().int().describe('Most blocks a holder may hold.');

/**
 * How much a creator may hold, as the pool keeps it (defaults filled in). Usage is what the
 * creator holds: live allocations, released blocks still in their grace period (they stay held
 * for their owner, so they still count), and child pools it carved (a claim asPool).
 */
const quotaSchema = z
  .object({
    name: quotaName,
    creators: z.string().describe('Which creators the quota holds: a pattern with * ("*": every creator).'),
    per: quotaPerSchema,
    scope: quotaScopeSchema,
    maxAddresses: z.string().describe('Most addresses a holder may hold, as a decimal string (an IPv6 allowance exceeds a JSON number).').optional(),
    maxBlocks: maxBlocks.optional(),
  })
  .describe('How much each matching creator may hold, as the pool keeps it; released blocks count until their grace period ends.');
export type Quota = z.infer<typeof quotaSchema>;

/** A quota as a request or a SubnetPool gives it: `creators`, `per` and `scope` have defaults; maxAddresses may be a number. */
export const poolQuotaSchema = z
  .strictObject({
    name: quotaName,
    creators: z.string().describe('Which creators it holds: a pattern with * (default "*").').optional(),
    per: quotaPerSchema.optional(),
    scope: quotaScopeSchema.optional(),
    maxAddresses: z.union([z.string(), z.number().int()]).describe('Most addresses a holder may hold (a decimal string for IPv6 sizes).').optional(),
    maxBlocks: maxBlocks.optional(),
  })
  .describe('How much a creator may hold of a pool (or, with scope "space", of its address space); released blocks count until their grace period ends.');
export type QuotaInput = z.infer<typeof poolQuotaSchema>;

const minPrefixLength = z.number().int().describe('Shortest prefix a claim may ask for (its largest block); a larger claim is refused naming this rule.');
const maxPrefixLength = z.number().int().describe('Longest prefix a claim may ask for (its smallest block).');
const requiredLabels = z.array(z.string()).describe('Labels every claim must carry: "team" (any value) or "env=prod" (that value).');
const allowedCreators = z
  .array(z.string())
  .describe('Creators that may allocate from the pool, with * as wildcard: stacks ("pulumi:acme/*"), token names ("ci"), namespaces ("k8s:team-a/*"). Absent: everyone.');
const quotasOf = <T extends z.ZodType>(quota: T) =>
  z.array(quota).describe('How much each creator may hold in this pool (or, with scope "space", in the whole address space); released blocks count until their grace period ends.');

/**
 * The fields of a policy, each described once: a SubnetPool carries them as flat inputs
 * (./resources.ts), a request and a record as one `policy` object.
 */
export const POLICY_FIELDS = { minPrefixLength, maxPrefixLength, requiredLabels, allowedCreators, quotas: quotasOf(poolQuotaSchema) };

/** A pool's policy as the pool keeps it (normalised: sorted patterns, quotas with their defaults); absent: anyone may claim any size. */
export const poolPolicySchema = z
  .object({ ...POLICY_FIELDS, quotas: quotasOf(quotaSchema) })
  .partial()
  .describe('Allocation rules and quotas of a pool: which block sizes a claim may ask for, which labels it must carry, who may allocate, how much each may hold.');
export type PoolPolicy = z.infer<typeof poolPolicySchema>;

/** A policy as a request gives it. */
export const poolPolicyInputSchema = z.strictObject(POLICY_FIELDS).partial().describe('allocation rules and quotas of the pool');
export type PoolPolicyInput = z.infer<typeof poolPolicyInputSchema>;

/** Changes to a pool's policy: absent = unchanged, null = cleared. */
export const poolPolicyUpdateSchema = z
  .strictObject({
    minPrefixLength: minPrefixLength.nullable().optional(),
    maxPrefixLength: maxPrefixLength.nullable().optional(),
    requiredLabels: requiredLabels.nullable().optional(),
    allowedCreators: allowedCreators.nullable().optional(),
    quotas: POLICY_FIELDS.quotas.nullable().optional(),
  })
  .describe('each policy field given replaces the old one; null clears a field, or the whole policy');
export type PoolPolicyUpdate = z.infer<typeof poolPolicyUpdateSchema>;

/** One holder's usage against one quota, as `ipam pool show` and the HTTP API show it. */
export const quotaUsageSchema = z
  .object({
    quota: z.string().describe('the quota'),
    pool: z.string().describe('the pool that declares the quota'),
    scope: quotaScopeSchema,
    holder: z.string().describe('the creator, or for a "group" quota the pattern its creators match'),
    addresses: z.string().describe('addresses held, as a decimal string'),
    blocks: z.number().int().describe('blocks held'),
    maxAddresses: z.string().describe("the quota's allowance of addresses").optional(),
    maxBlocks: z.number().int().describe("the quota's allowance of blocks").optional(),
  })
  .describe("one holder's usage against one quota that binds the pool");
export type QuotaUsage = z.infer<typeof quotaUsageSchema>;

const labelOperatorSchema = z.enum(LABEL_OPERATORS);
export type LabelOperator = z.infer<typeof labelOperatorSchema>;

/** Kubernetes' LabelSelector object. */
const labelSelectorSchema = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(z.strictObject({ key: z.string(), operator: labelOperatorSchema, values: z.array(z.string()).optional() })).optional(),
});
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

/**
 * A pool selector, given one of three ways (./selector.ts normalises them to the text form): a map
 * of labels, Kubernetes' LabelSelector object, or Kubernetes' selector text.
 */
export const poolSelectorSchema = z
  .union([z.string(), labelSelectorSchema, z.record(z.string(), z.string())])
  .describe('labels the pool must have: {"zone": "a"}, a Kubernetes LabelSelector {matchLabels, matchExpressions}, or text "zone=a,env in (prod,staging)"');
