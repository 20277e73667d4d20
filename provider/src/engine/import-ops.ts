import { planAllocation, planBlock } from '../allocator/allocate';
import { isoTime } from '../allocator/iso-time';
import { IpamError, errors, isIpamError } from '../errors';
import { AllocationRow, ImportInput, PoolRow, refusal } from '../model/import';
import { ImportOutcome, ImportResult } from '../model/import-result';
import { plainData } from '../model/frozen';
import { AllocationKind, AllocationStatus, PoolKind, PoolRecord } from '../model/records';
import { parseAddress } from '../net/address';
import { Cidr, bitsOf, formatCidr, hostCidr, parseCidr } from '../net/cidr';
import { creatorFor } from './creators';
import { buildRecord, checkNoRootOverlap, refuseChildOnlyFields } from './pool-ops';
import { SpaceTx } from './space-tx';
import { checkCidrWithin, checkDescription, checkLabels, checkName, checkOwner } from '../model/validate';

/**
 * Bulk import of pools and allocations into one address space, decided in one engine operation
 * (so committed with one compare-and-swap, like any batch): each row is decided against the
 * space as the rows before it left it, a refused row is undone alone and reported with its
 * line, and unless `skipInvalid` is set one refused row undoes the whole input. A dry run
 * decides everything the same way and then undoes it all.
 *
 * Idempotent by owner key: a pool that exists with the same definition, or an owner that holds
 * the same block in the same state, is "unchanged", so importing a file twice writes nothing
 * the second time. `decided` hears of each row as it is decided (ipam import's check, which
 * must know which row of its own each outcome is about).
 */
export function importRows(tx: SpaceTx, input: ImportInput, decided?: (row: PoolRow | AllocationRow, outcome: ImportOutcome) => void): ImportResult {
  const start = { mark: tx.state.mark(), writes: tx.writes.length, audit: tx.audit.length };
  const result: ImportResult = { created: 0, unchanged: 0, refused: 0, written: false, outcomes: [] };
  const seenPools = new Map<string, number | undefined>();
  const seenOwners = new Map<string, number | undefined>();
  const decide = (outcome: ImportOutcome, row: PoolRow | AllocationRow, apply: () => 'created' | 'unchanged'): void => {
    const mark = { mark: tx.state.mark(), writes: tx.writes.length, audit: tx.audit.length };
    try {
      checkRowSpace(tx, row.space);
      outcome.action = apply();
    } catch (e) {
      if (!isIpamError(e)) throw e;
      undo(tx, mark);
      Object.assign(outcome, refusal(e));
    }
    result[outcome.action] += 1;
    if (outcome.action !== 'unchanged') result.outcomes.push(outcome);
    decided?.(row, outcome);
  };
  for (const row of parentsFirst(input.pools ?? [])) {
    decide(outcomeOf(row, 'pool', row.name, { cidr: row.cidr }), row, () => {
      refuseRepeat(seenPools, String(row.name), row.line, (firstLine) => errors.POOL_EXISTS({ case: 'file-twice', pool: String(row.name), firstLine }));
      return importPool(tx, row);
    });
  }
  for (const row of input.allocations ?? []) {
    decide(outcomeOf(row, 'allocation', row.owner, { pool: row.pool, cidr: row.cidr }), row, () => {
      refuseRepeat(seenOwners, JSON.stringify([row.pool, row.owner]), row.line, (firstLine) =>
        errors.OWNER_CONFLICT({ case: 'file-twice', owner: row.owner, pool: row.pool, firstLine }),
      );
      return importAllocation(tx, row);
    });
  }
  result.written = input.dryRun !== true && (result.refused === 0 || input.skipInvalid === true);
  if (!result.written) undo(tx, start);
  return result;
}

/** Creates a pool exactly as the row defines it (its CIDR is always given), or finds it there already. */
function importPool(tx: SpaceTx, row: PoolRow): 'created' | 'unchanged' {
  const name = checkName(row.name, 'name');
  const kind = checkPoolKind(row.kind);
  const cidr = checkCidrWithin(row.cidr, 'cidr');
  const parent = row.parent === undefined ? undefined : tx.pool(checkName(row.parent, 'parent'), 'parent');
  if (parent === undefined) refuseChildOnlyFields({ name, owner: row.owner });
  const record = buildRecord(row, name, cidr, kind, checkTime(row.createdAt, 'createdAt') ?? tx.now);
  if (parent !== undefined) record.parent = parent.record.name;
  if (row.owner !== undefined) record.owner = checkOwner(row.owner);
  record.creator = creatorFor(row, tx.actor);
  const existing = tx.state.ledger(name);
  if (existing !== undefined) {
    sameAsStored(tx, existing.record, record, row.creator !== undefined);
    return 'unchanged';
  }
  if (parent === undefined) {
    checkNoRootOverlap(tx, cidr, kind);
  } else {
    const chosen = planBlock(parent, { kind: 'prefix', prefixLength: cidr.prefix, cidr }, tx.nowMs);
    for (const reclaimed of chosen.reclaim) tx.removeAllocation(parent.record.name, reclaimed, 'reclaim');
  }
  tx.savePool(record, 'create-pool');
  return 'created';
}

/** Gives the owner exactly the row's block, in the row's state, or finds it holding that already. */
function importAllocation(tx: SpaceTx, row: AllocationRow): 'created' | 'unchanged' {
  const ledger = tx.pool(checkName(row.pool, 'pool'));
  const owner = checkOwner(row.owner);
  const kind = checkKind(row);
  const block = blockOf(row.cidr, kind);
  const status = checkStatus(row.status);
  if (status === 'allocated' && row.releasedAt !== undefined) throw errors.INVALID_INPUT({ case: 'released-at' });
  const allocatedAt = checkTime(row.allocatedAt, 'allocatedAt') ?? tx.now;
  const releasedAt = status === 'released' ? (checkTime(row.releasedAt, 'releasedAt') ?? tx.now) : undefined;
  const held = ledger.allocations.get(owner);
  if (held !== undefined) {
    if (held.record.cidr === formatCidr(block) && held.record.kind === kind && held.record.status === status) return 'unchanged';
    throw errors.OWNER_CONFLICT({ case: 'file-differs', owner, pool: ledger.record.name, held: held.record, given: { cidr: formatCidr(block), kind, status } });
  }
  const request = { owner, kind, cidr: block, creator: creatorFor(row, tx.actor), description: checkDescription(row.description), labels: checkLabels(row.labels) };
  if (request.description === undefined) delete request.description;
  if (request.labels === undefined) delete request.labels;
  const plan = planAllocation(ledger, request, tx.nowMs);
  if (plan.action !== 'write') throw new Error(`internal: owner "${owner}" is new to pool "${ledger.record.name}" but its plan writes nothing`);
  for (const reclaimed of plan.reclaim) tx.removeAllocation(ledger.record.name, reclaimed, 'reclaim');
  // A plain copy to change: the plan's record is a ledger entry, which never changes.
  const record = Object.assign(plainData(plan.record), { allocatedAt });
  if (releasedAt !== undefined) Object.assign(record, { status: 'released', releasedAt });
  tx.saveAllocation(record, plan.block, releasedAt === undefined ? 'allocate' : 'release');
  return 'created';
}

function outcomeOf(row: { line?: number }, record: ImportOutcome['record'], name: unknown, where: { pool?: unknown; cidr?: unknown }): ImportOutcome {
  const outcome: ImportOutcome = { record, name: String(name), action: 'refused' };
  if (row.line !== undefined) outcome.line = row.line;
  if (where.pool !== undefined) outcome.pool = String(where.pool);
  if (where.cidr !== undefined) outcome.cidr = String(where.cidr);
  return outcome;
}

function undo(tx: SpaceTx, to: { mark: number; writes: number; audit: number }): void {
  tx.state.rollbackTo(to.mark);
  tx.writes.length = to.writes;
  tx.audit.length = to.audit;
}

function checkRowSpace(tx: SpaceTx, space: string | undefined): void {
  if (space !== undefined && space !== tx.space) {
    throw errors.INVALID_INPUT({ case: 'row-space', space, importing: tx.space });
  }
}

/** A second row for the same pool name or owner key: refused, naming the line of the first (when it had one). */
function refuseRepeat(seen: Map<string, number | undefined>, key: string, line: number | undefined, error: (firstLine: number | undefined) => IpamError): void {
  if (!seen.has(key)) {
    seen.set(key, line);
    return;
  }
  throw error(seen.get(key));
}

/** The stored pool must be what the row defines; the first field that differs is named. */
function sameAsStored(tx: SpaceTx, stored: PoolRecord, wanted: PoolRecord, compareCreator: boolean): void {
  const fields: (keyof PoolRecord)[] = ['cidr', 'parent', 'kind', 'owner', 'strategy', 'gateway', 'reserved', 'defaultPrefixLength', 'gracePeriodSeconds', 'description', 'labels'];
  if (compareCreator) fields.push('creator');
  const text = (value: unknown) => (value === undefined ? 'none' : JSON.stringify(value));
  const differing = fields.find((field) => text(stored[field]) !== text(wanted[field]) && !(field === 'labels' && sameLabels(stored.labels, wanted.labels)));
  if (differing === undefined) return;
  throw errors.POOL_EXISTS({ case: 'file-differs', field: differing, pool: stored.name, space: tx.space, stored: stored[differing], given: wanted[differing] });
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const sorted = (labels: Record<string, string> | undefined) => JSON.stringify(Object.entries(labels ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return sorted(a) === sorted(b);
}

function checkPoolKind(value: unknown): PoolKind {
  if (value === undefined || value === 'pool' || value === 'slice') return value ?? 'pool';
  throw errors.INVALID_INPUT({ case: 'pool-kind', value });
}

function checkKind(row: AllocationRow): AllocationKind {
  const value = row.kind;
  if (value === 'prefix' || value === 'host') return value;
  if (value !== undefined) throw errors.INVALID_INPUT({ case: 'allocation-kind', value });
  return typeof row.cidr === 'string' && !row.cidr.includes('/') ? 'host' : 'prefix';
}

function checkStatus(value: unknown): AllocationStatus {
  if (value === undefined || value === 'allocated' || value === 'released') return value ?? 'allocated';
  throw errors.INVALID_INPUT({ case: 'allocation-status', value });
}

/** The row's block: a CIDR, or for a host an address or its /32 (/128). */
function blockOf(text: unknown, kind: AllocationKind): Cidr {
  if (typeof text !== 'string') throw errors.INVALID_CIDR({ case: 'import-cidr' });
  if (kind === 'prefix' || !text.includes('/')) return kind === 'prefix' ? parseCidr(text, 'cidr') : hostCidr(parseAddress(text, 'cidr'));
  const block = parseCidr(text, 'cidr');
  if (block.prefix !== bitsOf(block.family)) throw errors.INVALID_CIDR({ case: 'import-host-block', block: formatCidr(block) });
  return block;
}

/** An ISO-8601 time, normalised to UTC with milliseconds as the engine writes them; undefined stays undefined. */
function checkTime(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw errors.INVALID_INPUT({ case: 'time', field, value });
  return isoTime(ms);
}

/** Parents before their children, otherwise in the file's order, so a file may list a child first. */
export function parentsFirst(rows: PoolRow[]): PoolRow[] {
  const byName = new Map<unknown, PoolRow>();
  for (const row of rows) if (!byName.has(row.name)) byName.set(row.name, row);
  const ordered: PoolRow[] = [];
  const placed = new Set<PoolRow>();
  const place = (row: PoolRow, depth: number): void => {
    if (placed.has(row)) return;
    placed.add(row);
    const parent = row.parent === undefined ? undefined : byName.get(row.parent);
    // A cycle (a parent of its own parent) stops here: its rows are refused as unknown parents.
    if (parent !== undefined && depth < rows.length) place(parent, depth + 1);
    ordered.push(row);
  };
  for (const row of rows) place(row, 0);
  return ordered;
}

