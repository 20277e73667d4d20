import type * as Consistency from '../allocator/consistency';
import { LedgerAllocation } from '../allocator/pool-ledger';
import { ConsistencyReport } from '../model/reports';
import { errors } from '../errors';
import {
  ActingFor,
  AllocateInput,
  AllocationInfo,
  Availability,
  AvailabilityInput,
  BackendInfo,
  CreatePoolInput,
  FindResult,
  IpamApi,
  OwnerRef,
  PoolInfo,
  PoolRef,
  SelectorAllocateInput,
  SliceInfo,
  SliceInput,
  SliceRef,
  UpdatePoolInput,
} from '../model/api';
import { ImportInput } from '../model/import';
import { ImportResult } from '../model/import-result';
import { AuditEvent } from '../model/records';
import { parseAddress } from '../net/address';
import { containsAddress } from '../net/cidr';
import { Store } from './store';
import { SpaceTx } from './space-tx';
import { isAvailable, release } from './allocation-ops';
import { allocateBySelector, allocateWithPolicy, createPoolWithPolicy, quotaUsageOf } from './policy-ops';
import { EngineCore, EngineOptions } from './engine-core';
import type * as ImportOps from './import-ops';
import { EngineObserver } from './instrumentation';
import { deletePool, updatePool } from './pool-ops';
import type * as SliceOps from './slice-ops';
import { checkName, checkOwner, checkPrefixLength, checkSpace } from '../model/validate';
import { allocationInfo, poolInfo } from './views';

/*
 * What only `ipam check`, an import and the slices use is loaded on their first call, inside it,
 * so nothing else changes order: a command like `ipam pool list` never loads these modules.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const consistency = (): typeof Consistency => require('../allocator/consistency');
const importOps = (): typeof ImportOps => require('./import-ops');
const sliceOps = (): typeof SliceOps => require('./slice-ops');
/* eslint-enable @typescript-eslint/no-require-imports */

export interface IpamOptions extends EngineOptions {
  /** Recorded in the audit trail as who made each change. */
  actor?: string;
}

/** The in-process IpamApi: validation and decisions here, state in the Store. */
export class Ipam implements IpamApi {
  private constructor(
    private readonly core: EngineCore,
    private readonly actor: string,
  ) {}

  static create(store: Store, options: IpamOptions = {}): Ipam {
    return new Ipam(new EngineCore(store, options), options.actor ?? 'ipam');
  }

  /** The same engine, recording another actor in the audit trail (the HTTP service's token name). */
  as(actor: string): Ipam {
    return new Ipam(this.core, actor);
  }

  get store(): Store {
    return this.core.store;
  }

  /** Tells `observer` of every batch and commit of this engine (the service's metrics); returns the way to stop. */
  observe(observer: EngineObserver): () => void {
    return this.core.instrumentation.observe(observer);
  }

  async createPool(input: CreatePoolInput): Promise<PoolInfo> {
    const space = checkSpace(input.space);
    return this.core.run(space, this.actor, (tx) => withQuotaUsage(tx, poolInfo(space, tx.pool(createPoolWithPolicy(tx, input).name), tx.nowMs)));
  }

  async updatePool(input: UpdatePoolInput): Promise<PoolInfo> {
    const space = checkSpace(input.space);
    return this.core.run(space, this.actor, (tx) => withQuotaUsage(tx, poolInfo(space, tx.pool(updatePool(tx, input).name), tx.nowMs)));
  }

  async deletePool(ref: PoolRef & ActingFor): Promise<void> {
    return this.core.run(checkSpace(ref.space), this.actor, (tx) => deletePool(tx, ref.pool, ref));
  }

  async getPool(ref: PoolRef & { prefixLength?: number }): Promise<PoolInfo> {
    const space = checkSpace(ref.space);
    return this.core.run(space, this.actor, (tx) => {
      const ledger = tx.pool(checkName(ref.pool, 'pool'));
      // Block counts for a size the pool cannot hold would be figures about nothing: refused.
      const prefixLength = ref.prefixLength === undefined ? undefined : checkPrefixLength(ref.prefixLength, 'prefixLength', ledger.cidr);
      return withQuotaUsage(tx, poolInfo(space, ledger, tx.nowMs, prefixLength));
    });
  }

  async listPools(filter: { space?: string } = {}): Promise<PoolInfo[]> {
    const spaces = filter.space === undefined ? await this.core.direct((store) => store.listSpaces()) : [checkSpace(filter.space)];
    const lists = await Promise.all(
      spaces.map((space) =>
        this.core.run(space, this.actor, (tx) => [...tx.state.pools.values()].map((ledger) => withQuotaUsage(tx, poolInfo(space, ledger, tx.nowMs)))),
      ),
    );
    return lists.flat().sort((a, b) => a.space.localeCompare(b.space) || a.name.localeCompare(b.name));
  }

  // The allocation methods are not async: an async method would wrap the engine's promise in
  // another (one more promise and two more microtask turns per call, on the hottest path).
  allocate(input: AllocateInput): Promise<AllocationInfo> {
    // Decide first: the operation validates the pool name before anything looks the pool up.
    return this.runIn(input, allocateAnswer, input);
  }

  allocateBySelector(input: SelectorAllocateInput): Promise<AllocationInfo> {
    return this.runIn(input, (tx) => answer(tx, allocateBySelector(tx, input)));
  }

  release(input: OwnerRef & ActingFor): Promise<AllocationInfo> {
    return this.runIn(input, (tx) => answer(tx, release(tx, input)));
  }

  getAllocation(input: OwnerRef): Promise<AllocationInfo | undefined> {
    return this.runIn(input, (tx) => {
      const ledger = tx.pool(checkName(input.pool, 'pool'));
      const entry = ledger.allocations.get(checkOwner(input.owner));
      return entry === undefined ? undefined : allocationInfo(tx.space, ledger, entry);
    });
  }

  /** core.run in the space `input.space` names; a bad name rejects the promise, as an async method's throw would. */
  private runIn<T, A = undefined>(input: { space?: string }, fn: (tx: SpaceTx, argument: A) => T, argument?: A): Promise<T> {
    let space: string;
    try {
      space = checkSpace(input.space);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.core.run(space, this.actor, fn, argument);
  }

  async listAllocations(ref: PoolRef): Promise<AllocationInfo[]> {
    const space = checkSpace(ref.space);
    return this.core.run(space, this.actor, (tx) => {
      const ledger = tx.pool(checkName(ref.pool, 'pool'));
      return [...ledger.allocations.values()]
        .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
        .map((entry) => allocationInfo(space, ledger, entry));
    });
  }

  async isAvailable(input: AvailabilityInput): Promise<Availability> {
    return this.core.run(checkSpace(input.space), this.actor, (tx) => isAvailable(tx, input));
  }

  /** Every pool holding the address, outermost first, with the allocation or reservation holding it. */
  async find(input: { ip: string; space?: string }): Promise<FindResult[]> {
    const address = parseAddress(input.ip, 'ip');
    const spaces = input.space === undefined ? await this.core.direct((store) => store.listSpaces()) : [checkSpace(input.space)];
    const found = await Promise.all(
      spaces.map((space) =>
        this.core.run(space, this.actor, (tx) =>
          [...tx.state.pools.values()]
            .filter((ledger) => containsAddress(ledger.cidr, address))
            .sort((a, b) => a.cidr.prefix - b.cidr.prefix)
            .map((ledger): FindResult => {
              const result: FindResult = { space, pool: ledger.record.name, poolCidr: ledger.record.cidr };
              const occupant = ledger.occupantAt(address.value);
              if (occupant?.type === 'allocation') {
                result.allocation = allocationInfo(space, ledger, ledger.allocations.get(occupant.owner)!);
              } else if (occupant?.type === 'reserved') {
                result.reserved = true;
              }
              return result;
            }),
        ),
      ),
    );
    return found.flat();
  }

  /** Checks what the store holds (not this process's cache) for overlaps, duplicates and strays. */
  async check(ref: PoolRef): Promise<ConsistencyReport> {
    const space = checkSpace(ref.space);
    const name = checkName(ref.pool, 'pool');
    const read = await this.core.direct((store) => store.read(space));
    const pool = read.pools.find((p) => p.name === name);
    if (pool === undefined) {
      throw errors.POOL_NOT_FOUND({ case: 'pool', field: 'pool', pool: name, space });
    }
    return consistency().checkConsistency(
      pool,
      read.allocations.filter((a) => a.pool === name),
      read.pools.filter((p) => p.parent === name),
    );
  }

  async listAudit(ref: PoolRef & { limit?: number }): Promise<AuditEvent[]> {
    const [space, pool] = [checkSpace(ref.space), checkName(ref.pool, 'pool')];
    return this.core.direct((store) => store.listAudit(space, pool, ref.limit ?? 100));
  }

  async syncSlice(input: SliceInput): Promise<SliceInfo> {
    const space = checkSpace(input.namespace, 'namespace');
    return this.core.run(space, this.actor, (tx) => {
      const slices = sliceOps();
      return slices.sliceInfo(space, tx.pool(slices.syncSlice(tx, input)), tx.nowMs);
    });
  }

  async getSlice(ref: SliceRef): Promise<SliceInfo> {
    const space = checkSpace(ref.namespace, 'namespace');
    return this.core.run(space, this.actor, (tx) => {
      const slices = sliceOps();
      return slices.sliceInfo(space, slices.sliceLedger(tx, ref), tx.nowMs);
    });
  }

  async deleteSlice(ref: SliceRef & ActingFor): Promise<void> {
    return this.core.run(checkSpace(ref.namespace, 'namespace'), this.actor, (tx) => sliceOps().deleteSlice(tx, ref));
  }

  /** Pools and allocations of one space, decided together and committed with one compare-and-swap (see import-ops). */
  async importRecords(input: ImportInput): Promise<ImportResult> {
    return this.core.run(checkSpace(input.space), this.actor, (tx) => importOps().importRows(tx, input));
  }

  async backend(ref: { space?: string }): Promise<BackendInfo> {
    const space = checkSpace(ref.space);
    return this.core.direct((store) => store.identity(space));
  }

  close(): Promise<void> {
    return this.core.store.close();
  }
}

/** allocate, decided: a module function given its input, so no closure is made for each call. */
function allocateAnswer(tx: SpaceTx, input: AllocateInput): AllocationInfo {
  return answer(tx, allocateWithPolicy(tx, input));
}

/** What a caller reads about the allocation an operation left: its entry in the ledger. */
function answer(tx: SpaceTx, entry: LedgerAllocation): AllocationInfo {
  return allocationInfo(tx.space, tx.pool(entry.record.pool), entry);
}

/** The pool's figures plus its usage against each quota that binds it (policy-ops), when there are any. */
function withQuotaUsage(tx: SpaceTx, info: PoolInfo): PoolInfo {
  const usage = quotaUsageOf(tx, tx.pool(info.name));
  if (usage !== undefined) info.quotaUsage = usage;
  return info;
}
