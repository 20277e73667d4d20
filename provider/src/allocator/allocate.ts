import { IpamError } from '../errors';
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
      return { action: 'write', record: newRecord(ledger, request, held.cidr, now), block: held.cidr, reclaim: [], reactivated: true };
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
      throw new IpamError(
        'INVALID_PREFIX_LENGTH',
        `prefer: ${formatCidr(block)} is a /${block.prefix}, but the request is for a /${request.prefixLength}; prefer a block of the requested size`,
        'prefer',
      );
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

export function planRelease(ledger: PoolLedger, owner: string, nowMs: number): ReleasePlan {
  const held = ledger.allocations.get(owner);
  if (held === undefined) {
    throw new IpamError(
      'ALLOCATION_NOT_FOUND',
      `owner: pool "${ledger.record.name}" has no allocation for owner "${owner}"; list them with \`ipam allocations ${ledger.record.name}\``,
      'owner',
    );
  }
  if (held.record.status === 'released') return { action: 'existing', record: held.record, block: held.cidr };
  return {
    action: 'write',
    // Object.assign, not a spread followed by more properties: that is a slow path on Node 20.
    record: Object.assign({}, held.record, { status: 'released' as const, releasedAt: isoTime(nowMs) }),
    block: held.cidr,
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
    throw new IpamError(
      'INVALID_PREFIX_LENGTH',
      `prefixLength: pool "${ledger.record.name}" has no defaultPrefixLength; give a prefix length between /${pool.prefix} and /${bits}`,
      'prefixLength',
    );
  }
  if (!Number.isInteger(prefixLength) || prefixLength < pool.prefix || prefixLength > bits) {
    throw new IpamError(
      'INVALID_PREFIX_LENGTH',
      `prefixLength: /${prefixLength} cannot be carved from pool "${ledger.record.name}" (${formatCidr(pool)}); choose between /${pool.prefix} and /${bits}`,
      'prefixLength',
    );
  }
  checkPrefixMatchesCidr(prefixLength, request.cidr);
  return prefixLength;
}

/** A request naming both a block and a size must not contradict itself (an allocation, or a child pool). */
export function checkPrefixMatchesCidr(prefixLength: number, cidr: Cidr | undefined): void {
  if (cidr !== undefined && cidr.prefix !== prefixLength) {
    throw new IpamError(
      'INVALID_PREFIX_LENGTH',
      `prefixLength: /${prefixLength} does not match cidr ${formatCidr(cidr)}; give one or make them agree`,
      'prefixLength',
    );
  }
}

function checkFamily(ledger: PoolLedger, block: Cidr | undefined, field: string): void {
  const pool = ledger.cidr;
  if (block !== undefined && block.family !== pool.family) {
    throw new IpamError(
      'FAMILY_MISMATCH',
      `${field}: ${formatCidr(block)} is ${familyName(block.family)}, but pool "${ledger.record.name}" (${formatCidr(pool)}) is ${familyName(pool.family)}`,
      field,
    );
  }
}

function isCompatible(held: LedgerAllocation, request: AllocationRequest, prefixLength: number): boolean {
  if (held.record.kind !== request.kind || held.cidr.prefix !== prefixLength) return false;
  return request.cidr === undefined || (request.cidr.start === held.cidr.start && request.cidr.prefix === held.cidr.prefix);
}

function ownerConflict(ledger: PoolLedger, held: LedgerAllocation, request: AllocationRequest, prefixLength: number): IpamError {
  const wanted = request.cidr !== undefined ? formatCidr(request.cidr) : request.kind === 'host' ? 'a host address' : `a /${prefixLength}`;
  return new IpamError(
    'OWNER_CONFLICT',
    `owner: "${request.owner}" already holds ${held.record.cidr} (${held.record.kind}) in pool "${ledger.record.name}" and now asks for ${wanted}; release it first or use another owner key`,
    'owner',
  );
}

/** Validates a specific block or address against the pool's shape (not its occupancy). */
function checkSpecific(ledger: PoolLedger, block: Cidr, kind: AllocationKind, field: string): Cidr {
  const pool = ledger.cidr;
  if (!contains(pool, block)) {
    throw new IpamError(
      'OUTSIDE_POOL',
      `${field}: ${kind === 'host' ? formatAddress({ family: block.family, value: block.start }) : formatCidr(block)} is outside pool "${ledger.record.name}" (${formatCidr(pool)})`,
      field,
    );
  }
  if (kind === 'host' && ledger.hostExclusions.includes(block.start)) {
    const what = block.start === pool.start ? (pool.family === 4 ? 'network' : 'Subnet-Router anycast') : 'broadcast';
    throw new IpamError(
      'RESERVED_ADDRESS',
      `${field}: ${formatAddress({ family: block.family, value: block.start })} is the ${what} address of ${formatCidr(pool)} and cannot be given to a host`,
      field,
    );
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
  const what = kind === 'host' ? formatAddress({ family: block.family, value: block.start }) : formatCidr(block);
  if (occupant.type === 'reserved') {
    const label = occupant.gateway ? 'the gateway of' : `reserved (${formatCidr(occupant.cidr)}) in`;
    return new IpamError('RESERVED_ADDRESS', `${field}: ${what} is ${label} pool "${ledger.record.name}"; choose another`, field);
  }
  const holder =
    occupant.type === 'child'
      ? `child pool "${occupant.name}" (${formatCidr(occupant.cidr)})`
      : `owner "${occupant.owner}" (${formatCidr(occupant.cidr)}${ledger.allocations.get(occupant.owner)!.record.status === 'released' ? ', released, in its grace period' : ''})`;
  return new IpamError('CIDR_UNAVAILABLE', `${field}: ${what} in pool "${ledger.record.name}" is held by ${holder}; choose another or omit it`, field);
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
  if (copy.isFullyOccupied(own.cidr.start, orderOf(own.cidr))) copy.release(own.cidr.start, orderOf(own.cidr));
  return copy;
}

function exhausted(ledger: PoolLedger, prefixLength: number, kind: AllocationKind): IpamError {
  const sums = ledger.addressSums;
  const inGrace = sums.released - sums.expired;
  const what = kind === 'host' ? 'host address' : `/${prefixLength}`;
  const graceNote = inGrace > 0n ? `; ${inGrace} address(es) are released but held for their owners' grace period` : '';
  return new IpamError(
    'POOL_EXHAUSTED',
    `pool "${ledger.record.name}" (${formatCidr(ledger.cidr)}): no available subnets: no free ${what} left${graceNote}; release an allocation or use a larger pool`,
  );
}

function newRecord(ledger: PoolLedger, request: AllocationRequest, block: Cidr, now: string): AllocationRecord {
  const pool = ledger.record.name;
  const { owner, kind, creator } = request;
  const cidr = formatCidr(block);
  // One literal with every field, not a creator added afterwards: an added field goes to a
  // separate property array (40 more bytes for each of a pool's records).
  const record: AllocationRecord =
    creator === undefined
      ? { pool, owner, cidr, kind, status: 'allocated', allocatedAt: now }
      : { pool, owner, cidr, kind, status: 'allocated', allocatedAt: now, creator };
  if (request.description !== undefined) record.description = request.description;
  if (request.labels !== undefined) record.labels = request.labels;
  return record;
}
