import { PoolInfo } from '../model/api';
import { checkPolicy, replacingPolicy } from '../model/policy';
import { POLICY_FIELDS as POLICY_SCHEMAS, PoolPolicyInput, PoolPolicyUpdate } from '../model/policy-types';
import { checkSelector } from '../model/selector';
import { Cidr, bitsOf } from '../net/cidr';
import { CheckResult, FieldCheck } from './check';
import { Props, isUnknown } from './values';

/**
 * Pool policy and pool selectors on the Pulumi resources. A SubnetPool carries its rules as flat
 * inputs (minPrefixLength, maxPrefixLength, requiredLabels, allowedCreators, quotas); a claim or
 * a client address may give poolSelector instead of pool, and the pool chosen becomes its `pool`
 * output. Checked at preview with the engine's messages: what needs no backend (a policy at
 * odds with itself or the pool's block, a malformed selector) fails `pulumi preview`.
 */
const POLICY_FIELDS = Object.keys(POLICY_SCHEMAS) as (keyof typeof POLICY_SCHEMAS)[];

/** The pool's policy from its inputs; each absent field null, so an update replaces the whole policy. */
export function policyOf(props: Props): PoolPolicyUpdate {
  return replacingPolicy(props);
}

/** The policy of a new pool from its inputs, or undefined when it has none. */
export function newPolicyOf(props: Props): PoolPolicyInput | undefined {
  const given = POLICY_FIELDS.filter((field) => props[field] !== undefined);
  return given.length === 0 ? undefined : (Object.fromEntries(given.map((field) => [field, props[field]])) as PoolPolicyInput);
}

/** The policy inputs of a SubnetPool, checked against its block (`blockOf`, when known) and defaultPrefixLength. */
export function policyChecks(blockOf: (inputs: Props) => Cidr | undefined): Record<string, FieldCheck> {
  return Object.fromEntries(
  POLICY_FIELDS.map((field) => [
    field,
    (value: unknown, inputs: Props) => {
      const cidr = blockOf(inputs);
      const known = Object.fromEntries(POLICY_FIELDS.filter((f) => inputs[f] !== undefined && !isUnknown(inputs[f])).map((f) => [f, inputs[f]]));
      const defaultLength = typeof inputs.defaultPrefixLength === 'number' ? inputs.defaultPrefixLength : undefined;
      // Checked together (min against max, the default between them); each field reports its own part.
      const sizeField = known.minPrefixLength !== undefined ? 'minPrefixLength' : 'maxPrefixLength';
      const policy = checkPolicy({ ...known, [field]: value }, cidr?.prefix ?? 0, cidr === undefined ? 128 : bitsOf(cidr.family), field === sizeField ? defaultLength : undefined);
      return (policy as Record<string, unknown> | undefined)?.[field];
    },
  ]),
  );
}

/** The policy outputs of a pool as the backend holds it (read, refresh). */
export function policyOutputs(pool: PoolInfo): Props {
  const policy = pool.policy ?? {};
  return { ...Object.fromEntries(POLICY_FIELDS.map((field) => [field, policy[field]])), quotas: policy.quotas?.map((q) => ({ ...q })) };
}

/** poolSelector: normalised to its text form, so a selector written another way is no change. */
export const selectorCheck = (v: unknown) => checkSelector(v);

/**
 * A claim or client address names its pool, or selects one by labels: exactly one of them. A
 * claim that becomes a pool (asPool) names its parent.
 */
export function checkPoolOrSelector(result: CheckResult, asPool = false): CheckResult {
  const { inputs, failures } = result;
  const has = (name: string) => inputs[name] !== undefined;
  if (has('pool') && has('poolSelector')) {
    failures.push({ property: 'poolSelector', reason: 'poolSelector: give either pool or poolSelector, not both; the pool chosen by the selector is the pool output' });
  } else if (!has('pool') && !has('poolSelector') && !failures.some((f) => f.property === 'pool' || f.property === 'poolSelector')) {
    failures.push({ property: 'pool', reason: 'pool: required; give the pool to claim from, or poolSelector to choose one by its labels (like {zone: "eu-west-1a"})' });
  } else if (asPool && has('poolSelector')) {
    failures.push({ property: 'poolSelector', reason: 'poolSelector: a claim with asPool carves a child pool from a parent it names; give pool instead' });
  }
  return result;
}

/** The pool a resource is in: the one it names, else the one its selector chose (kept in its outputs). */
export function withChosenPool(news: Props, olds: Props): Props {
  return news.pool === undefined && olds.pool !== undefined ? { ...news, pool: olds.pool } : news;
}
