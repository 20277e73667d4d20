import { AllocationRequest, planAllocation, planBlock, planRelease } from '../allocator/allocate';
import { LedgerAllocation, PoolLedger } from '../allocator/pool-ledger';
import { IpamError, quote } from '../errors';
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
  const request = toRequest(input);
  const held = ledger.allocations.get(request.owner);
  if (held !== undefined) assertCreator(held.record, input, 'adopt', holdingOf(ledger, request.owner), ownerHint(request.kind));
  // A returning owner keeps the creator it had; a new one records who asked.
  request.creator = held?.record.creator ?? creatorFor(input, tx.actor);
  const plan = planAllocation(ledger, request, tx.nowMs);
  if (plan.action === 'write') {
    for (const owner of plan.reclaim) tx.deleteAllocation(ledger.record.name, owner, 'reclaim');
    tx.putAllocation(plan.record, plan.block, 'allocate');
  }
  return ledger.allocations.get(request.owner)!;
}

/** Marks an allocation released; its block stays held for the owner during the grace period. Returns the owner's ledger entry. */
export function release(tx: SpaceTx, input: OwnerRef & ActingFor): LedgerAllocation {
  const ledger = tx.pool(checkName(input.pool, 'pool'));
  const owner = checkOwner(input.owner);
  const held = ledger.allocations.get(owner);
  if (held !== undefined) assertCreator(held.record, input, 'release', holdingOf(ledger, owner));
  const plan = planRelease(ledger, owner, tx.nowMs);
  if (plan.action === 'write') tx.putAllocation(plan.record, plan.block, 'release');
  return ledger.allocations.get(owner)!;
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
      return { available: false, reason: e.message.replace(/^[a-z]+: /, '') };
    }
    throw e;
  }
}

/** `the address of "alice" in pool "vpn"`: what a creator mismatch is about. */
function holdingOf(ledger: PoolLedger, owner: string): string {
  const held = ledger.allocations.get(owner)!;
  return `the ${held.record.kind === 'host' ? 'address' : 'block'} of owner "${owner}" in pool "${ledger.record.name}" (${held.record.cidr})`;
}

function ownerHint(kind: AllocationKind): string {
  return kind === 'host' ? 'choose another clientId' : 'choose another owner key';
}

function toRequest(input: AllocateInput): AllocationRequest {
  const owner = checkOwner(input.owner);
  const kind = input.kind ?? 'prefix';
  if (kind !== 'prefix' && kind !== 'host') {
    throw new IpamError('INVALID_INPUT', `kind: ${quote(kind)} is not an allocation kind; use "prefix" (a block) or "host" (one address)`, 'kind');
  }
  const request: AllocationRequest = { owner, kind };
  if (kind === 'host') {
    if (input.cidr !== undefined) {
      throw new IpamError('INVALID_INPUT', 'cidr: a host allocation takes an address, not a cidr; use address', 'cidr');
    }
    if (input.prefixLength !== undefined) {
      throw new IpamError('INVALID_INPUT', 'prefixLength: a host allocation is always one address; leave prefixLength out', 'prefixLength');
    }
    if (input.address !== undefined) request.cidr = hostCidr(parseAddress(input.address, 'address'));
    if (input.prefer !== undefined) request.prefer = hostCidr(parseAddress(input.prefer, 'prefer'));
  } else {
    if (input.address !== undefined) {
      throw new IpamError('INVALID_INPUT', 'address: only host allocations take an address; use cidr for a block, or kind "host"', 'address');
    }
    if (input.prefixLength !== undefined && (typeof input.prefixLength !== 'number' || !Number.isInteger(input.prefixLength))) {
      throw new IpamError('INVALID_PREFIX_LENGTH', `prefixLength: ${quote(input.prefixLength)} is not a whole number`, 'prefixLength');
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
