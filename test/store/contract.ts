import { expect } from 'chai';
import fc from 'fast-check';
import { Ipam } from '../../provider/src/engine/ipam';
import { AllocationRecord, AuditEvent, PoolRecord } from '../../provider/src/model/records';
import { BackendConfig } from '../../provider/src/backends/open';
import { SpaceRead, Store } from '../../provider/src/engine/store';
import { runAllocationWorkers } from '../support/processes';
import { allocationRecord, poolRecord } from '../support/records';

/**
 * The behaviour every Store must have, run against each implementation. A store that passes
 * can carry the engine: reads (whole and delta), compare-and-swap commits, ordered writes,
 * audit, and many allocators at once without a duplicate.
 */
export interface StoreHarness {
  /** A store over fresh, empty state. */
  open(): Promise<Store>;
  /** Another handle on the same state (another connection, client, file handle). */
  reopen(): Promise<Store>;
  /** How a child process opens the same state; absent when the state lives only in this process. */
  processConfig?(): BackendConfig;
  /** Whether the backend itself refuses a block held twice in a space (SQL constraints). */
  enforcesUniqueBlocks: boolean;
  /**
   * What of a read the contract's assertions look at, when the spaces it writes already hold
   * records of their own (a busy namespace); engines always get the whole store. Versions are
   * counted from what each space held when opened. Default: everything.
   */
  visible?(read: SpaceRead): SpaceRead;
  /** How long the worker processes may run before they count as hung; default runTs's 2 minutes. */
  workerTimeoutMs?: number;
}

const pool = poolRecord;
const allocation = allocationRecord;

/** Applies a read (whole or delta) to a materialised view, as the engine does. */
function materialise(view: { pools: Map<string, PoolRecord>; allocations: Map<string, AllocationRecord> }, read: SpaceRead): void {
  if (read.full) {
    view.pools.clear();
    view.allocations.clear();
  }
  for (const name of read.deletedPools) view.pools.delete(name);
  for (const key of read.deletedAllocations) view.allocations.delete(`${key.pool}/${key.owner}`);
  for (const p of read.pools) view.pools.set(p.name, p);
  for (const a of read.allocations) view.allocations.set(`${a.pool}/${a.owner}`, a);
}

export function storeContract(name: string, harness: () => StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    /** The store's read, as far as the contract looks (StoreHarness.visible). */
    const read = async (space: string): Promise<SpaceRead> => {
      const whole = await store.read(space);
      return h.visible?.(whole) ?? whole;
    };
    const versionOf = async (space: string): Promise<number> => (await store.read(space)).version;
    beforeEach(async () => {
      h = harness();
      store = await h.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('reads a space never written as version 0 and empty', async () => {
      expect(await store.read('nothing-here')).to.deep.include({ version: 0, full: true, pools: [], allocations: [] });
    });

    it('commits at the expected version and bumps it by one; round-trips records exactly', async () => {
      const p = pool('net', '10.0.0.0/16', { gateway: '10.0.0.1', labels: { team: 'a' }, description: 'd', defaultPrefixLength: 24 });
      const a = allocation('net', 'owner-1', '10.0.1.0/24', { labels: { x: 'y' }, description: 'first' });
      const v = await versionOf('default');
      const result = await store.commit({ space: 'default', expectedVersion: v, writes: [{ type: 'savePool', pool: p }, { type: 'saveAllocation', allocation: a }], audit: [] });
      expect(result).to.deep.equal({ ok: true, version: v + 1 });
      const after = await read('default');
      expect(after.version).to.equal(v + 1);
      expect(after.pools).to.deep.equal([p]);
      expect(after.allocations).to.deep.equal([a]);
      expect(await store.listSpaces()).to.include('default');
    });

    it('refuses a commit at a stale version and changes nothing', async () => {
      const v = await versionOf('s');
      await store.commit({ space: 's', expectedVersion: v, writes: [{ type: 'savePool', pool: pool('a', '10.0.0.0/8') }], audit: [] });
      const stale = await store.commit({ space: 's', expectedVersion: v, writes: [{ type: 'savePool', pool: pool('b', '11.0.0.0/8') }], audit: [] });
      expect(stale).to.deep.equal({ ok: false, version: v + 1 });
      const after = await read('s');
      expect(after.pools.map((p) => p.name)).to.deep.equal(['a']);
      expect(after.version).to.equal(v + 1);
    });

    it('keeps spaces apart', async () => {
      const [one, two] = [await versionOf('one'), await versionOf('two')];
      await store.commit({ space: 'one', expectedVersion: one, writes: [{ type: 'savePool', pool: pool('a', '10.0.0.0/8') }], audit: [] });
      await store.commit({ space: 'two', expectedVersion: two, writes: [{ type: 'savePool', pool: pool('a', '10.0.0.0/8') }], audit: [] });
      expect((await read('one')).version).to.equal(one + 1);
      expect((await read('two')).pools).to.have.length(1);
    });

    it('applies the writes of one commit in order (a block freed and retaken in one commit)', async () => {
      const v = await versionOf('o');
      await store.commit({
        space: 'o', expectedVersion: v, audit: [],
        writes: [{ type: 'savePool', pool: pool('p', '10.0.0.0/24') }, { type: 'saveAllocation', allocation: allocation('p', 'old', '10.0.0.0/25') }],
      });
      const r = await store.commit({
        space: 'o', expectedVersion: v + 1, audit: [],
        writes: [{ type: 'removeAllocation', pool: 'p', owner: 'old' }, { type: 'saveAllocation', allocation: allocation('p', 'new', '10.0.0.0/25') }],
      });
      expect(r.ok).to.equal(true);
      expect((await read('o')).allocations.map((a) => a.owner)).to.deep.equal(['new']);
    });

    it('answers "what changed since v" so that applying it to v gives the current state (deletes included)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              fc.record({ t: fc.constant('put' as const), owner: fc.nat(6), block: fc.nat(255) }),
              fc.record({ t: fc.constant('del' as const), owner: fc.nat(6) }),
              fc.record({ t: fc.constant('pool' as const), n: fc.nat(2) }),
              fc.record({ t: fc.constant('unpool' as const), n: fc.nat(2) }),
            ),
            { minLength: 1, maxLength: 25 },
          ),
          fc.nat(25),
          async (ops, checkpointAt) => {
            const space = `delta-${Math.random().toString(36).slice(2, 10)}`;
            let version = 0;
            let checkpoint: SpaceRead | undefined;
            const held = new Map<string, number>();
            for (const [i, op] of ops.entries()) {
              if (i === Math.min(checkpointAt, ops.length - 1)) checkpoint = await store.read(space);
              const writes =
                op.t === 'put'
                  ? [...held].some(([o, b]) => b === op.block && o !== `o${op.owner}`)
                    ? []
                    : [{ type: 'saveAllocation' as const, allocation: allocation('p', `o${op.owner}`, `10.0.${op.block}.0/24`) }]
                  : op.t === 'del'
                    ? [{ type: 'removeAllocation' as const, pool: 'p', owner: `o${op.owner}` }]
                    : op.t === 'pool'
                      ? [{ type: 'savePool' as const, pool: pool(`q${op.n}`, `11.${op.n}.0.0/16`) }]
                      : [{ type: 'removePool' as const, name: `q${op.n}` }];
              if (writes.length === 0) continue;
              const r = await store.commit({ space, expectedVersion: version, writes, audit: [] });
              expect(r.ok).to.equal(true);
              version += 1;
              if (op.t === 'put') held.set(`o${op.owner}`, op.block);
              if (op.t === 'del') held.delete(`o${op.owner}`);
            }
            const base = checkpoint ?? (await store.read(space));
            const view = { pools: new Map<string, PoolRecord>(), allocations: new Map<string, AllocationRecord>() };
            materialise(view, base);
            materialise(view, await store.read(space, base.version));
            const now = await store.read(space);
            expect([...view.pools.values()].sort((a, b) => a.name.localeCompare(b.name))).to.deep.equal(now.pools.sort((a, b) => a.name.localeCompare(b.name)));
            const key = (a: AllocationRecord) => `${a.pool}/${a.owner}`;
            expect([...view.allocations.values()].sort((a, b) => key(a).localeCompare(key(b)))).to.deep.equal(
              now.allocations.sort((a, b) => key(a).localeCompare(key(b))),
            );
          },
        ),
        { numRuns: 25 },
      );
    });

    it('names the backend holding a written space by one id, the same through another handle', async () => {
      await store.commit({ space: 'ident', expectedVersion: 0, writes: [{ type: 'savePool', pool: pool('a', '10.0.0.0/8') }], audit: [] });
      const mine = await store.identity('ident');
      expect(mine.id).to.be.a('string').with.length.greaterThan(8);
      expect(mine.kind).to.equal(store.kind);
      const other = await h.reopen();
      expect((await other.identity('ident')).id).to.equal(mine.id);
      await other.close();
    });

    it('lists the audit trail of a pool, newest first, bounded', async () => {
      const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
      const v = await versionOf('a');
      for (let i = 0; i < 3; i++) {
        await store.commit({
          space: 'a', expectedVersion: v + i, writes: [{ type: 'savePool', pool: pool('p', '10.0.0.0/8') }],
          audit: [{ at: at(i), pool: 'p', action: 'allocate', owner: `o${i}`, cidr: `10.${i}.0.0/16`, actor: 'alice' }],
        });
      }
      const events = await store.listAudit('a', 'p', 2);
      expect(events).to.deep.equal([
        { at: at(2), pool: 'p', action: 'allocate', owner: 'o2', cidr: '10.2.0.0/16', actor: 'alice' },
        { at: at(1), pool: 'p', action: 'allocate', owner: 'o1', cidr: '10.1.0.0/16', actor: 'alice' },
      ]);
    });

    it('lists a commit\'s events as given, whatever order its writes came in and whatever records they saved', async () => {
      const at = new Date(Date.UTC(2026, 0, 2)).toISOString();
      const v = await versionOf('order');
      await store.commit({ space: 'order', expectedVersion: v, audit: [], writes: [{ type: 'savePool', pool: pool('p', '10.0.0.0/8') }] });
      // Events about saved records, out of the writes' order; one naming a block its owner's
      // record does not hold; a reclaim of an owner saved again in the same commit.
      const audit: AuditEvent[] = [
        { at, pool: 'p', action: 'allocate', owner: 'b', cidr: '10.0.1.0/24', actor: 'alice' },
        { at, pool: 'p', action: 'reclaim', owner: 'a', cidr: '10.0.9.0/24', actor: 'alice' },
        { at, pool: 'p', action: 'allocate', owner: 'a', cidr: '10.0.0.0/24', actor: 'alice' },
        { at, pool: 'p', action: 'release', owner: 'c', cidr: '10.0.7.0/24', actor: 'bob' },
      ];
      await store.commit({
        space: 'order', expectedVersion: v + 1, audit,
        writes: ['a', 'b', 'c'].map((owner, i) => ({ type: 'saveAllocation' as const, allocation: allocation('p', owner, `10.0.${i}.0/24`) })),
      });
      expect(await store.listAudit('order', 'p', 10)).to.deep.equal([...audit].reverse());
    });

    it('refuses the same block held twice in a space when the backend enforces it', async function () {
      if (!h.enforcesUniqueBlocks) this.skip();
      const v = await versionOf('u');
      await store.commit({ space: 'u', expectedVersion: v, audit: [], writes: [{ type: 'savePool', pool: pool('p', '10.0.0.0/24') }, { type: 'saveAllocation', allocation: allocation('p', 'a', '10.0.0.0/26') }] });
      let failed = false;
      try {
        await store.commit({ space: 'u', expectedVersion: v + 1, audit: [], writes: [{ type: 'saveAllocation', allocation: allocation('p', 'b', '10.0.0.0/26') }] });
      } catch {
        failed = true;
      }
      expect(failed).to.equal(true);
      expect((await read('u')).allocations.map((a) => a.owner)).to.deep.equal(['a']);
    });

    it('lets two engines on two handles interleave and converge, with no block held twice', async () => {
      const other = await h.reopen();
      const a = Ipam.create(store);
      const b = Ipam.create(other);
      await a.createPool({ name: 'shared', cidr: '10.10.0.0/20', defaultPrefixLength: 26, gracePeriodSeconds: 0 });
      const work = Array.from({ length: 40 }, (_, i) => {
        const engine = i % 2 === 0 ? a : b;
        return i % 5 === 4 ? engine.release({ pool: 'shared', owner: `o${i - 1}` }).catch(() => undefined) : engine.allocate({ pool: 'shared', owner: `o${i}` });
      });
      await Promise.all(work);
      const viewA = (await a.listAllocations({ pool: 'shared' })).map((x) => [x.owner, x.cidr, x.status]);
      const viewB = (await b.listAllocations({ pool: 'shared' })).map((x) => [x.owner, x.cidr, x.status]);
      expect(viewA).to.deep.equal(viewB);
      const blocks = viewA.map((x) => x[1]);
      expect(new Set(blocks).size).to.equal(blocks.length);
      expect((await a.check({ pool: 'shared' })).issues).to.deep.equal([]);
      await other.close();
    });

    it('serves many concurrent allocators in one process without a duplicate', async () => {
      const engines = await Promise.all(Array.from({ length: 4 }, () => h.reopen()));
      const ipams = engines.map((s) => Ipam.create(s));
      await ipams[0].createPool({ name: 'busy', cidr: '10.20.0.0/16', defaultPrefixLength: 28 });
      const results = await Promise.all(
        ipams.flatMap((ipam, e) => Array.from({ length: 50 }, (_, i) => ipam.allocate({ pool: 'busy', owner: `e${e}-${i}` }))),
      );
      const cidrs = results.map((r) => r.cidr);
      expect(new Set(cidrs).size).to.equal(200);
      expect((await ipams[0].check({ pool: 'busy' })).ok).to.equal(true);
      await Promise.all(engines.map((s) => s.close()));
    });

    it('serves 4 processes x 8 clients allocating at once: all succeed, zero duplicates, consistency clean', async function () {
      if (h.processConfig === undefined) this.skip();
      const ipam = Ipam.create(store);
      await ipam.createPool({ name: 'race', cidr: '10.30.0.0/16', defaultPrefixLength: 27 });
      await ipam.createPool({ name: 'hosts', cidr: '10.31.0.0/22', gateway: true });
      const config = h.processConfig!();
      const outputs = await runAllocationWorkers([
        ...[0, 1, 2, 3].map((w) => ({ store: config, pool: 'race', worker: `p${w}`, clients: 8, perClient: 12 })),
        ...[0, 1].map((w) => ({ store: config, pool: 'hosts', worker: `h${w}`, clients: 4, perClient: 10, host: true })),
      ], undefined, h.workerTimeoutMs);
      const errors = outputs.flatMap((o) => o.errors);
      expect(errors).to.deep.equal([]);
      const prefixes = outputs.slice(0, 4).flatMap((o) => o.granted);
      expect(prefixes).to.have.length(4 * 8 * 12);
      expect(new Set(prefixes.map((g) => g.cidr)).size).to.equal(prefixes.length);
      const hosts = outputs.slice(4).flatMap((o) => o.granted.map((g) => g.cidr));
      expect(new Set(hosts).size).to.equal(80);
      expect(hosts).to.not.include('10.31.0.1/32');
      expect(hosts).to.not.include('10.31.0.0/32');
      // What the store holds is exactly what was acknowledged.
      const stored = await ipam.listAllocations({ pool: 'race' });
      expect(stored.map((a) => `${a.owner}=${a.cidr}`).sort()).to.deep.equal(prefixes.map((g) => `${g.owner}=${g.cidr}`).sort());
      expect((await ipam.check({ pool: 'race' })).issues).to.deep.equal([]);
      expect((await ipam.check({ pool: 'hosts' })).issues).to.deep.equal([]);
    });
  });
}
