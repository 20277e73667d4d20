import { MissingLabel, errors } from '../errors';
import { checkName, checkPrintable, labelKeyProblem } from './validate';
import { QUOTA_PERS, QUOTA_SCOPES } from './constants';
import type * as PolicyTypes from './policy-types';
import { PoolPolicy, PoolPolicyUpdate, Quota } from './policy-types';

/**
 * The fields of a policy and of a quota, in the order a refusal lists them, read from their zod
 * description on first use: only a request that gives a policy loads zod for them, never a command
 * like `ipam alloc` (zod is a third of its start-up).
 */
let fieldNames: { policy: (keyof PoolPolicy)[]; quota: string[] } | undefined;
function policyFieldNames(): { policy: (keyof PoolPolicy)[]; quota: string[] } {
  if (fieldNames === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { POLICY_FIELDS, poolQuotaSchema } = require('./policy-types') as typeof PolicyTypes;
    fieldNames = { policy: Object.keys(POLICY_FIELDS) as (keyof PoolPolicy)[], quota: Object.keys(poolQuotaSchema.shape) };
  }
  return fieldNames;
}

/**
 * Policy of a pool, the way a platform team hands address space to other teams (AWS VPC IPAM's
 * allocation rules and quotas, NetBox's tenants): which block sizes a claim may ask for, which
 * labels it must carry, which creators may allocate at all, and how much each creator may hold.
 *
 * Types and pure checks only. What needs the space's state (usage against a quota, the choice of
 * a pool by its labels) is decided by the engine (engine/policy-ops.ts) inside the one
 * compare-and-swap commit of the space, so concurrent requests can never overshoot a quota.
 *
 * Creators are the strings pools and allocations already record: "pulumi:project/stack" for a
 * Pulumi stack, "cli:alice" for the `ipam` command, a token's name on the HTTP service,
 * "k8s:<namespace>/<Kind>/<name>" for the Kubernetes controller. Patterns match them with `*`
 * (any run of characters): "pulumi:acme/*", "k8s:team-a/*", "ci".
 */
const MAX_PATTERNS = 64;
const MAX_QUOTAS = 32;

/** Whether `creator` matches `pattern`, where "*" stands for any run of characters. */
export function creatorMatches(pattern: string, creator: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === creator;
  if (!creator.startsWith(parts[0]) || !creator.endsWith(parts[parts.length - 1])) return false;
  let at = parts[0].length;
  const end = creator.length - parts[parts.length - 1].length;
  for (const middle of parts.slice(1, -1)) {
    const found = creator.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return at <= end;
}

/** Checks and normalises a policy; `poolPrefix` and `bits` bound the prefix lengths (the pool's own size). */
export function checkPolicy(value: unknown, poolPrefix: number, bits: number, defaultPrefixLength?: number): PoolPolicy | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw errors.INVALID_INPUT({ case: 'policy-shape' });
  const input = value as Record<string, unknown>;
  const known = policyFieldNames().policy;
  for (const key of Object.keys(input)) {
    if (!(known as string[]).includes(key)) throw errors.INVALID_INPUT({ case: 'policy-field', key, known });
  }
  const policy: PoolPolicy = {};
  const length = (field: 'minPrefixLength' | 'maxPrefixLength') => {
    const v = input[field];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < poolPrefix || v > bits) {
      throw errors.INVALID_PREFIX_LENGTH({ case: 'policy-range', field, value: v, min: poolPrefix, max: bits });
    }
    policy[field] = v;
  };
  length('minPrefixLength');
  length('maxPrefixLength');
  const { minPrefixLength: min, maxPrefixLength: max } = policy;
  if (min !== undefined && max !== undefined && min > max) {
    throw errors.INVALID_PREFIX_LENGTH({ case: 'policy-min-max', min, max });
  }
  if (defaultPrefixLength !== undefined && ((min !== undefined && defaultPrefixLength < min) || (max !== undefined && defaultPrefixLength > max))) {
    throw errors.INVALID_PREFIX_LENGTH({ case: 'policy-default', defaultPrefixLength, rule: { min, max, bits } });
  }
  const required = checkPatterns(input.requiredLabels, 'requiredLabels', checkRequiredLabel);
  if (required !== undefined) policy.requiredLabels = required;
  const allowed = checkPatterns(input.allowedCreators, 'allowedCreators', checkCreatorPattern);
  if (allowed !== undefined) policy.allowedCreators = allowed;
  const quotas = checkQuotas(input.quotas);
  if (quotas !== undefined) policy.quotas = quotas;
  return Object.keys(policy).length === 0 ? undefined : policy;
}

/** The policy after an update: each field given replaces the old one, null clears it. */
export function mergePolicy(old: PoolPolicy | undefined, update: PoolPolicyUpdate | null): Record<string, unknown> | undefined {
  if (update === null) return undefined;
  const merged: Record<string, unknown> = { ...old };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** An update that replaces the whole policy with `policy` (each absent field cleared): what a declared pool (Pulumi, a Kubernetes object) asks for. */
export function replacingPolicy(policy: Partial<Record<keyof PoolPolicy, unknown>> | undefined): PoolPolicyUpdate {
  return Object.fromEntries(policyFieldNames().policy.map((field) => [field, policy?.[field] ?? null])) as PoolPolicyUpdate;
}

function checkPatterns(value: unknown, field: string, checkOne: (entry: string, field: string) => string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_PATTERNS) {
    throw errors.INVALID_INPUT({ case: 'policy-patterns', field, max: MAX_PATTERNS });
  }
  const entries = value.map((entry, i) => checkOne(entry as string, `${field}[${i}]`));
  return [...new Set(entries)].sort();
}

function checkRequiredLabel(entry: unknown, field: string): string {
  if (typeof entry !== 'string' || entry.length === 0 || entry.length > 317) {
    throw errors.INVALID_INPUT({ case: 'required-label', field, value: entry });
  }
  checkPrintable(entry, field, 'required-label');
  const key = entry.split('=')[0];
  if (key === '') throw errors.INVALID_INPUT({ case: 'required-label-key', field, value: entry, problem: 'empty' });
  if (labelKeyProblem(key) !== undefined) throw errors.INVALID_INPUT({ case: 'required-label-key', field, value: entry, problem: 'reserved' });
  return entry;
}

function checkCreatorPattern(entry: unknown, field: string): string {
  if (typeof entry !== 'string' || entry.length === 0 || entry.length > 253) {
    throw errors.INVALID_INPUT({ case: 'creator-pattern', field, value: entry });
  }
  checkPrintable(entry, field, 'creator-pattern');
  return entry;
}

function checkQuotas(value: unknown): Quota[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_QUOTAS) {
    throw errors.INVALID_INPUT({ case: 'quotas-shape', max: MAX_QUOTAS });
  }
  const quotas = value.map((entry, i) => checkQuota(entry, `quotas[${i}]`));
  const names = new Set<string>();
  quotas.forEach((quota, i) => {
    if (names.has(quota.name)) throw errors.INVALID_INPUT({ case: 'quota-twice', index: i, name: quota.name });
    names.add(quota.name);
  });
  return quotas;
}

function checkQuota(value: unknown, field: string): Quota {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.INVALID_INPUT({ case: 'quota-shape', field });
  }
  const input = value as Record<string, unknown>;
  const known = policyFieldNames().quota;
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) throw errors.INVALID_INPUT({ case: 'quota-field', field, key, known });
  }
  const quota: Quota = {
    name: checkName(input.name, `${field}.name`),
    creators: input.creators === undefined ? '*' : checkCreatorPattern(input.creators, `${field}.creators`),
    per: oneOf(input.per, QUOTA_PERS, 'creator', `${field}.per`),
    scope: oneOf(input.scope, QUOTA_SCOPES, 'pool', `${field}.scope`),
  };
  if (input.maxAddresses !== undefined) {
    const text = typeof input.maxAddresses === 'number' && Number.isSafeInteger(input.maxAddresses) ? String(input.maxAddresses) : input.maxAddresses;
    if (typeof text !== 'string' || !/^(0|[1-9][0-9]{0,39})$/.test(text)) {
      throw errors.INVALID_INPUT({ case: 'quota-addresses', field, value: input.maxAddresses });
    }
    quota.maxAddresses = text;
  }
  if (input.maxBlocks !== undefined) {
    const n = input.maxBlocks;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw errors.INVALID_INPUT({ case: 'quota-blocks', field, value: n });
    }
    quota.maxBlocks = n;
  }
  if (quota.maxAddresses === undefined && quota.maxBlocks === undefined) {
    throw errors.INVALID_INPUT({ case: 'quota-limits-nothing', field, name: quota.name });
  }
  return quota;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw errors.INVALID_INPUT({ case: 'one-of', field, value, allowed });
  }
  return value as T;
}

/**
 * The labels a claim lacks: each required label ("team", "env=prod") it does not carry, or
 * carries with another value; an empty list when it has them all.
 */
export function missingLabels(policy: PoolPolicy, labels: Record<string, string> | undefined): MissingLabel[] {
  const missing: MissingLabel[] = [];
  for (const required of policy.requiredLabels ?? []) {
    const at = required.indexOf('=');
    const key = at < 0 ? required : required.slice(0, at);
    const value = at < 0 ? undefined : required.slice(at + 1);
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key);
    if (!has) missing.push(value === undefined ? { key } : { key, value });
    else if (value !== undefined && labels[key] !== value) missing.push({ key, value, has: labels[key] });
  }
  return missing;
}
