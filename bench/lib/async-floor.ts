import { setImmediate as nextTurn } from 'node:timers/promises';
import { PoolLedger } from '../../provider/src/allocator/pool-ledger';
import { AllocationRecord } from '../../provider/src/model/records';
import { Shape, allocateInLedger, requestFor } from './pools';

/** As many queued calls as EngineCore decides in one batch (its default maxBatch). */
const MAX_BATCH = 512;

interface Queued {
  owner: string;
  resolve: (record: AllocationRecord) => void;
}

/**
 * The least any promise-returning allocator costs: the bare allocator (the same function
 * `fillLedger` runs) behind a promise per call, the calls queued and decided in batches on the
 * next turn of the event loop, as EngineCore.drain takes them. No validation, no store, no
 * compare-and-swap, no answer beyond the record: what is left of the engine is what no
 * asynchronous API can avoid (a promise, its resolution and the caller's await per call),
 * which bounds the engine's share of the bare allocator from above.
 */
export class AsyncFloor {
  private readonly queue: Queued[] = [];
  private draining = false;

  constructor(
    private readonly ledger: PoolLedger,
    private readonly shape: Shape,
    private readonly creator: string,
  ) {}

  allocate(owner: string): Promise<AllocationRecord> {
    return new Promise((resolve) => {
      this.queue.push({ owner, resolve });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    for (await nextTurn(); this.queue.length > 0; await nextTurn()) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const granted = batch.map((call) => allocateInLedger(this.ledger, requestFor(this.shape, call.owner, this.creator)));
      for (let i = 0; i < batch.length; i++) batch[i].resolve(granted[i]);
    }
    this.draining = false;
  }
}

/** `count` allocations from `clients` concurrent callers of the floor, as allocateConcurrently drives the engine. */
export async function allocateThroughFloor(floor: AsyncFloor, count: number, prefix: string, clients: number): Promise<void> {
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < count) await floor.allocate(`${prefix}${next++}`);
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, caller));
}
