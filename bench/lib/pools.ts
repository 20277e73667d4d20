import { AllocationRequest, planAllocation } from '../../provider/src/allocator/allocate';
import { PoolLedger } from '../../provider/src/allocator/pool-ledger';
import { Ipam } from '../../provider/src/engine/ipam';
import { AllocateInput } from '../../provider/src/model/api';
import { AllocationRecord, PoolRecord } from '../../provider/src/model/records';
import { Store } from '../../provider/src/engine/store';

/** What one allocation asks for: a block of a size, or a host address. */
export type Shape = { kind: 'prefix'; prefixLength: number } | { kind: 'host' };

export function describeShape(shape: Shape): string {
  return shape.kind === 'host' ? 'host addresses' : `/${shape.prefixLength} blocks`;
}

export function poolRecord(cidr: string, options: { gateway?: string } = {}): PoolRecord {
  const record: PoolRecord = {
    name: 'bench',
    cidr,
    strategy: 'first-fit',
    reserved: [],
    gracePeriodSeconds: 86_400,
    kind: 'pool',
    createdAt: new Date().toISOString(),
  };
  if (options.gateway !== undefined) record.gateway = options.gateway;
  return record;
}

/** Owner keys are unique across a whole benchmark: `${prefix}${n}`. */
export function requestFor(shape: Shape, owner: string, creator?: string): AllocationRequest {
  const request: AllocationRequest = shape.kind === 'host' ? { owner, kind: 'host' } : { owner, kind: 'prefix', prefixLength: shape.prefixLength };
  if (creator !== undefined) request.creator = creator;
  return request;
}

function inputFor(shape: Shape, owner: string): AllocateInput {
  return shape.kind === 'host' ? { pool: 'bench', owner, kind: 'host' } : { pool: 'bench', owner, prefixLength: shape.prefixLength };
}

/**
 * The pure allocator level: planAllocation, then the plan applied to the ledger as the engine's
 * space state does it (reclaimed blocks out, the owner's previous record out, the new one in).
 * The clock is read per allocation, as a caller without batches would.
 */
export function allocateInLedger(ledger: PoolLedger, request: AllocationRequest, nowMs = Date.now()): AllocationRecord {
  const plan = planAllocation(ledger, request, nowMs);
  if (plan.action === 'existing') return plan.record;
  for (const owner of plan.reclaim) ledger.removeAllocation(owner);
  ledger.removeAllocation(plan.record.owner);
  ledger.addAllocation(plan.record, plan.block);
  return plan.record;
}

/**
 * Allocates `count` blocks in the ledger, owners `${prefix}0`..; returns the granted CIDRs.
 * `creator` is recorded on each record, as the engine records who asked.
 */
export function fillLedger(ledger: PoolLedger, shape: Shape, count: number, prefix: string, creator?: string): string[] {
  const granted: string[] = [];
  for (let i = 0; i < count; i++) granted.push(allocateInLedger(ledger, requestFor(shape, `${prefix}${i}`, creator)).cidr);
  return granted;
}

/** An engine over `store` with pool "bench" created. */
export async function enginePool(store: Store, cidr: string, options: { gateway?: string } = {}): Promise<Ipam> {
  const ipam = Ipam.create(store, { actor: 'bench' });
  await ipam.createPool({ name: 'bench', cidr, gateway: options.gateway ?? false, gracePeriodSeconds: 86_400 });
  return ipam;
}

/**
 * Allocates `count` blocks through the engine from `clients` concurrent callers, each awaiting
 * its answer before asking again (1 client: strictly sequential). What the callers have queued
 * while a commit runs, the engine decides and commits together. Owners `${prefix}0`..
 * A failed allocation rejects, unless `errors` is given: then its message is collected there.
 */
export async function allocateConcurrently(
  ipam: Ipam,
  shape: Shape,
  count: number,
  prefix: string,
  clients: number,
  errors?: string[],
): Promise<void> {
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < count) {
      const allocation = ipam.allocate(inputFor(shape, `${prefix}${next++}`));
      if (errors === undefined) await allocation;
      else await allocation.catch((e: unknown) => errors.push(e instanceof Error ? e.message : String(e)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, caller));
}
