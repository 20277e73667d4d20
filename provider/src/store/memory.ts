import { randomUUID } from 'node:crypto';
import { BackendInfo } from '../model/api';
import { AllocationRecord, AuditEvent, PoolRecord } from '../model/records';
import { CommitRequest, CommitResult, SpaceRead, Store, StoreWrite, emptySpace } from '../engine/store';
import { isFrozenRecord, plainData } from '../model/frozen';
import { OwnerTable } from '../allocator/owner-table';
import { AuditColumns } from './memory-audit';

/**
 * Writes kept for delta reads, like the SQLite store's tombstone history: a reader further
 * behind reads the space whole. Without a bound the log held every write ever made.
 */
const HISTORY_WRITES = 16_384;

interface MemorySpace {
  version: number;
  pools: Map<string, PoolRecord>;
  /** Allocation rows by pool, then owner (the pool ledger's table: a million rows take 16 MiB, not a Map's 28). */
  allocations: Map<string, OwnerTable<AllocationRecord>>;
  /**
   * log[logHead + i] holds the writes that made version logFrom + i + 1; deltas replay it. The
   * entries before logHead are dropped history, cut off in bulk (see appendToLog).
   */
  log: (LoggedWrite[] | undefined)[];
  logHead: number;
  logFrom: number;
  logWrites: number;
  audit: AuditColumns;
}

/**
 * A write as the store keeps it: a saved allocation is its record alone, the very object the
 * rows hold, since the log keeps every write for thousands of commits; a wrapper per write
 * (40 bytes) lived long enough to reach the old generation, where it stayed as garbage until
 * the next full collection (30 MiB of a million allocations' peak).
 */
type LoggedWrite = AllocationRecord | Exclude<StoreWrite, { type: 'saveAllocation' }>;

/** Allocation rows of a delta by pool, then owner: nested maps, so no composite key is built per write. */
type AllocationRows<T> = Map<string, Map<string, T>>;

function setRow<T>(rows: AllocationRows<T>, pool: string, owner: string, value: T): void {
  let byOwner = rows.get(pool);
  if (byOwner === undefined) {
    byOwner = new Map();
    rows.set(pool, byOwner);
  }
  byOwner.set(owner, value);
}

/**
 * A store in process memory, for tests and benchmarks. Records are deep-copied on the way in
 * and out, so a caller mutating what it got cannot change the store behind the engine's back,
 * as with a real backend; a frozen record (model/frozen.ts: the engine's) cannot be changed by
 * anyone, so it is kept as it is, not copied.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  private readonly spaces = new Map<string, MemorySpace>();
  private closed = false;
  private readonly id = randomUUID();

  async read(space: string, since?: number): Promise<SpaceRead> {
    this.assertOpen();
    const state = this.spaces.get(space);
    if (state === undefined) return emptySpace();
    if (since === undefined || since > state.version || since < state.logFrom) {
      return {
        version: state.version,
        full: true,
        pools: [...state.pools.values()].map(copy),
        deletedPools: [],
        allocations: [...state.allocations.values()].flatMap((byOwner) => [...byOwner.values()].map(copy)),
        deletedAllocations: [],
      };
    }
    return deltaFromLog(state, since);
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    this.assertOpen();
    let state = this.spaces.get(request.space);
    const current = state?.version ?? 0;
    if (current !== request.expectedVersion) return { ok: false, version: current };
    if (state === undefined) {
      state = { version: 0, pools: new Map(), allocations: new Map(), log: [], logHead: 0, logFrom: 0, logWrites: 0, audit: new AuditColumns() };
      this.spaces.set(request.space, state);
    }
    const writes = request.writes.map(toLogged);
    for (const write of writes) applyWrite(state, write);
    appendToLog(state, writes);
    pushAudit(state.audit, request.audit, writes);
    state.version += 1;
    return { ok: true, version: state.version };
  }

  async identity(): Promise<BackendInfo> {
    return { id: this.id, kind: this.kind, location: 'the memory of this process' };
  }

  async listSpaces(): Promise<string[]> {
    this.assertOpen();
    return [...this.spaces.keys()].sort();
  }

  async listAudit(space: string, pool: string, limit: number): Promise<AuditEvent[]> {
    return this.spaces.get(space)?.audit.newestOf(pool, limit) ?? [];
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    // A programming error of whoever holds the store (tests, a service shutting down): a plain
    // Error, which the engine reports as STORE_UNAVAILABLE quoting it.
    if (this.closed) throw new Error('memory store is closed');
  }
}

function applyWrite(state: MemorySpace, write: LoggedWrite): void {
  if (isRecord(write)) {
    let byOwner = state.allocations.get(write.pool);
    if (byOwner === undefined) {
      byOwner = new OwnerTable();
      state.allocations.set(write.pool, byOwner);
    }
    byOwner.set(write);
    return;
  }
  switch (write.type) {
    case 'savePool':
      state.pools.set(write.pool.name, write.pool);
      break;
    case 'removePool':
      state.pools.delete(write.name);
      break;
    case 'removeAllocation':
      state.allocations.get(write.pool)?.delete(write.owner);
      break;
  }
}

/** Whether a logged write is a saved allocation (its record): the other writes say their type. */
function isRecord(write: LoggedWrite): write is AllocationRecord {
  const type = (write as { type?: unknown }).type;
  return type !== 'savePool' && type !== 'removePool' && type !== 'removeAllocation';
}

/** Replays the log after `since`, keeping only the last write of each row. */
function deltaFromLog(state: MemorySpace, since: number): SpaceRead {
  const pools = new Map<string, PoolRecord | null>();
  const allocations: AllocationRows<AllocationRecord | null> = new Map();
  for (let i = state.logHead + since - state.logFrom; i < state.log.length; i++) {
    for (const write of state.log[i]!) {
      if (isRecord(write)) setRow(allocations, write.pool, write.owner, write);
      else if (write.type === 'savePool') pools.set(write.pool.name, write.pool);
      else if (write.type === 'removePool') pools.set(write.name, null);
      else setRow(allocations, write.pool, write.owner, null);
    }
  }
  const read = emptySpace(state.version);
  read.full = false;
  for (const [name, pool] of pools) {
    if (pool === null) read.deletedPools.push(name);
    else read.pools.push(copy(pool));
  }
  for (const [pool, byOwner] of allocations) {
    for (const [owner, allocation] of byOwner) {
      if (allocation === null) read.deletedAllocations.push({ pool, owner });
      else read.allocations.push(copy(allocation));
    }
  }
  return read;
}

function appendToLog(state: MemorySpace, writes: LoggedWrite[]): void {
  const log = state.log;
  log.push(writes);
  state.logWrites += writes.length;
  while (state.logWrites > HISTORY_WRITES && log.length - state.logHead > 1) {
    state.logWrites -= log[state.logHead]!.length;
    log[state.logHead] = undefined;
    state.logHead += 1;
    state.logFrom += 1;
  }
  // Dropped entries are cut off once they are half the array: shift() moved every later entry
  // for each commit, 16,384 of them when each commit writes one row (half of a lone caller's
  // time on this store).
  if (state.logHead > 1024 && state.logHead * 2 > log.length) {
    log.splice(0, state.logHead);
    state.logHead = 0;
  }
}

/**
 * Adds a commit's events to the trail, each with the record it is about when the commit saved
 * it. The engine saves a record just before its event, so the saved records are matched in
 * order, one cursor over the writes: a map of the commit's records by owner cost a set and a
 * get for each allocation. An event that is about no saved record, or comes out of that order,
 * keeps its own owner and CIDR: the same trail, a little more memory.
 */
function pushAudit(audit: AuditColumns, events: AuditEvent[], writes: LoggedWrite[]): void {
  let next = 0;
  for (const event of events) {
    while (next < writes.length && !isRecord(writes[next])) next++;
    const saved = writes[next] as AllocationRecord | undefined;
    if (saved !== undefined && saved.owner === event.owner && saved.pool === event.pool && saved.cidr === event.cidr) {
      audit.push(event, saved);
      next++;
    } else {
      audit.push(event);
    }
  }
}

/** A write as the store keeps it: a frozen allocation record is shared, anything else copied. */
function toLogged(write: StoreWrite): LoggedWrite {
  if (write.type === 'saveAllocation') return isFrozenRecord(write.allocation) ? write.allocation : copy(write.allocation);
  return copy(write);
}

/**
 * Deep copy of plain JSON data, which is all a store holds (strings, numbers, booleans, arrays,
 * plain objects). A hand-written walk: structuredClone serialises and deserialises, which costs
 * more than the allocation a record describes. Object.assign copies a level in one step (V8
 * clones the object's shape rather than adding its properties one by one); only the nested
 * objects (a write's record, a record's labels) need another level.
 */
function copy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  // A ledger entry's toJSON already makes a new object: copying it again would be a waste.
  const plain = plainData(value);
  const out = (plain === value ? Object.assign({}, value) : plain) as Record<string, unknown>;
  for (const key in out) {
    const field = out[key];
    if (typeof field === 'object' && field !== null) out[key] = copy(field);
  }
  return out as T;
}

