import { LedgerAllocation, PoolLedger } from '../allocator/pool-ledger';
import { IpamError, errors, isIpamError, noPoolTakes } from '../errors';
import { AllocateInput, CreatePoolInput, SelectorAllocateInput } from '../model/api';
import { creatorMatches, missingLabels } from '../model/policy';
import { PoolPolicy, Quota, QuotaUsage } from '../model/policy-types';
import { PoolRecord } from '../model/records';
import { formatSelector, matchesSelector, parseSelector } from '../model/selector';
import { checkName, checkOwner } from '../model/validate';
import { bitsOf, parseCidr, sizeOf } from '../net/cidr';
import { allocateIn } from './allocation-ops';
import { creatorFor } from './creators';
import { createPool } from './pool-ops';
import { SpaceState } from './space-state';
import { SpaceTx } from './space-tx';

/**
 * Pool policy where it needs the space's state: allocation rules and quotas around an
 * allocation or the carving of a child pool, and the choice of a pool by its labels. All of it
 * runs inside the operation the engine decides against the space (engine-core.ts), so usage is
 * counted in the same compare-and-swap commit that grants the block: two clients racing for the
 * last of a quota are decided one after the other, never both against the same stale count.
 *
 * Order of the checks: the pool's rules first (allowed creators, block size, required labels),
 * which need no state and refuse before anything is chosen; then the allocation itself (which
 * may find the pool full); then the quotas, counted on the state with the new block in it. A
 * request that grows nobody's usage (an owner that already holds its block, or takes back its
 * released one) is never refused by a quota, even one lowered below what it holds.
 */

/** IpamApi.allocate with the pool's rules and the quotas that bind it. */
export function allocateWithPolicy(tx: SpaceTx, input: AllocateInput): LedgerAllocation {
  const ledger = tx.pool(checkName(input.pool, 'pool'));
  const owner = checkOwner(input.owner);
  const held = ledger.allocations.get(owner);
  const creator = held?.record.creator ?? creatorFor(input, tx.actor);
  const quotas = bindingQuotas(tx.state, ledger, creator);
  const policy = ledger.record.policy;
  if (policy === undefined && quotas.length === 0) return allocateIn(tx, ledger, owner, input, held);
  if (held?.record.status !== 'allocated' && policy !== undefined) {
    const prefixLength = (input.kind ?? 'prefix') === 'host' ? undefined : (input.prefixLength ?? prefixOf(input.cidr) ?? ledger.record.defaultPrefixLength);
    checkRules(tx, ledger.record, policy, { creator, prefixLength, labels: input.labels });
  }
  return withinQuotas(tx, quotas, creator, () => allocateIn(tx, ledger, owner, input, held), (entry) => entry.record.cidr);
}

/** createPool, where a child pool carved from a parent (a claim asPool) is held to the parent's rules and quotas. */
export function createPoolWithPolicy(tx: SpaceTx, input: CreatePoolInput): PoolRecord {
  const parent = input.parent === undefined ? undefined : tx.state.ledger(input.parent);
  if (parent === undefined || tx.state.ledger(input.name) !== undefined) return createPool(tx, input);
  const creator = creatorFor(input, tx.actor);
  const quotas = bindingQuotas(tx.state, parent, creator);
  const policy = parent.record.policy;
  if (policy !== undefined) checkRules(tx, parent.record, policy, { creator, prefixLength: input.prefixLength ?? prefixOf(input.cidr), labels: input.labels });
  return withinQuotas(tx, quotas, creator, () => createPool(tx, input), (record) => record.cidr);
}

/**
 * Allocates from a pool chosen by its labels. Candidates are the pools (not slices) whose labels
 * match, tried in this order until one grants the request:
 *   1. the pool where the owner already holds a live block, then one where it holds a released
 *      block in its grace period (so a retry or a return finds its block, never a second one);
 *   2. the highest "priority" label (a whole number; absent or not a number counts as 0);
 *   3. the most free addresses (spreads claims over equal pools);
 *   4. the pool name.
 * A pool that refuses (full, a rule, a quota) passes the request to the next; when all refuse,
 * the error names each pool and why.
 */
export function allocateBySelector(tx: SpaceTx, input: SelectorAllocateInput): LedgerAllocation {
  const requirements = parseSelector(input.poolSelector);
  const selector = formatSelector(requirements);
  const owner = checkOwner(input.owner);
  const { poolSelector: _, ...request } = input;
  const matching = [...tx.state.pools.values()].filter((l) => l.record.kind === 'pool' && matchesSelector(requirements, l.record.labels));
  if (matching.length === 0) throw errors.NO_MATCHING_POOL({ space: tx.space, selector });
  const refusals: { pool: string; error: IpamError }[] = [];
  for (const ledger of candidateOrder(matching, owner, tx.nowMs)) {
    const outcome = tentatively(tx, () => allocateWithPolicy(tx, { ...request, pool: ledger.record.name }));
    if (outcome.ok) return outcome.value;
    if (!PASSES_ON.has(outcome.error.code)) throw outcome.error;
    refusals.push({ pool: ledger.record.name, error: outcome.error });
  }
  if (refusals.length === 1) throw refusals[0].error;
  throw noPoolTakes(selector, refusals);
}

/** Refusals that are about one pool, so the next matching pool may still grant the request. */
const PASSES_ON = new Set([
  'POOL_EXHAUSTED',
  'CIDR_UNAVAILABLE',
  'RESERVED_ADDRESS',
  'OUTSIDE_POOL',
  'FAMILY_MISMATCH',
  'INVALID_PREFIX_LENGTH',
  'OWNER_CONFLICT',
  'CREATOR_MISMATCH',
  'POLICY_PREFIX_LENGTH',
  'POLICY_LABEL_MISSING',
  'POLICY_CREATOR_NOT_ALLOWED',
  'QUOTA_EXCEEDED',
]);

function candidateOrder(pools: PoolLedger[], owner: string, nowMs: number): PoolLedger[] {
  const holding = (l: PoolLedger): number => {
    const record = l.allocations.get(owner)?.record;
    if (record === undefined) return 2;
    return record.status === 'allocated' ? 0 : l.isExpired(record, nowMs) ? 2 : 1;
  };
  const keyed = pools.map((l) => {
    l.advance(nowMs);
    return { l, holding: holding(l), priority: priorityOf(l.record), free: l.grantable.freeAddresses };
  });
  keyed.sort((a, b) => a.holding - b.holding || b.priority - a.priority || (a.free > b.free ? -1 : a.free < b.free ? 1 : 0) || (a.l.record.name < b.l.record.name ? -1 : 1));
  return keyed.map((k) => k.l);
}

function priorityOf(record: PoolRecord): number {
  const text = record.labels?.priority;
  return text !== undefined && /^-?[0-9]{1,9}$/.test(text) ? Number(text) : 0;
}

/** Runs `fn` as part of the operation, undoing its changes to the state and its writes if it throws an IpamError. */
function tentatively<T>(tx: SpaceTx, fn: () => T): { ok: true; value: T } | { ok: false; error: IpamError } {
  const [mark, writes, audit] = [tx.state.mark(), tx.writes.length, tx.audit.length];
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    tx.state.rollbackTo(mark);
    tx.writes.length = writes;
    tx.audit.length = audit;
    if (!isIpamError(error)) throw error;
    return { ok: false, error };
  }
}

interface RuleRequest {
  creator: string;
  prefixLength?: number;
  labels?: Record<string, string>;
}

function checkRules(tx: SpaceTx, pool: PoolRecord, policy: PoolPolicy, request: RuleRequest): void {
  const where = { pool: pool.name, space: tx.space };
  const allowed = policy.allowedCreators;
  if (allowed !== undefined && !allowed.some((pattern) => creatorMatches(pattern, request.creator))) {
    throw errors.POLICY_CREATOR_NOT_ALLOWED({ ...where, allowed, creator: request.creator });
  }
  const { minPrefixLength: min, maxPrefixLength: max } = policy;
  const prefixLength = request.prefixLength;
  if (prefixLength !== undefined && Number.isInteger(prefixLength)) {
    const rule = { min, max, bits: bitsOf(parseCidr(pool.cidr).family) };
    if (min !== undefined && prefixLength < min) throw errors.POLICY_PREFIX_LENGTH({ case: 'too-large', ...where, prefixLength, min, rule });
    if (max !== undefined && prefixLength > max) throw errors.POLICY_PREFIX_LENGTH({ case: 'too-small', ...where, prefixLength, max, rule });
  }
  const missing = missingLabels(policy, request.labels);
  if (missing.length > 0) throw errors.POLICY_LABEL_MISSING({ ...where, required: policy.requiredLabels!, missing });
}

function prefixOf(cidr: string | undefined): number | undefined {
  return cidr === undefined ? undefined : parseCidr(cidr, 'cidr').prefix;
}

interface Binding {
  quota: Quota;
  /** The pool that declares it. */
  pool: PoolLedger;
  /** For a pool quota, the pool it counts. */
  counted?: PoolLedger;
  holds: (creator: string | undefined) => boolean;
}

/**
 * The quotas that bind `creator` allocating in `ledger`: the pool's own, and every space quota of
 * the space. Runs for every allocation, so it makes nothing (no closure, no array) until a quota
 * binds: most spaces have none.
 */
function bindingQuotas(state: SpaceState, ledger: PoolLedger, creator: string): readonly Binding[] {
  let bindings: Binding[] | undefined;
  for (const quota of ledger.record.policy?.quotas ?? NO_QUOTAS) {
    if (quota.scope === 'pool' && creatorMatches(quota.creators, creator)) (bindings ??= []).push(bindingOf(ledger, quota, creator, ledger));
  }
  for (const pool of state.pools.values()) {
    const quotas = pool.record.policy?.quotas;
    if (quotas === undefined) continue;
    for (const quota of quotas) {
      if (quota.scope === 'space' && creatorMatches(quota.creators, creator)) (bindings ??= []).push(bindingOf(pool, quota, creator));
    }
  }
  return bindings ?? NO_BINDINGS;
}

const NO_QUOTAS: readonly Quota[] = [];
const NO_BINDINGS: readonly Binding[] = [];

function bindingOf(pool: PoolLedger, quota: Quota, creator: string, counted?: PoolLedger): Binding {
  const holds = quota.per === 'group' ? (c: string | undefined) => c !== undefined && creatorMatches(quota.creators, c) : (c: string | undefined) => c === creator;
  return { quota, pool, counted, holds };
}

interface Usage {
  addresses: bigint;
  blocks: number;
}

/**
 * What the holders hold in `ledger`: live allocations (the ledger keeps them by creator),
 * released ones still in their grace period, and child pools they carved. No pass over the
 * allocations: a quota costs the same in a pool of ten blocks as in one of a million.
 */
function addUsageIn(state: SpaceState, ledger: PoolLedger, holds: Binding['holds'], nowMs: number, usage: Usage): void {
  ledger.advance(nowMs);
  for (const [creator, live] of ledger.liveByCreator) {
    if (!holds(creator)) continue;
    usage.addresses += live.addresses;
    usage.blocks += live.blocks;
  }
  for (const { record, block } of ledger.inGrace()) {
    if (!holds(record.creator)) continue;
    usage.addresses += sizeOf(block);
    usage.blocks += 1;
  }
  for (const [name, cidr] of ledger.children) {
    if (!holds(state.pools.get(name)?.record.creator)) continue;
    usage.addresses += sizeOf(cidr);
    usage.blocks += 1;
  }
}

/** Whether the pool, or a pool it is nested in, is a child pool the holders carved (its whole block already counts). */
function carvedBy(state: SpaceState, ledger: PoolLedger, holds: Binding['holds']): boolean {
  for (let pool: PoolLedger | undefined = ledger; pool?.record.parent !== undefined; pool = state.pools.get(pool.record.parent)) {
    if (holds(pool.record.creator)) return true;
  }
  return false;
}

/**
 * A pool quota counts its pool (even one the holder carved: its blocks inside it). A space
 * quota counts every pool, but nothing inside a child pool the holder carved counts twice.
 */
function usageOf(state: SpaceState, binding: Binding, nowMs: number): Usage {
  const usage: Usage = { addresses: 0n, blocks: 0 };
  if (binding.counted !== undefined) {
    addUsageIn(state, binding.counted, binding.holds, nowMs, usage);
    return usage;
  }
  for (const ledger of state.pools.values()) {
    if (ledger.record.kind === 'pool' && !carvedBy(state, ledger, binding.holds)) addUsageIn(state, ledger, binding.holds, nowMs, usage);
  }
  return usage;
}

function over(quota: Quota, usage: Usage): boolean {
  return (quota.maxAddresses !== undefined && usage.addresses > BigInt(quota.maxAddresses)) || (quota.maxBlocks !== undefined && usage.blocks > quota.maxBlocks);
}

/**
 * Runs the operation, then counts each binding quota on the state with its result in it: a
 * quota the operation pushed over (usage grew past the allowance) refuses it, and the engine
 * undoes it. `granted` names what the operation took, for the message.
 */
function withinQuotas<T>(tx: SpaceTx, bindings: readonly Binding[], creator: string, operation: () => T, granted: (result: T) => string): T {
  if (bindings.length === 0) return operation();
  const before = bindings.map((b) => usageOf(tx.state, b, tx.nowMs));
  const writes = tx.writes.length;
  const result = operation();
  if (tx.writes.length === writes) return result; // nothing new was granted
  bindings.forEach((binding, i) => {
    const after = usageOf(tx.state, binding, tx.nowMs);
    const grew = after.addresses > before[i].addresses || after.blocks > before[i].blocks;
    if (grew && over(binding.quota, after)) throw quotaExceeded(tx, binding, creator, before[i], after, granted(result));
  });
  return result;
}

function quotaExceeded(tx: SpaceTx, binding: Binding, creator: string, before: Usage, after: Usage, block: string): IpamError {
  const { quota } = binding;
  const pool = binding.pool.record.name;
  return errors.QUOTA_EXCEEDED({
    quota: quota.name,
    pool,
    holder: quota.per === 'group' ? { per: 'group', creators: quota.creators, creator } : { per: 'creator', creator },
    where: quota.scope === 'pool' ? { scope: 'pool', pool } : { scope: 'space', space: tx.space },
    limits: { maxAddresses: quota.maxAddresses, maxBlocks: quota.maxBlocks },
    held: before,
    block,
    adds: after.addresses - before.addresses,
  });
}

/** Usage of every holder against every quota that binds the pool, for `ipam pool show` and the HTTP API. */
export function quotaUsageOf(tx: SpaceTx, ledger: PoolLedger): QuotaUsage[] | undefined {
  const declared: [PoolLedger, Quota][] = [];
  for (const quota of ledger.record.policy?.quotas ?? []) if (quota.scope === 'pool') declared.push([ledger, quota]);
  for (const pool of tx.state.pools.values()) for (const quota of pool.record.policy?.quotas ?? []) if (quota.scope === 'space') declared.push([pool, quota]);
  if (declared.length === 0) return undefined;
  const creators = creatorsIn(tx.state, ledger, tx.nowMs);
  const rows: QuotaUsage[] = [];
  for (const [pool, quota] of declared) {
    const holders = quota.per === 'group' ? [creators.find((c) => creatorMatches(quota.creators, c))].filter((c) => c !== undefined) : creators.filter((c) => creatorMatches(quota.creators, c));
    for (const creator of holders) {
      const binding = bindingQuotas(tx.state, ledger, creator).find((b) => b.quota === quota)!;
      const usage = usageOf(tx.state, binding, tx.nowMs);
      if (usage.blocks === 0) continue;
      const row: QuotaUsage = { quota: quota.name, pool: pool.record.name, scope: quota.scope, holder: quota.per === 'group' ? quota.creators : creator, addresses: usage.addresses.toString(), blocks: usage.blocks };
      if (quota.maxAddresses !== undefined) row.maxAddresses = quota.maxAddresses;
      if (quota.maxBlocks !== undefined) row.maxBlocks = quota.maxBlocks;
      rows.push(row);
    }
  }
  return rows;
}

/** Every creator holding something in the pool, or (for space quotas) anywhere in the space, sorted. */
function creatorsIn(state: SpaceState, ledger: PoolLedger, nowMs: number): string[] {
  const found = new Set<string>();
  const spaceWide = [...state.pools.values()].some((p) => p.record.policy?.quotas?.some((q) => q.scope === 'space'));
  for (const pool of spaceWide ? state.pools.values() : [ledger]) {
    pool.advance(nowMs);
    for (const creator of pool.liveByCreator.keys()) found.add(creator);
    for (const { record } of pool.inGrace()) if (record.creator !== undefined) found.add(record.creator);
    for (const name of pool.children.keys()) {
      const creator = state.pools.get(name)?.record.creator;
      if (creator !== undefined) found.add(creator);
    }
  }
  return [...found].sort();
}
