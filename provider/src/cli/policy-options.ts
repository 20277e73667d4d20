import { PoolInfo } from '../model/api';
import { PoolPolicyInput, PoolPolicyUpdate, QuotaInput } from '../model/policy-types';
import { OptionSpec, UsageError, parseInteger } from './args';
import type { CommandContext } from './command';

/**
 * Pool policy on the `ipam` command line: the options of `pool create` and `pool update` that
 * set a pool's allocation rules and quotas, `alloc --selector`, and the lines `pool show`
 * prints about them (usage against each quota included).
 */
export const POLICY_OPTIONS: Record<string, OptionSpec> = {
  'min-prefix': { type: 'value', valueName: 'N', help: 'rule: shortest prefix a claim may ask for (its largest block)' },
  'max-prefix': { type: 'value', valueName: 'N', help: 'rule: longest prefix a claim may ask for (its smallest block)' },
  'require-label': { type: 'list', valueName: 'KEY[=VALUE]', help: 'rule: a label every claim must carry (repeatable)' },
  'allow-creator': { type: 'list', valueName: 'PATTERN', help: 'rule: creators that may allocate, * as wildcard: pulumi:acme/*, ci, k8s:team-a/* (repeatable)' },
  quota: {
    type: 'list',
    valueName: 'SPEC',
    help: 'a quota: name=N,creators=PATTERN,max-addresses=A,max-blocks=B[,per=creator|group][,scope=pool|space] (repeatable; replaces the quotas)',
  },
  'clear-policy': { type: 'flag', help: 'remove every rule and quota of the pool' },
  selector: { type: 'value', valueName: 'LABELS', help: 'allocate from a pool chosen by its labels: zone=a,env in (prod,staging)' },
};

export const POLICY_OPTION_NAMES = ['min-prefix', 'max-prefix', 'require-label', 'allow-creator', 'quota'];

const QUOTA_KEYS: Record<string, keyof QuotaInput> = {
  name: 'name',
  creators: 'creators',
  'max-addresses': 'maxAddresses',
  'max-blocks': 'maxBlocks',
  per: 'per',
  scope: 'scope',
};

/** `name=per-stack,creators=pulumi:*,max-addresses=1024`: one quota. */
function parseQuota(spec: string): QuotaInput {
  const quota: Record<string, string | number> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const key = QUOTA_KEYS[part.slice(0, eq).trim()];
    if (eq <= 0 || key === undefined) {
      throw new UsageError(`--quota: "${part}" is not one of ${Object.keys(QUOTA_KEYS).map((k) => `${k}=...`).join(', ')}`);
    }
    const value = part.slice(eq + 1).trim();
    quota[key] = key === 'maxBlocks' ? parseInteger(value, 'quota max-blocks') : value;
  }
  return quota as unknown as QuotaInput;
}

/** The policy fields the options give (absent ones left out). */
function givenPolicy(ctx: CommandContext): PoolPolicyInput {
  const o = ctx.options;
  const policy: PoolPolicyInput = {};
  if (o['min-prefix'] !== undefined) policy.minPrefixLength = parseInteger(o['min-prefix'] as string, 'min-prefix');
  if (o['max-prefix'] !== undefined) policy.maxPrefixLength = parseInteger(o['max-prefix'] as string, 'max-prefix');
  if (o['require-label'] !== undefined) policy.requiredLabels = o['require-label'] as string[];
  if (o['allow-creator'] !== undefined) policy.allowedCreators = o['allow-creator'] as string[];
  if (o.quota !== undefined) policy.quotas = (o.quota as string[]).map(parseQuota);
  return policy;
}

/** For `pool create`: the new pool's policy, if any option gives one. */
export function newPolicy(ctx: CommandContext): PoolPolicyInput | undefined {
  const policy = givenPolicy(ctx);
  return Object.keys(policy).length === 0 ? undefined : policy;
}

/** For `pool update`: the fields given replace the pool's; --clear-policy removes them all. */
export function policyUpdate(ctx: CommandContext): PoolPolicyUpdate | null | undefined {
  const given = newPolicy(ctx);
  if (ctx.options['clear-policy'] === true) {
    if (given !== undefined) throw new UsageError('give --clear-policy or rule and quota options, not both');
    return null;
  }
  return given;
}

/** The lines of `pool show` about the pool's rules and its quotas' usage. */
export function policyRows(p: PoolInfo): [string, string][] {
  const policy = p.policy;
  const rows: [string, string][] = [];
  if (policy?.minPrefixLength !== undefined || policy?.maxPrefixLength !== undefined) {
    rows.push(['Block sizes', `/${policy.minPrefixLength ?? p.facts.prefixLength} to /${policy.maxPrefixLength ?? (p.family === 4 ? 32 : 128)}`]);
  }
  if (policy?.requiredLabels !== undefined) rows.push(['Required labels', policy.requiredLabels.join(', ')]);
  if (policy?.allowedCreators !== undefined) rows.push(['Allowed creators', policy.allowedCreators.join(', ')]);
  for (const q of policy?.quotas ?? []) {
    const limits = [q.maxAddresses === undefined ? undefined : `${q.maxAddresses} addresses`, q.maxBlocks === undefined ? undefined : `${q.maxBlocks} blocks`].filter((l) => l !== undefined);
    rows.push([`Quota ${q.name}`, `${limits.join(', ')} ${q.per === 'group' ? 'together for' : 'each for'} creators matching "${q.creators}", in the ${q.scope}`]);
  }
  for (const u of p.quotaUsage ?? []) {
    const of = [u.maxAddresses === undefined ? undefined : `${u.addresses} of ${u.maxAddresses} addresses`, u.maxBlocks === undefined ? undefined : `${u.blocks} of ${u.maxBlocks} blocks`];
    rows.push([`Usage ${u.quota}`, `${u.holder}: ${of.filter((x) => x !== undefined).join(', ')}${u.pool === p.name ? '' : ` (quota of pool "${u.pool}")`}`]);
  }
  return rows;
}
