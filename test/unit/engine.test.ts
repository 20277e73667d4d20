import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { expectIpamError } from '../support/expect-error';
import { FaultyStore } from '../support/faulty-store';

const noWait = { sleep: async () => undefined };

/**
 * The engine's internals, on the memory store (behind a FaultyStore that counts commits and
 * fails on demand): batching, retries under contention, backend failures, lost replies. Its
 * rules as users meet them run on every backend: test/behaviour/.
 */
describe('engine internals (memory store, FaultyStore)', () => {
  describe('commits, batching, CONTENTION, STORE_UNAVAILABLE, lost-reply retries', () => {
    it('batches concurrent operations on one space into few commits, each caller getting its own answer', async () => {
      const store = new FaultyStore();
      const ipam = Ipam.create(store);
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/16', defaultPrefixLength: 28 });
      store.commits = 0;
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => ipam.allocate({ pool: 'p', owner: `o${i}` })));
      expect(new Set(results.map((r) => r.cidr)).size).to.equal(200);
      expect(results[199].cidr).to.equal('10.0.12.112/28');
      expect(store.commits).to.be.lessThan(10);
    });

    it('gives up with CONTENTION after the retry bound, having changed nothing', async () => {
      const store = new FaultyStore();
      const ipam = Ipam.create(store, { ...noWait, retry: { maxAttempts: 5 } });
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24' });
      store.commitFault = 'conflict';
      store.commits = 0;
      await expectIpamError(ipam.allocate({ pool: 'p', owner: 'a', prefixLength: 26 }), 'CONTENTION',
        'address space "default" kept changing under 5 attempts to commit; other writers are too busy, try again');
      expect(store.commits).to.equal(5);
      store.commitFault = 'none';
      expect(await ipam.listAllocations({ pool: 'p' })).to.deep.equal([]);
    });

    it('reports an unreachable backend as STORE_UNAVAILABLE, whichever call meets it', async () => {
      const store = new FaultyStore();
      const ipam = Ipam.create(store);
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24' });
      store.failReads = true;
      store.inner.listSpaces = () => Promise.reject(new Error('connection refused'));
      store.inner.listAudit = () => Promise.reject(new Error('connection refused'));
      // Called one at a time: a rejection nobody awaits yet would be reported as unhandled.
      const calls: (() => Promise<unknown>)[] = [
        () => ipam.listPools({ space: 'default' }),
        () => ipam.listPools(),
        () => ipam.find({ ip: '10.0.0.1' }),
        () => ipam.check({ pool: 'p' }),
        () => ipam.listAudit({ pool: 'p' }),
      ];
      for (const call of calls) await expectIpamError(call(), 'STORE_UNAVAILABLE', 'the memory state backend failed: connection refused');
    });

    it('a create whose commit reply was lost is retried by owner key and gets the same block: nothing leaks', async () => {
      const store = new FaultyStore();
      const ipam = Ipam.create(store);
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', defaultPrefixLength: 28 });
      store.commitFault = 'lost-reply';
      await expectIpamError(ipam.allocate({ pool: 'p', owner: 'web' }), 'STORE_UNAVAILABLE', 'the memory state backend failed: socket hang up');
      store.commitFault = 'none';
      const retried = await ipam.allocate({ pool: 'p', owner: 'web' });
      expect(retried.cidr).to.equal('10.0.0.0/28');
      expect((await ipam.listAllocations({ pool: 'p' })).length).to.equal(1);
    });
  });
});
