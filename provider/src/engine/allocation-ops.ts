import { AllocationRequest, planAllocation, planBlock, planRelease } from '../allocator/allocate';
import { LedgerAllocation, PoolLedger } from '../allocator/pool-ledger';
import { IpamError, Rename, Subject, errors } from '../errors';
import { ActingFor, AllocateInput, Availability, AvailabilityInput, OwnerRef } from '../model/api';
import { AllocationKind } from '../model/records';
import { parseAddress } from '../net/address';
import { Cidr, hostCidr, parseCidr } from '../net/cidr';
import { assertCreator, creatorFor } from './creators';
import { SpaceTx } from './space-tx';
import { checkDescription, checkLabels, checkName, checkOwner } from '../model/validate';

/** Allocates a block or a host address; idempotent by owner (see planAllocation). Returns the owner's ledger entry. */
export function allocate(tx: SpaceTx, input: AllocateInput): LedgerAllocation {
  const ledger = tx.pool(checkName(input.pool, 'pool'));
  return allocateIn(tx, ledger, checkOwner(input.owner), input);
}

/**
 * allocate, for a caller that has already found the pool (`input.pool`) and checked the owner
 * (`input.owner`), and may have looked up what the owner holds there (`held`).
 */
export function allocateIn(tx: SpaceTx, ledger: PoolLedger, owner: string, input: AllocateInput, held = ledger.allocations.get(owner)): LedgerAllocation {
  const request = toRequest(input, owner);
  if (held !== undefined) assertCreator(held.record, input, 'adopt', holdingOf(ledger, request.owner), ownerRename(request.kind));
  // A returning owner keeps the creator it had; a new one records who asked.
  request.creator = held?.record.creator ?? creatorFor(input, tx.actor);
  const plan = planAllocation(ledger, request, tx.nowMs);
  // The owner's entry is what was saved, or what it held already (no third look-up of the owner).
  if (plan.action === 'existing') return held!;
  for (const reclaimed of plan.reclaim) tx.removeAllocation(ledger.record.name, reclaimed, 'reclaim');
  return tx.saveAllocation(plan.record, plan.block, 'allocate');
}

/** Marks an allocation released; its block stays held for the owner during the grace period. Returns the owner's ledger entry. */
export function release(tx: SpaceTx, input: OwnerRef & ActingFor): LedgerAllocation {
  const ledger = tx.pool(checkName(input.pool, 'pool'));
  const owner = checkOwner(input.owner);
  const held = ledger.allocations.get(owner);
  if (held === undefined) throw errors.ALLOCATION_NOT_FOUND({ case: 'owner', space: tx.space, pool: ledger.record.name, owner });
  assertCreator(held.record, input, 'release', holdingOf(ledger, owner));
  const plan = planRelease(held, tx.nowMs);
  return plan.action === 'write' ? tx.saveAllocation(plan.record, plan.block, 'release') : held;
}

/** Whether a new owner could get this block or address now (the client IP allocator's IsIPAvailable). */
export function isAvailable(tx: SpaceTx, input: AvailabilityInput): Availability {
  const ledger = tx.pool(checkName(input.pool, 'pool'));
  const text = typeof input.cidr === 'string' ? input.cidr : '';
  // An address asks "could a host get this?"; a CIDR asks "could a block be carved here?".
  const kind = text.includes('/') ? 'prefix' : 'host';
  const block: Cidr = kind === 'prefix' ? parseCidr(text, 'cidr') : hostCidr(parseAddress(text, 'cidr'));
  try {
    planBlock(ledger, { kind, prefixLength: block.prefix, cidr: block }, tx.nowMs);
    return { available: true };
  } catch (e) {
    if (e instanceof IpamError && ['CIDR_UNAVAILABLE', 'RESERVED_ADDRESS'].includes(e.code)) {
      return { available: false, reason: e.reason };
    }
    throw e;
  }
}

/** The address or block of an owner: what a creator mismatch is about. */
function holdingOf(ledger: PoolLedger, owner: string): Subject {
  const held = ledger.allocations.get(owner)!;
  return { type: 'holding', kind: held.record.kind, owner, pool: ledger.record.name, cidr: held.record.cidr };
}

function ownerRename(kind: AllocationKind): Rename {
  return kind === 'host' ? 'client-id' : 'owner-key';
}

function toRequest(input: AllocateInput, owner: string): AllocationRequest {
  const kind = input.kind ?? 'prefix';
  if (kind !== 'prefix' && kind !== 'host') {
    throw errors.INVALID_INPUT({ case: 'allocation-kind', value: kind });
  }
  const request: AllocationRequest = { owner, kind };
  if (kind === 'host') {
    if (input.cidr !== undefined) {
      throw errors.INVALID_INPUT({ case: 'host-with-cidr' });
    }
    if (input.prefixLength !== undefined) {
      throw errors.INVALID_INPUT({ case: 'host-with-prefix-length' });
    }
    if (input.address !== undefined) request.cidr = hostCidr(parseAddress(input.address, 'address'));
    if (input.prefer !== undefined) request.prefer = hostCidr(parseAddress(input.prefer, 'prefer'));
  } else {
    if (input.address !== undefined) {
      throw errors.INVALID_INPUT({ case: 'block-with-address' });
    }
    if (input.prefixLength !== undefined && (typeof input.prefixLength !== 'number' || !Number.isInteger(input.prefixLength))) {
      throw errors.INVALID_PREFIX_LENGTH({ case: 'not-whole', value: input.prefixLength });
    }
    if (input.prefixLength !== undefined) request.prefixLength = input.prefixLength;
    if (input.cidr !== undefined) request.cidr = parseCidr(input.cidr, 'cidr');
    if (input.prefer !== undefined) request.prefer = parseCidr(input.prefer, 'prefer');
  }
  const description = checkDescription(input.description);
  const labels = checkLabels(input.labels);
  if (description !== undefined) request.description = description;
  if (labels !== undefined) request.labels = labels;
  return request;
}
