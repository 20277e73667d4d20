import { z } from 'zod';

/**
 * The wire shapes of pool policy (model/policy-types.ts) and pool selectors (model/selector.ts).
 * Types and shapes only, as in ./schemas.ts: what a value means (a prefix length in the pool, a
 * creator pattern, a selector's syntax) is checked by the engine, with the same messages on
 * every backend.
 */
const text = (description: string) => z.string().describe(description);
const whole = (description: string) => z.number().int().describe(description);
const patterns = (description: string) => z.array(z.string()).describe(description);

const quota = z.strictObject({
  name: text('names the quota in refusals and in `ipam pool show`'),
  creators: text('which creators it holds: a pattern with * (default "*")').optional(),
  per: z.enum(['creator', 'group']).describe('"creator" (default): each matching creator has the allowance; "group": they share it').optional(),
  scope: z.enum(['pool', 'space']).describe('"pool" (default): usage in this pool; "space": in every pool of the address space').optional(),
  maxAddresses: z.union([z.string(), z.number().int()]).describe('most addresses a holder may hold (decimal string for IPv6 sizes)').optional(),
  maxBlocks: whole('most blocks a holder may hold').optional(),
});

const policyFields = {
  minPrefixLength: whole('shortest prefix a claim may ask for (its largest block)'),
  maxPrefixLength: whole('longest prefix a claim may ask for (its smallest block)'),
  requiredLabels: patterns('labels every claim must carry: "team" or "env=prod"'),
  allowedCreators: patterns('creator patterns that may allocate ("pulumi:acme/*", "ci", "k8s:team-a/*"); absent: everyone'),
  quotas: z.array(quota).describe('how much each creator may hold; released blocks count until their grace period ends'),
};

export const policySchema = z
  .strictObject({
    minPrefixLength: policyFields.minPrefixLength.optional(),
    maxPrefixLength: policyFields.maxPrefixLength.optional(),
    requiredLabels: policyFields.requiredLabels.optional(),
    allowedCreators: policyFields.allowedCreators.optional(),
    quotas: policyFields.quotas.optional(),
  })
  .describe('allocation rules and quotas of the pool');

export const policyUpdateSchema = z
  .strictObject({
    minPrefixLength: policyFields.minPrefixLength.nullable().optional(),
    maxPrefixLength: policyFields.maxPrefixLength.nullable().optional(),
    requiredLabels: policyFields.requiredLabels.nullable().optional(),
    allowedCreators: policyFields.allowedCreators.nullable().optional(),
    quotas: policyFields.quotas.nullable().optional(),
  })
  .describe('each field given replaces the old one; null clears it');

const expression = z.strictObject({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});

export const poolSelectorSchema = z
  .union([
    z.string(),
    z.strictObject({ matchLabels: z.record(z.string(), z.string()).optional(), matchExpressions: z.array(expression).optional() }),
    z.record(z.string(), z.string()),
  ])
  .describe('labels the pool must have: {"zone": "a"}, a Kubernetes LabelSelector {matchLabels, matchExpressions}, or text "zone=a,env in (prod,staging)"');
