import { BackendInfo } from '../model/api';
import { AllocationRecord, AuditEvent, PoolRecord } from '../model/records';

/**
 * The state backend, as narrow as the engine needs. A store holds address spaces; each space
 * has a version that every commit bumps by one, and every row remembers the version that last
 * wrote it, so a reader that knows version v can ask for just what changed since v.
 *
 * Implementations: memory (tests), SQLite file (embedded default), PostgreSQL, Kubernetes
 * custom resources. All pass the same contract suite (test/store/contract.ts).
 */
export interface Store {
  /** "memory", "sqlite", "postgres", "kubernetes": shown in diagnostics. */
  readonly kind: string;

  /**
   * The space as of its current version: everything (`full`), or, when `since` is given and the
   * store still has the history, only the rows written after `since`. A space never written
   * reads as version 0 and empty.
   */
  read(space: string, since?: number): Promise<SpaceRead>;

  /**
   * Applies the writes, in order, atomically, if and only if the space is still at
   * `expectedVersion`; the space is then at expectedVersion + 1. Otherwise changes nothing and
   * says so: the engine catches up and decides again. Throws an IpamError other than
   * STORE_UNAVAILABLE only to refuse the writes themselves before applying any (the Kubernetes
   * ledger's LEDGER_TOO_LARGE); any other failure may or may not have been applied.
   */
  commit(request: CommitRequest): Promise<CommitResult>;

  listSpaces(): Promise<string[]>;

  /** Newest first. */
  listAudit(space: string, pool: string, limit: number): Promise<AuditEvent[]>;

  /**
   * Which backend instance holds `space` (IpamApi.backend): an id made once, at random, and kept
   * with the data itself (a SQLite file's meta table, the PostgreSQL database, the namespace's
   * ledger object), so a copy of the data keeps it and a new, empty backend never has it.
   */
  identity(space: string): Promise<BackendInfo>;

  /** Resolves when the backend answers (readiness probes). */
  ping(): Promise<void>;

  close(): Promise<void>;
}

export interface SpaceRead {
  version: number;
  /** True: the lists below are the whole space. False: only what changed after `since`. */
  full: boolean;
  pools: PoolRecord[];
  deletedPools: string[];
  allocations: AllocationRecord[];
  deletedAllocations: AllocationKey[];
}

export interface AllocationKey {
  pool: string;
  owner: string;
}

export type StoreWrite =
  | { type: 'savePool'; pool: PoolRecord }
  | { type: 'removePool'; name: string }
  | { type: 'saveAllocation'; allocation: AllocationRecord }
  | { type: 'removeAllocation'; pool: string; owner: string };

export interface CommitRequest {
  space: string;
  expectedVersion: number;
  writes: StoreWrite[];
  audit: AuditEvent[];
}

export type CommitResult = { ok: true; version: number } | { ok: false; version: number };

export function emptySpace(version = 0): SpaceRead {
  return { version, full: true, pools: [], deletedPools: [], allocations: [], deletedAllocations: [] };
}
