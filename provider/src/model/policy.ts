import { IpamError, quote } from '../errors';
import { checkName, checkPrintable, labelKeyProblem } from './validate';
import { POLICY_FIELDS, PoolPolicy, PoolPolicyUpdate, QUOTA_PERS, QUOTA_SCOPES, Quota, poolQuotaSchema } from './policy-types';

/** The fields of a policy and of a quota, in the order a refusal lists them. */
const POLICY_KEYS = Object.keys(POLICY_FIELDS) as (keyof PoolPolicy)[];
const QUOTA_KEYS = Object.keys(poolQuotaSchema.shape);

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
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new IpamError('INVALID_INPUT', 'policy: give an object with minPrefixLength, maxPrefixLength, requiredLabels, allowedCreators or quotas', 'policy');
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(POLICY_KEYS as string[]).includes(key)) throw new IpamError('INVALID_INPUT', `policy.${key}: not a policy field; use ${POLICY_KEYS.join(', ')}`, `policy.${key}`);
  }
  const policy: PoolPolicy = {};
  const length = (field: 'minPrefixLength' | 'maxPrefixLength') => {
    const v = input[field];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < poolPrefix || v > bits) {
      throw new IpamError('INVALID_PREFIX_LENGTH', `${field}: ${quote(v)} is not a prefix length for this pool; give a whole number from ${poolPrefix} to ${bits}`, field);
    }
    policy[field] = v;
  };
  length('minPrefixLength');
  length('maxPrefixLength');
  const { minPrefixLength: min, maxPrefixLength: max } = policy;
  if (min !== undefined && max !== undefined && min > max) {
    throw new IpamError('INVALID_PREFIX_LENGTH', `minPrefixLength: /${min} is longer than maxPrefixLength /${max}; the minimum is the largest block, so give a number no greater than ${max}`, 'minPrefixLength');
  }
  if (defaultPrefixLength !== undefined && ((min !== undefined && defaultPrefixLength < min) || (max !== undefined && defaultPrefixLength > max))) {
    throw new IpamError(
      'INVALID_PREFIX_LENGTH',
      `defaultPrefixLength: /${defaultPrefixLength} is outside the pool's allowed sizes ${sizeRange(policy, bits)}; give a default inside them`,
      'defaultPrefixLength',
    );
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
  return Object.fromEntries(POLICY_KEYS.map((field) => [field, policy?.[field] ?? null])) as PoolPolicyUpdate;
}

/** "/20 to /26", "/20 or longer", "/26 or shorter", "any size". */
export function sizeRange(policy: PoolPolicy, bits: number): string {
  const { minPrefixLength: min, maxPrefixLength: max } = policy;
  if (min !== undefined && max !== undefined) return min === max ? `/${min} only` : `/${min} to /${max}`;
  if (min !== undefined) return `/${min} to /${bits}`;
  if (max !== undefined) return `up to /${max}`;
  return 'of any size';
}

function checkPatterns(value: unknown, field: string, checkOne: (entry: string, field: string) => string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_PATTERNS) {
    throw new IpamError('INVALID_INPUT', `${field}: give a list of at most ${MAX_PATTERNS} strings`, field);
  }
  const entries = value.map((entry, i) => checkOne(entry as string, `${field}[${i}]`));
  return [...new Set(entries)].sort();
}

function checkRequiredLabel(entry: unknown, field: string): string {
  if (typeof entry !== 'string' || entry.length === 0 || entry.length > 317) {
    throw new IpamError('INVALID_INPUT', `${field}: ${quote(entry)} is not a required label; give a key ("team") or a key and its value ("env=prod")`, field);
  }
  checkPrintable(entry, field, 'a required label');
  const key = entry.split('=')[0];
  const problem = key === '' ? 'the label key is empty' : labelKeyProblem(key);
  if (problem !== undefined) throw new IpamError('INVALID_INPUT', `${field}: ${quote(entry)}: ${problem}`, field);
  return entry;
}

function checkCreatorPattern(entry: unknown, field: string): string {
  if (typeof entry !== 'string' || entry.length === 0 || entry.length > 253) {
    throw new IpamError(
      'INVALID_INPUT',
      `${field}: ${quote(entry)} is not a creator pattern; give a creator ("ci", "pulumi:acme/prod") or a pattern with * ("pulumi:acme/*", "k8s:team-a/*")`,
      field,
    );
  }
  checkPrintable(entry, field, 'a creator pattern');
  return entry;
}

function checkQuotas(value: unknown): Quota[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_QUOTAS) {
    throw new IpamError('INVALID_INPUT', `quotas: give a list of at most ${MAX_QUOTAS} quotas, each like {"name": "per-stack", "creators": "pulumi:*", "maxAddresses": "1024"}`, 'quotas');
  }
  const quotas = value.map((entry, i) => checkQuota(entry, `quotas[${i}]`));
  const names = new Set<string>();
  quotas.forEach((quota, i) => {
    if (names.has(quota.name)) throw new IpamError('INVALID_INPUT', `quotas[${i}].name: quota "${quota.name}" is given twice; give each quota its own name`, `quotas[${i}].name`);
    names.add(quota.name);
  });
  return quotas;
}

function checkQuota(value: unknown, field: string): Quota {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IpamError('INVALID_INPUT', `${field}: give an object like {"name": "per-stack", "creators": "pulumi:*", "maxAddresses": "1024"}`, field);
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!QUOTA_KEYS.includes(key)) throw new IpamError('INVALID_INPUT', `${field}.${key}: not a quota field; use ${QUOTA_KEYS.join(', ')}`, `${field}.${key}`);
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
      throw new IpamError('INVALID_INPUT', `${field}.maxAddresses: ${quote(input.maxAddresses)} is not a number of addresses; give a whole number like "1024"`, `${field}.maxAddresses`);
    }
    quota.maxAddresses = text;
  }
  if (input.maxBlocks !== undefined) {
    const n = input.maxBlocks;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new IpamError('INVALID_INPUT', `${field}.maxBlocks: ${quote(n)} is not a number of blocks; give a whole number from 0`, `${field}.maxBlocks`);
    }
    quota.maxBlocks = n;
  }
  if (quota.maxAddresses === undefined && quota.maxBlocks === undefined) {
    throw new IpamError('INVALID_INPUT', `${field}: quota "${quota.name}" limits nothing; give maxAddresses, maxBlocks or both`, field);
  }
  return quota;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new IpamError('INVALID_INPUT', `${field}: ${quote(value)} is not one of ${allowed.map((a) => `"${a}"`).join(', ')}`, field);
  }
  return value as T;
}

/**
 * The labels a claim lacks: each required label ("team", "env=prod") it does not carry, in words
 * (`label "env" = "prod"`), or an empty list.
 */
export function missingLabels(policy: PoolPolicy, labels: Record<string, string> | undefined): string[] {
  const missing: string[] = [];
  for (const required of policy.requiredLabels ?? []) {
    const at = required.indexOf('=');
    const key = at < 0 ? required : required.slice(0, at);
    const value = at < 0 ? undefined : required.slice(at + 1);
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key);
    if (!has) missing.push(value === undefined ? `label "${key}"` : `label "${key}" = "${value}"`);
    else if (value !== undefined && labels[key] !== value) missing.push(`label "${key}" = "${value}" (it has "${labels[key]}")`);
  }
  return missing;
}
