import { IpamError, errors } from '../errors';
import { AllocationKind, AllocationRecord } from '../model/records';
import { familyName, formatAddress } from '../net/address';
import { Cidr, bitsOf, contains, formatCidr, orderOf } from '../net/cidr';
import { FreeSpace } from './free-space';
import { isoTime } from './iso-time';
import { LedgerAllocation, Occupant, PoolLedger } from './pool-ledger';

export interface AllocationRequest {
  owner: string;
  kind: AllocationKind;
  /** Prefix kind: the block size; defaults to the pool's defaultPrefixLength. */
  prefixLength?: number;
  /** A specific block (prefix) or address as a /32 or /128 (host): granted if free, else an error. */
  cidr?: Cidr;
  /** A preferred block: granted if free, else the pool's strategy chooses. */
  prefer?: Cidr;
  /** Recorded on a new record (who first allocated it). */
  creator?: string;
  description?: string;
  labels?: Record<string, string>;
}

/**
 * What the engine must do: nothing (`existing`), or write `record`, first deleting the released
 * allocations listed in `reclaim` (their grace period is over and the new block overlaps them).
 * `block` is the record's CIDR already parsed, so applying the plan never parses text again.
 */
export type AllocationPlan =
  | { action: 'existing'; record: AllocationRecord }
  | { action: 'write'; record: AllocationRecord; block: Cidr; reclaim: string[]; reactivated: boolean };

/** The pure decision for one allocation request: no I/O, time passed in. */
export function planAllocation(ledger: PoolLedger, request: AllocationRequest, nowMs: number): AllocationPlan {
  const prefixLength = resolvePrefixLength(ledger, request);
  ledger.advance(nowMs);
  const now = isoTime(nowMs);
  const held = ledger.allocations.get(request.owner);
  let replacing = false;
  if (held !== undefined) {
    const compatible = isCompatible(held, request, prefixLength);
    if (held.record.status === 'allocated') {
      if (compatible) return { action: 'existing', record: held.record };
      throw ownerConflict(ledger, held, request, prefixLength);
    }
    // Released, and nobody reclaimed the block yet: the owner gets it back (a KubeSlice cluster that rejoins).
    if (compatible) {
      return { action: 'write', record: newRecord(ledger, request, held.block, now), block: held.block, reclaim: [], reactivated: true };
    }
    // The owner comes back asking for something else: its old block is given up.
    replacing = true;
  }
  const { kind, cidr, prefer, owner } = request;
  const chosen = planBlock(ledger, { kind, prefixLength, cidr, prefer, owner, replacing }, nowMs);
  return {
    action: 'write',
    record: newRecord(ledger, request, chosen.block, now),
    block: chosen.block,
    reclaim: chosen.reclaim,
    reactivated: false,
  };
}

export interface BlockRequest {
  kind: AllocationKind;
  prefixLength: number;
  cidr?: Cidr;
  prefer?: Cidr;
  /** The requester; its own released block counts as free when `replacing` it. */
  owner?: string;
  replacing?: boolean;
}

/**
 * Chooses a new block: the specific one (granted or an error), else the preferred one if free,
 * else the pool's strategy over fresh space, then over reclaimable space. Also used to carve
 * child pools from their parent.
 */
export function planBlock(ledger: PoolLedger, request: BlockRequest, nowMs: number): { block: Cidr; reclaim: string[] } {
  ledger.advance(nowMs);
  if (request.cidr !== undefined) {
    const block = checkSpecific(ledger, request.cidr, request.kind, request.kind === 'host' ? 'address' : 'cidr');
    return { block, reclaim: occupantsBlocking(ledger, block, request, nowMs) };
  }
  if (request.prefer !== undefined) {
    const block = checkSpecific(ledger, request.prefer, request.kind, 'prefer');
    if (block.prefix !== request.prefixLength) {
      throw errors.INVALID_PREFIX_LENGTH({ case: 'prefer-size', prefer: formatCidr(block), preferPrefix: block.prefix, prefixLength: request.prefixLength });
    }
    try {
      return { block, reclaim: occupantsBlocking(ledger, block, request, nowMs) };
    } catch (e) {
      if (!(e instanceof IpamError) || (e.code !== 'CIDR_UNAVAILABLE' && e.code !== 'RESERVED_ADDRESS')) throw e;
    }
  }
  return chooseByStrategy(ledger, request);
}

export interface ReleasePlan {
  action: 'existing' | 'write';
  record: AllocationRecord;
  /** The record's CIDR, parsed. */
  block: Cidr;
}

/** Releases what an owner holds; an owner that holds nothing is the engine's to refuse, naming the space. */
export function planRelease(held: LedgerAllocation, nowMs: number): ReleasePlan {
  if (held.record.status === 'released') return { action: 'existing', record: held.record, block: held.block };
  return {
    action: 'write',
    record: held.released(isoTime(nowMs)),
    block: held.block,
  };
}

function resolvePrefixLength(ledger: PoolLedger, request: AllocationRequest): number {
  const pool = ledger.cidr;
  const bits = bitsOf(pool.family);
  checkFamily(ledger, request.cidr, request.kind === 'host' ? 'address' : 'cidr');
  checkFamily(ledger, request.prefer, 'prefer');
  if (request.kind === 'host') return bits;
  const prefixLength = request.prefixLength ?? request.cidr?.prefix ?? ledger.record.defaultPrefixLength;
  if (prefixLength === undefined) {
    throw errors.INVALID_PREFIX_LENGTH({ case: 'no-default', pool: ledger.record.name, min: pool.prefix, max: bits });
  }
  if (!Number.isInteger(prefixLength) || prefixLength < pool.prefix || prefixLength > bits) {
    throw errors.INVALID_PREFIX_LENGTH({ case: 'outside-pool', prefixLength, pool: ledger.record.name, cidr: formatCidr(pool), min: pool.prefix, max: bits });
  }
  checkPrefixMatchesCidr(prefixLength, request.cidr);
  return prefixLength;
}

/** A request naming both a block and a size must not contradict itself (an allocation, or a child pool). */
export function checkPrefixMatchesCidr(prefixLength: number, cidr: Cidr | undefined): void {
  if (cidr !== undefined && cidr.prefix !== prefixLength) {
    throw errors.INVALID_PREFIX_LENGTH({ case: 'cidr-mismatch', prefixLength, cidr: formatCidr(cidr) });
  }
}

function checkFamily(ledger: PoolLedger, block: Cidr | undefined, field: string): void {
  const pool = ledger.cidr;
  if (block !== undefined && block.family !== pool.family) {
    throw errors.FAMILY_MISMATCH({
      field,
      block: formatCidr(block),
      blockFamily: familyName(block.family),
      pool: ledger.record.name,
      cidr: formatCidr(pool),
      poolFamily: familyName(pool.family),
    });
  }
}

function isCompatible(held: LedgerAllocation, request: AllocationRequest, prefixLength: number): boolean {
  if (held.record.kind !== request.kind || held.block.prefix !== prefixLength) return false;
  return request.cidr === undefined || (request.cidr.start === held.block.start && request.cidr.prefix === held.block.prefix);
}

function ownerConflict(ledger: PoolLedger, held: LedgerAllocation, request: AllocationRequest, prefixLength: number): IpamError {
  return errors.OWNER_CONFLICT({
    case: 'request',
    owner: request.owner,
    held: held.record,
    pool: ledger.record.name,
    wanted: request.cidr !== undefined ? { cidr: formatCidr(request.cidr) } : request.kind === 'host' ? { kind: 'host' } : { kind: 'prefix', prefixLength },
  });
}

/** Validates a specific block or address against the pool's shape (not its occupancy). */
function checkSpecific(ledger: PoolLedger, block: Cidr, kind: AllocationKind, field: string): Cidr {
  const pool = ledger.cidr;
  if (!contains(pool, block)) {
    throw errors.OUTSIDE_POOL({ case: 'pool', field, block: blockText(block, kind), pool: ledger.record.name, cidr: formatCidr(pool) });
  }
  if (kind === 'host' && ledger.hostExclusions.includes(block.start)) {
    const what = block.start === pool.start ? (pool.family === 4 ? 'network' : 'Subnet-Router anycast') : 'broadcast';
    throw errors.RESERVED_ADDRESS({ case: 'special', field, address: blockText(block, 'host'), what, cidr: formatCidr(pool) });
  }
  return block;
}

/**
 * Owners of expired released allocations the block overlaps (to reclaim), or an error naming
 * what else holds it. The requesting owner's own released block counts as free when it is
 * replacing it.
 */
function occupantsBlocking(ledger: PoolLedger, block: Cidr, request: BlockRequest, nowMs: number): string[] {
  const reclaim: string[] = [];
  for (const occupant of ledger.occupantsIn(block)) {
    if (occupant.type === 'allocation') {
      const entry = ledger.allocations.get(occupant.owner)!;
      if (occupant.owner === request.owner && request.replacing === true) continue;
      if (entry.record.status === 'released' && ledger.isExpired(entry.record, nowMs)) {
        reclaim.push(occupant.owner);
        continue;
      }
    }
    throw unavailable(ledger, block, occupant, request.kind);
  }
  return reclaim;
}

function unavailable(ledger: PoolLedger, block: Cidr, occupant: Occupant, kind: AllocationKind): IpamError {
  const field = kind === 'host' ? 'address' : 'cidr';
  const [what, pool, cidr] = [blockText(block, kind), ledger.record.name, formatCidr(occupant.block)];
  if (occupant.type === 'reserved') {
    return errors.RESERVED_ADDRESS({ case: 'reserved', field, block: what, pool, holder: { type: 'reserved', gateway: occupant.gateway, cidr } });
  }
  const holder =
    occupant.type === 'child'
      ? { type: 'child' as const, name: occupant.name, cidr }
      : { type: 'allocation' as const, owner: occupant.owner, cidr, released: ledger.allocations.get(occupant.owner)!.record.status === 'released' };
  return errors.CIDR_UNAVAILABLE({ case: 'held', field, block: what, pool, holder });
}

/** A block as messages show it: an address for a host, else the CIDR. */
function blockText(block: Cidr, kind: AllocationKind): string {
  return kind === 'host' ? formatAddress({ family: block.family, value: block.start }) : formatCidr(block);
}

function chooseByStrategy(ledger: PoolLedger, request: BlockRequest): { block: Cidr; reclaim: string[] } {
  const pool = ledger.cidr;
  const prefixLength = request.prefixLength;
  const order = bitsOf(pool.family) - prefixLength;
  const excluded = request.kind === 'host' ? ledger.hostExclusions : [];
  // The owner's own released block is free for it when it comes back asking for another size.
  const own = request.replacing === true && request.owner !== undefined ? ledger.allocations.get(request.owner) : undefined;
  const tiers = own === undefined ? [ledger.fresh, ledger.grantable] : [withOwnBlockFree(ledger.fresh, own), withOwnBlockFree(ledger.grantable, own)];
  for (const [tier, space] of tiers.entries()) {
    const candidates = ledger.record.strategy === 'best-fit' ? space.bestFitCandidates(order) : space.firstFitCandidates(order);
    for (const start of candidates) {
      if (excluded.includes(start)) continue;
      const block: Cidr = { family: pool.family, start, prefix: prefixLength };
      // Tier 0 is never-used space; tier 1 may overlap released blocks past their grace period.
      const reclaim =
        tier === 0
          ? []
          : ledger
              .occupantsIn(block)
              .flatMap((o) => (o.type === 'allocation' && o.owner !== request.owner ? [o.owner] : []));
      return { block, reclaim };
    }
  }
  throw exhausted(ledger, prefixLength, request.kind);
}

function withOwnBlockFree(space: FreeSpace, own: LedgerAllocation): FreeSpace {
  const copy = space.clone();
  if (copy.isFullyOccupied(own.block.start, orderOf(own.block))) copy.release(own.block.start, orderOf(own.block));
  return copy;
}

function exhausted(ledger: PoolLedger, prefixLength: number, kind: AllocationKind): IpamError {
  const sums = ledger.addressSums;
  const inGrace = sums.released - sums.expired;
  return errors.POOL_EXHAUSTED({
    pool: ledger.record.name,
    cidr: formatCidr(ledger.cidr),
    wanted: kind === 'host' ? { kind: 'host' } : { kind: 'prefix', prefixLength },
    inGrace,
  });
}

function newRecord(ledger: PoolLedger, request: AllocationRequest, block: Cidr, now: string): LedgerAllocation {
  const { owner, kind, creator, description, labels } = request;
  // The ledger's own entry: its CIDR text is formatted when read, never stored.
  return new LedgerAllocation({ pool: ledger.record.name, owner, kind, status: 'allocated', allocatedAt: now, creator, description, labels }, block);
}
