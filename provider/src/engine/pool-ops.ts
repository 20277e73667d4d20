import { checkPrefixMatchesCidr, planBlock } from '../allocator/allocate';
import { PoolLedger } from '../allocator/pool-ledger';
import { ChildOnlyField, Subject, errors } from '../errors';
import { ActingFor, CreatePoolInput, UpdatePoolInput } from '../model/api';
import { PoolKind, PoolRecord } from '../model/records';
import { Cidr, bitsOf, formatCidr, overlaps, parseCidr } from '../net/cidr';
import { assertCreator, creatorFor } from './creators';
import { checkPolicy, mergePolicy } from '../model/policy';
import { SpaceTx } from './space-tx';
import {
  checkCidrWithin,
  checkDescription,
  checkGateway,
  checkGracePeriod,
  checkLabels,
  checkName,
  checkOwner,
  checkPrefixLength,
  checkReserved,
  checkStrategy,
} from '../model/validate';

/**
 * Creates a pool: a root pool of the space, or a child carved from its parent (a given CIDR, or
 * the next block of `prefixLength` by the parent's strategy). Creating a pool that exists with
 * the same definition returns it, so a retried create never fails or duplicates.
 */
export function createPool(tx: SpaceTx, input: CreatePoolInput, kind: PoolKind = 'pool'): PoolRecord {
  const name = checkName(input.name, 'name');
  const parent = input.parent === undefined ? undefined : tx.pool(checkName(input.parent, 'parent'), 'parent');
  if (parent === undefined) refuseChildOnlyFields(input);
  else if (input.cidr !== undefined && input.prefixLength !== undefined) checkPrefixMatchesCidr(input.prefixLength, checkCidrWithin(input.cidr, 'cidr'));
  const owner = input.owner === undefined ? undefined : checkOwner(input.owner);
  const existing = tx.state.ledger(name);
  if (existing !== undefined) {
    assertCreator(existing.record, input, 'adopt', subjectOf(tx, existing.record));
    return sameOrConflict(tx.space, existing, input, parent, kind, owner);
  }

  let cidr: Cidr;
  if (parent === undefined) {
    if (input.cidr === undefined) {
      throw errors.INVALID_CIDR({ case: 'root-needs-cidr' });
    }
    cidr = checkCidrWithin(input.cidr, 'cidr');
    checkNoRootOverlap(tx, cidr, kind);
  } else {
    if (input.cidr === undefined && input.prefixLength === undefined) {
      throw errors.INVALID_PREFIX_LENGTH({ case: 'child-size', parent: parent.record.name });
    }
    const specific = input.cidr === undefined ? undefined : checkCidrWithin(input.cidr, 'cidr');
    const prefixLength = specific?.prefix ?? checkPrefixLength(input.prefixLength, 'prefixLength', parent.cidr);
    const prefer = input.prefer === undefined ? undefined : checkCidrWithin(input.prefer, 'prefer');
    const chosen = planBlock(parent, { kind: 'prefix', prefixLength, cidr: specific, prefer }, tx.nowMs);
    for (const reclaimed of chosen.reclaim) tx.removeAllocation(parent.record.name, reclaimed, 'reclaim');
    cidr = chosen.block;
  }
  const record = buildRecord(input, name, cidr, kind, tx.now);
  if (parent !== undefined) record.parent = parent.record.name;
  if (owner !== undefined) record.owner = owner;
  record.creator = creatorFor(input, tx.actor);
  tx.savePool(record, 'create-pool');
  return record;
}

export function updatePool(tx: SpaceTx, input: UpdatePoolInput): PoolRecord {
  const ledger = tx.pool(checkName(input.pool, 'pool'));
  const old = ledger.record;
  const next: PoolRecord = structuredClone(old);
  if (input.strategy !== undefined) next.strategy = checkStrategy(input.strategy);
  if (input.gracePeriodSeconds !== undefined) next.gracePeriodSeconds = checkGracePeriod(input.gracePeriodSeconds);
  if (input.defaultPrefixLength !== undefined) {
    if (input.defaultPrefixLength === null) delete next.defaultPrefixLength;
    else next.defaultPrefixLength = checkPrefixLength(input.defaultPrefixLength, 'defaultPrefixLength', ledger.cidr);
  }
  if (input.gateway !== undefined) {
    const gateway = checkGateway(input.gateway, ledger.cidr);
    if (gateway === undefined) delete next.gateway;
    else next.gateway = gateway;
  }
  if (input.reserved !== undefined) next.reserved = checkReserved(input.reserved, ledger.cidr);
  if (input.description !== undefined) setOptional(next, 'description', checkDescription(input.description));
  if (input.labels !== undefined) setOptional(next, 'labels', checkLabels(input.labels));
  if (input.policy !== undefined || input.defaultPrefixLength !== undefined) updatePolicy(next, input.policy, ledger.cidr);
  checkNewReservationsFree(ledger, next);
  if (JSON.stringify(next) === JSON.stringify(old)) return old;
  // Asking for what is already there is no change, so a stack that shares the pool may.
  assertCreator(old, input, 'change', subjectOf(tx, old));
  tx.savePool(next, 'update-pool');
  return next;
}

/** Deletes a pool; refused while it has child pools or live allocations, naming them, or when another creator made it. */
export function deletePool(tx: SpaceTx, name: string, request: ActingFor = {}): void {
  const ledger = tx.pool(checkName(name, 'pool'));
  assertCreator(ledger.record, request, 'delete', subjectOf(tx, ledger.record));
  if (ledger.children.size > 0) {
    const children = [...ledger.children].map(([child, cidr]) => ({ name: child, cidr: formatCidr(cidr) }));
    throw errors.POOL_IN_USE({ case: 'children', pool: name, children });
  }
  const held = ledger.inAddressOrder();
  const live = held.filter((a) => a.record.status === 'allocated');
  if (live.length > 0) {
    throw errors.POOL_IN_USE({ case: 'allocations', pool: name, live: live.map((a) => a.record) });
  }
  for (const { owner } of held) tx.removeAllocation(name, owner, 'delete-pool');
  tx.removePool(name);
}

/** The record of a new pool from its definition, every field checked (shared with import-ops). */
export function buildRecord(input: CreatePoolInput, name: string, cidr: Cidr, kind: PoolKind, now: string): PoolRecord {
  const record: PoolRecord = {
    name,
    cidr: formatCidr(cidr),
    strategy: checkStrategy(input.strategy),
    reserved: checkReserved(input.reserved, cidr),
    gracePeriodSeconds: checkGracePeriod(input.gracePeriodSeconds),
    kind,
    createdAt: now,
  };
  const gateway = checkGateway(input.gateway, cidr);
  if (gateway !== undefined) record.gateway = gateway;
  if (input.defaultPrefixLength !== undefined) {
    record.defaultPrefixLength = checkPrefixLength(input.defaultPrefixLength, 'defaultPrefixLength', cidr);
  }
  setOptional(record, 'description', checkDescription(input.description));
  setOptional(record, 'labels', checkLabels(input.labels));
  const policy = checkPolicy(input.policy, cidr.prefix, bitsOf(cidr.family), record.defaultPrefixLength);
  if (policy !== undefined) record.policy = policy;
  return record;
}

/** A create of an existing pool: the same request returns it; anything else is a conflict. */
function sameOrConflict(space: string, existing: PoolLedger, input: CreatePoolInput, parent: PoolLedger | undefined, kind: PoolKind, owner?: string): PoolRecord {
  const old = existing.record;
  const carved = input.cidr === undefined && parent !== undefined;
  const sameBlock = carved
    ? (input.prefixLength === undefined || input.prefixLength === existing.cidr.prefix) && (owner === undefined || owner === old.owner)
    : input.cidr !== undefined && formatCidr(checkCidrWithin(input.cidr, 'cidr')) === old.cidr;
  if (sameBlock && old.parent === parent?.record.name && old.kind === kind) {
    const wanted = buildRecord(input, old.name, existing.cidr, kind, old.createdAt);
    if (definition(wanted) === definition(old)) return old;
  }
  throw errors.POOL_EXISTS({ case: 'pool', pool: old.name, cidr: old.cidr, parent: old.parent, space });
}

function definition(record: PoolRecord): string {
  const { strategy, gateway, reserved, defaultPrefixLength, gracePeriodSeconds, policy } = record;
  return JSON.stringify([strategy, gateway, reserved, defaultPrefixLength, gracePeriodSeconds, policy]);
}

/** A pool without a parent is exactly its cidr: the fields that choose a block in a parent mean nothing there. */
export function refuseChildOnlyFields(input: CreatePoolInput): void {
  const childOnly: ChildOnlyField[] = ['prefixLength', 'prefer', 'owner'];
  for (const field of childOnly) {
    if (input[field] !== undefined) throw errors.INVALID_INPUT({ case: 'child-only', field });
  }
}

/** Root pools of one space never overlap; for slices this is KubeSlice's unique-sliceSubnet rule. */
export function checkNoRootOverlap(tx: SpaceTx, cidr: Cidr, kind: PoolKind): void {
  for (const other of tx.state.pools.values()) {
    if (other.record.parent !== undefined || !overlaps(other.cidr, cidr)) continue;
    if (kind === 'slice' && other.record.kind === 'slice') {
      throw errors.SLICE_SUBNET_CONFLICT({ cidr: formatCidr(cidr), slice: other.record.name });
    }
    const field = kind === 'slice' ? 'sliceSubnet' : 'cidr';
    throw errors.POOL_OVERLAP({ field, cidr: formatCidr(cidr), other: other.record, space: tx.space });
  }
}

/** A new reserved range or gateway must not take a block someone holds. */
function checkNewReservationsFree(ledger: PoolLedger, next: PoolRecord): void {
  const wanted: [string, string][] = next.reserved.map((cidr, i) => [cidr, `reserved[${i}]`]);
  if (next.gateway !== undefined) wanted.push([`${next.gateway}/${bitsOf(ledger.cidr.family)}`, 'gateway']);
  for (const [text, field] of wanted) {
    for (const occupant of ledger.occupantsIn(parseCidr(text))) {
      if (occupant.type === 'reserved') continue;
      const cidr = formatCidr(occupant.block);
      const holder = occupant.type === 'child' ? { type: 'child' as const, name: occupant.name, cidr } : { type: 'allocation' as const, owner: occupant.owner, cidr };
      throw errors.CIDR_UNAVAILABLE({ case: 'reservation', field, block: text, holder });
    }
  }
}

/** The policy after an update (model/policy.ts mergePolicy), checked against the pool and its default size. */
function updatePolicy(next: PoolRecord, update: UpdatePoolInput['policy'], cidr: Cidr): void {
  const policy = checkPolicy(update === undefined ? next.policy : mergePolicy(next.policy, update), cidr.prefix, bitsOf(cidr.family), next.defaultPrefixLength);
  if (policy === undefined) delete next.policy;
  else next.policy = policy;
}

function setOptional<K extends 'description' | 'labels'>(record: PoolRecord, key: K, value: PoolRecord[K] | undefined): void {
  if (value === undefined) delete record[key];
  else record[key] = value;
}

/** A pool of the space, or a slice of the namespace: what a creator mismatch is about. */
export function subjectOf(tx: SpaceTx, record: PoolRecord): Subject {
  return record.kind === 'slice' ? { type: 'slice', name: record.name, namespace: tx.space } : { type: 'pool', name: record.name, space: tx.space };
}
