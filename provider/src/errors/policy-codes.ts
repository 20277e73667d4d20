import { at, cases, entry, plain } from './define';
import { SizeRule, sizesOf } from './policy-cases';

/**
 * What a pool's policy refuses (engine/policy-ops.ts): its allocation rules (422: the request is
 * understood, and the pool's owner has ruled it out), its quotas (409: the state says no, and
 * may say yes after a release), and a pool selector no pool matches. Each message names the rule
 * or quota and the pool.
 */

/** A label a claim lacks: absent, or present with another value than the one required. */
export interface MissingLabel {
  key: string;
  /** The value required ("env=prod"); none when any value will do ("team"). */
  value?: string;
  /** The value the claim has instead. */
  has?: string;
}
function missingText(m: MissingLabel): string {
  if (m.value === undefined) return `label "${m.key}"`;
  return `label "${m.key}" = "${m.value}"${m.has === undefined ? '' : ` (it has "${m.has}")`}`;
}

/** The pool a rule belongs to, as the rules' messages name it. */
export interface RulePool {
  pool: string;
  space: string;
}
const wherePool = (p: RulePool) => `pool "${p.pool}" in address space "${p.space}"`;

/** Who a quota counts: one creator, or every creator matching its pattern together. */
export type QuotaHolder = { per: 'creator'; creator: string } | { per: 'group'; creators: string; creator: string };

/** Where a quota counts: in the pool that declares it, or in the whole address space. */
export type QuotaScope = { scope: 'pool'; pool: string } | { scope: 'space'; space: string };

const blocks = (n: number): string => `${n} block${n === 1 ? '' : 's'}`;

export const POLICY_CODES = {
  POLICY_PREFIX_LENGTH: entry(
    422,
    "Block size outside the pool's allocation rules",
    cases({
      /** Shorter than minPrefixLength: a larger block than the pool hands out. */
      'too-large': (p: RulePool & { prefixLength: number; min: number; rule: SizeRule }) =>
        at(
          'prefixLength',
          `a /${p.prefixLength} is larger than ${wherePool(p)} hands out: its rule minPrefixLength is ${p.min} (blocks ${sizesOf(p.rule)}); ask for /${p.min} or a longer prefix`,
        ),
      /** Longer than maxPrefixLength: a smaller block than the pool hands out. */
      'too-small': (p: RulePool & { prefixLength: number; max: number; rule: SizeRule }) =>
        at(
          'prefixLength',
          `a /${p.prefixLength} is smaller than ${wherePool(p)} hands out: its rule maxPrefixLength is ${p.max} (blocks ${sizesOf(p.rule)}); ask for /${p.max} or a shorter prefix`,
        ),
    }),
  ),
  POLICY_LABEL_MISSING: entry(422, 'Claim lacks a label the pool requires', (p: RulePool & { required: readonly string[]; missing: readonly MissingLabel[] }) =>
    at(
      'labels',
      `${wherePool(p)} requires ${p.required.map((l) => `"${l}"`).join(', ')} on every claim (its rule requiredLabels), and this claim lacks ${p.missing.map(missingText).join(', ')}; ` +
        "add the label to the claim's labels",
    ),
  ),
  POLICY_CREATOR_NOT_ALLOWED: entry(422, 'Creator may not allocate from this pool', (p: RulePool & { allowed: readonly string[]; creator: string }) =>
    at(
      'creator',
      `${wherePool(p)} lets only creators matching ${p.allowed.map((a) => `"${a}"`).join(', ')} allocate (its rule allowedCreators), and ${p.creator} is not one of them; ` +
        'claim from another pool, or ask whoever manages the pool to add you to allowedCreators',
    ),
  ),
  QUOTA_EXCEEDED: entry(
    409,
    'Quota exceeded',
    (p: {
      quota: string;
      /** The pool that declares the quota. */
      pool: string;
      holder: QuotaHolder;
      where: QuotaScope;
      limits: { maxAddresses?: string; maxBlocks?: number };
      /** What the holder held before this request. */
      held: { addresses: bigint; blocks: number };
      block: string;
      adds: bigint;
    }) => {
      const allows = [p.limits.maxAddresses === undefined ? undefined : `${p.limits.maxAddresses} addresses`, p.limits.maxBlocks === undefined ? undefined : blocks(p.limits.maxBlocks)]
        .filter((l) => l !== undefined)
        .join(' and ');
      const holder = p.holder.per === 'group' ? `the creators matching "${p.holder.creators}" (together; ${p.holder.creator} is one)` : p.holder.creator;
      const scope = p.where.scope === 'pool' ? `in pool "${p.where.pool}"` : `in address space "${p.where.space}"`;
      return plain(
        `quota "${p.quota}" of pool "${p.pool}" allows ${holder} at most ${allows} ${scope}; ` +
          `${p.holder.per === 'group' ? 'they hold' : 'it holds'} ${p.held.addresses} addresses in ${blocks(p.held.blocks)}, and ${p.block} would add ${p.adds} addresses. ` +
          'Release blocks no longer needed (released blocks count until their grace period ends), ask for a smaller block, or ask whoever manages the pool to raise the quota',
        'creator',
      );
    },
  ),
  NO_MATCHING_POOL: entry(404, 'No pool matches the selector', (p: { space: string; selector: string }) =>
    at('poolSelector', `no pool in address space "${p.space}" has labels matching "${p.selector}"`, { kind: 'label-pool', space: p.space, selector: p.selector }),
  ),
} as const;
