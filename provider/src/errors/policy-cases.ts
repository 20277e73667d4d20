import { at, plain } from './define';
import { RESERVED_LABEL_KEY, quote } from './text';

/**
 * Pool policy as input (model/policy.ts, model/selector.ts): a policy, its quotas and a pool
 * selector that cannot be understood. Cases of INVALID_INPUT and INVALID_PREFIX_LENGTH
 * (input-codes.ts spreads them in); what a policy refuses is policy-codes.ts.
 */

/** The sizes a pool's rules allow: "/20 to /26", "/24 only", "/20 to /32", "up to /26", "of any size". */
export interface SizeRule {
  min?: number;
  max?: number;
  /** The family's address length: 32 or 128. */
  bits: number;
}
export function sizesOf({ min, max, bits }: SizeRule): string {
  if (min !== undefined && max !== undefined) return min === max ? `/${min} only` : `/${min} to /${max}`;
  if (min !== undefined) return `/${min} to /${bits}`;
  if (max !== undefined) return `up to /${max}`;
  return 'of any size';
}

const QUOTA_EXAMPLE = '{"name": "per-stack", "creators": "pulumi:*", "maxAddresses": "1024"}';
const HOW_TO_SELECT = 'give labels like {"zone": "eu-west-1a"}, a Kubernetes label selector {matchLabels, matchExpressions}, or text like "zone=eu-west-1a,env in (prod,staging)"';

export const POLICY_INPUT_CASES = {
  // A policy and its quotas.
  'policy-shape': () => at('policy', 'give an object with minPrefixLength, maxPrefixLength, requiredLabels, allowedCreators or quotas'),
  'policy-field': (p: { key: string; known: readonly string[] }) => at(`policy.${p.key}`, `not a policy field; use ${p.known.join(', ')}`),
  'policy-patterns': (p: { field: string; max: number }) => at(p.field, `give a list of at most ${p.max} strings`),
  'required-label': (p: { field: string; value: unknown }) => at(p.field, `${quote(p.value)} is not a required label; give a key ("team") or a key and its value ("env=prod")`),
  'required-label-key': (p: { field: string; value: string; problem: 'empty' | 'reserved' }) =>
    at(p.field, `${quote(p.value)}: ${p.problem === 'empty' ? 'the label key is empty' : RESERVED_LABEL_KEY}`),
  'creator-pattern': (p: { field: string; value: unknown }) =>
    at(p.field, `${quote(p.value)} is not a creator pattern; give a creator ("ci", "pulumi:acme/prod") or a pattern with * ("pulumi:acme/*", "k8s:team-a/*")`),
  'quotas-shape': (p: { max: number }) => at('quotas', `give a list of at most ${p.max} quotas, each like ${QUOTA_EXAMPLE}`),
  'quota-twice': (p: { index: number; name: string }) => at(`quotas[${p.index}].name`, `quota "${p.name}" is given twice; give each quota its own name`),
  'quota-shape': (p: { field: string }) => at(p.field, `give an object like ${QUOTA_EXAMPLE}`),
  'quota-field': (p: { field: string; key: string; known: readonly string[] }) => at(`${p.field}.${p.key}`, `not a quota field; use ${p.known.join(', ')}`),
  'quota-addresses': (p: { field: string; value: unknown }) =>
    at(`${p.field}.maxAddresses`, `${quote(p.value)} is not a number of addresses; give a whole number like "1024"`),
  'quota-blocks': (p: { field: string; value: unknown }) => at(`${p.field}.maxBlocks`, `${quote(p.value)} is not a number of blocks; give a whole number from 0`),
  'quota-limits-nothing': (p: { field: string; name: string }) => at(p.field, `quota "${p.name}" limits nothing; give maxAddresses, maxBlocks or both`),
  'one-of': (p: { field: string; value: unknown; allowed: readonly string[] }) =>
    at(p.field, `${quote(p.value)} is not one of ${p.allowed.map((a) => `"${a}"`).join(', ')}`),
  /** A Kubernetes claim or ClientIp names its pool (`refField`) or selects it, exactly one. */
  'pool-ref-or-selector': (p: { refField: string }) => plain(`spec.${p.refField}: give ${p.refField} (the pool's name) or poolSelector (its labels), one of them`, p.refField),
  // A pool selector (a map of labels, a Kubernetes LabelSelector, or selector text).
  'selector-shape': (p: { field: string; value: unknown }) => at(p.field, `${quote(p.value)} is not a pool selector; ${HOW_TO_SELECT}`),
  'selector-empty': (p: { field: string }) => at(p.field, `the selector is empty and would match every pool; ${HOW_TO_SELECT}`),
  'selector-too-many': (p: { field: string; max: number }) => at(p.field, `give at most ${p.max} requirements`),
  'selector-twice': (p: { field: string; key: string; operator: string }) => at(p.field, `label "${p.key}" is required twice with ${p.operator}; write it once`),
  'selector-match-labels': (p: { field: string }) => at(p.field, 'give a map of label keys to values'),
  'selector-match-expressions': (p: { field: string }) => at(p.field, 'give a list of {key, operator, values}'),
  'selector-expression': (p: { field: string }) => at(p.field, 'give {key, operator, values}'),
  'selector-operator': (p: { field: string; value: unknown; operators: readonly string[] }) =>
    at(p.field, `${quote(p.value)} is not an operator; use ${p.operators.join(', ')}`),
  'selector-key': (p: { field: string; key: unknown }) =>
    at(p.field, `${quote(p.key)} is not a label key; give a key without spaces, commas, parentheses, "=", "!", "<" or ">"`),
  'selector-key-reserved': (p: { field: string }) => at(p.field, RESERVED_LABEL_KEY),
  'selector-values': (p: { field: string; key: string; operator: string; needs: boolean }) =>
    at(p.field, `${p.operator} on label "${p.key}" ${p.needs ? 'needs at least one value' : 'takes no values'}`),
  'selector-value': (p: { field: string; key: string; value: unknown }) =>
    at(p.field, `${quote(p.value)} is not a label value for "${p.key}"; give text without spaces, commas, parentheses, "=" or "!"`),
  'selector-empty-requirement': (p: { field: string; text: string }) => at(p.field, `${quote(p.text)} has an empty requirement; separate requirements with single commas`),
  'selector-requirement': (p: { field: string; part: string }) =>
    at(p.field, `${quote(p.part)} is not a requirement; write key=value, key!=value, key in (a,b), key notin (a,b), key or !key`),
} as const;

export const POLICY_PREFIX_CASES = {
  'policy-range': (p: { field: string; value: unknown; min: number; max: number }) =>
    at(p.field, `${quote(p.value)} is not a prefix length for this pool; give a whole number from ${p.min} to ${p.max}`),
  'policy-min-max': (p: { min: number; max: number }) =>
    at('minPrefixLength', `/${p.min} is longer than maxPrefixLength /${p.max}; the minimum is the largest block, so give a number no greater than ${p.max}`),
  'policy-default': (p: { defaultPrefixLength: number; rule: SizeRule }) =>
    at('defaultPrefixLength', `/${p.defaultPrefixLength} is outside the pool's allowed sizes ${sizesOf(p.rule)}; give a default inside them`),
} as const;
