import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { Store } from '../../provider/src/engine/store';
import { MemoryStore } from '../../provider/src/store/memory';
import { expectIpamError } from '../support/expect-error';

/** A real memory store that counts the reads and commits the engine makes. */
function counted(inner = new MemoryStore()): { store: Store; reads: () => number; commits: () => number } {
  let [reads, commits] = [0, 0];
  const store: Store = Object.create(inner) as Store;
  store.read = (space, since) => ((reads += 1), inner.read(space, since));
  store.commit = (request) => ((commits += 1), inner.commit(request));
  return { store, reads: () => reads, commits: () => commits };
}

describe('engine: decisions on the cached state, proven by the commit', () => {
  it('commits a warm allocation without reading the store first', async () => {
    const { store, reads, commits } = counted();
    const ipam = Ipam.create(store);
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', defaultPrefixLength: 28 });
    const [readsBefore, commitsBefore] = [reads(), commits()];
    for (const owner of ['a', 'b', 'c']) await ipam.allocate({ pool: 'p', owner });
    expect({ reads: reads() - readsBefore, commits: commits() - commitsBefore }).to.deep.equal({ reads: 0, commits: 3 });
  });

  it('an answer that writes nothing is checked against the store: another process\'s pool is found', async () => {
    const shared = new MemoryStore();
    const [a, b] = [Ipam.create(shared), Ipam.create(shared)];
    await a.createPool({ name: 'first', cidr: '10.0.0.0/24' });
    expect((await b.getPool({ pool: 'first' })).name).to.equal('first');
    await a.createPool({ name: 'second', cidr: '10.1.0.0/24' });
    // b's cache predates "second": decided alone it would be POOL_NOT_FOUND.
    expect((await b.getPool({ pool: 'second' })).cidr).to.equal('10.1.0.0/24');
    await expectIpamError(b.getPool({ pool: 'third' }), 'POOL_NOT_FOUND',
      'pool: no pool "third" in address space "default"; list pools with `ipam pool list`');
  });

  it('a decision on a stale cache loses its compare-and-swap and is made again: no block twice, owners keep theirs', async () => {
    const shared = new MemoryStore();
    const [a, b] = [Ipam.create(shared), Ipam.create(shared)];
    await a.createPool({ name: 'p', cidr: '10.0.0.0/24', defaultPrefixLength: 28 });
    await b.getPool({ pool: 'p' });
    const x = await a.allocate({ pool: 'p', owner: 'x' });
    // b's cache has no "x": it picks 10.0.0.0/28 for "y", loses the race, catches up, and picks again.
    const y = await b.allocate({ pool: 'p', owner: 'y' });
    const again = await b.allocate({ pool: 'p', owner: 'x' });
    expect([x.cidr, y.cidr, again.cidr]).to.deep.equal(['10.0.0.0/28', '10.0.0.16/28', '10.0.0.0/28']);
  });
});
