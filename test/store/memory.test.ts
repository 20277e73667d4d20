import { MemoryStore } from '../../provider/src/store/memory';
import { expect } from 'chai';
import { allocationRecord, poolRecord } from '../support/records';
import { storeContract } from './contract';

storeContract('memory', () => {
  const store = new MemoryStore();
  // Handles on one in-process state share the object; close() is a no-op for the shared one.
  return {
    open: async () => store,
    reopen: async () => Object.assign(Object.create(store) as MemoryStore, { close: async () => undefined }),
    enforcesUniqueBlocks: false,
  };
});

describe('MemoryStore: its bounded history of writes', () => {
  // The store keeps the last 16,384 writes for delta reads; a reader further behind reads the
  // space whole. 40,000 one-write commits take the history past its bound more than twice, so
  // the dropped entries are cut off the log at least once.
  const COMMITS = 40_000;
  const OWNERS = 500;
  const HISTORY = 16_384;
  const cidrOf = (version: number) => `10.${version >> 8}.${version & 255}.0/24`;

  async function writtenStore(): Promise<MemoryStore> {
    const store = new MemoryStore();
    await store.commit({ space: 'h', expectedVersion: 0, writes: [{ type: 'savePool', pool: poolRecord('p', '10.0.0.0/8') }], audit: [] });
    for (let version = 2; version <= COMMITS; version++) {
      const allocation = allocationRecord('p', `o${version % OWNERS}`, cidrOf(version));
      const result = await store.commit({ space: 'h', expectedVersion: version - 1, writes: [{ type: 'saveAllocation', allocation }], audit: [] });
      expect(result).to.deep.equal({ ok: true, version });
    }
    return store;
  }

  /** Owner -> CIDR of the last write of each owner in versions (since, COMMITS]. */
  function lastWritesAfter(since: number): Map<string, string> {
    const rows = new Map<string, string>();
    for (let version = Math.max(since + 1, 2); version <= COMMITS; version++) rows.set(`o${version % OWNERS}`, cidrOf(version));
    return rows;
  }

  it('answers a read since any version within the last 16,384 writes with exactly what changed, and an older one with the whole space', async () => {
    const store = await writtenStore();
    for (const since of [COMMITS - 1, COMMITS - 100, COMMITS - 700, COMMITS - HISTORY]) {
      const read = await store.read('h', since);
      expect(read.full, `since ${since}`).to.equal(false);
      expect(read.version).to.equal(COMMITS);
      expect(new Map(read.allocations.map((a) => [a.owner, a.cidr])), `since ${since}`).to.deep.equal(lastWritesAfter(since));
    }
    const behind = await store.read('h', COMMITS - HISTORY - 1);
    expect(behind.full).to.equal(true);
    expect(behind.pools.map((p) => p.name)).to.deep.equal(['p']);
    expect(new Map(behind.allocations.map((a) => [a.owner, a.cidr]))).to.deep.equal(lastWritesAfter(0));
  });
});
