import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { KubeClient } from '../../provider/src/store/kubernetes/client';
import { loadKubeconfig } from '../../provider/src/store/kubernetes/kubeconfig';
import { MAX_LEDGER_BYTES } from '../../provider/src/store/kubernetes/ledger';
import { LEDGER_NAME, PLURAL } from '../../provider/src/store/kubernetes/resources';
import { KubernetesStore } from '../../provider/src/store/kubernetes/store';
import { FILL_POOLS, blockCount, fillRecord, fillSpace } from './fill';
import { TestCluster, startCluster } from './cluster';

/**
 * One namespace holding 50,000 allocations (three blocks of Pulumi resources for every two VPN
 * peers' addresses), filled through the store's own commit path in batched commits, and then
 * used as the Store contract uses a store: compare-and-swap commits, exact round trips, engines
 * on two handles allocating and releasing at once with no block held twice, a clean
 * consistency check. The store here has no projection (the ledger is what is under test; the
 * objects kubectl shows are tested in projection-scale.test.ts).
 */
const NS = 'sized';
const COUNT = 50_000;

describe('Kubernetes backend: a namespace holding 50,000 allocations', function () {
  this.timeout(300_000);
  // One fill for all the tests below (they build on each other's allocations).
  let cluster: TestCluster;
  const client = () => new KubeClient(loadKubeconfig({ kubeconfig: cluster.kubeconfig }));
  const open = () => new KubernetesStore(client(), { namespace: NS });
  let filledAt = 0;

  before(async () => {
    cluster = await startCluster();
    await cluster.ensureNamespace(NS);
    await cluster.reset([NS]);
    const store = open();
    filledAt = await fillSpace(store, NS, COUNT);
    await store.close();
  });
  after(() => cluster?.stop());

  it('holds all 50,000 in one ledger object under 1 MiB, each record exactly as written', async () => {
    const object = (await client().get(PLURAL.IpamLedger, NS, LEDGER_NAME))!;
    expect(Buffer.byteLength(JSON.stringify(object))).to.be.below(MAX_LEDGER_BYTES);
    expect(object.spec).to.include({ version: filledAt, encoding: 'gzip-columns-v1', poolCount: 2, allocationCount: COUNT });
    const store = open();
    const read = await store.read(NS);
    expect(read.version).to.equal(filledAt);
    expect(read.pools).to.deep.equal([FILL_POOLS.blocks, FILL_POOLS.peers]);
    const byOwner = new Map(read.allocations.map((a) => [`${a.pool}/${a.owner}`, a]));
    expect(byOwner.size).to.equal(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const written = fillRecord(i, COUNT);
      expect(byOwner.get(`${written.pool}/${written.owner}`)).to.deep.equal(written);
    }
    await store.close();
  });

  it('refuses a commit at a stale version and changes nothing', async () => {
    const store = open();
    const { version } = await store.read(NS);
    const stale = await store.commit({ space: NS, expectedVersion: version - 1, writes: [{ type: 'removeAllocation', pool: FILL_POOLS.peers.name, owner: fillRecord(COUNT - 1, COUNT).owner }], audit: [] });
    expect(stale).to.deep.equal({ ok: false, version });
    expect((await store.read(NS)).allocations).to.have.length(COUNT);
    await store.close();
  });

  it('lets engines on two handles allocate and release at once: no block held twice, consistency clean', async () => {
    const stores = [open(), open()];
    const [a, b] = stores.map((s) => Ipam.create(s, { actor: 'test' }));
    const before = (await a.listAllocations({ space: NS, pool: FILL_POOLS.blocks.name })).length;
    const work = Array.from({ length: 120 }, (_, i) => {
      const engine = i % 2 === 0 ? a : b;
      if (i % 6 === 5) return engine.release({ space: NS, pool: FILL_POOLS.blocks.name, owner: fillRecord(i, COUNT).owner });
      if (i % 6 === 4) return engine.allocate({ space: NS, pool: FILL_POOLS.peers.name, owner: `new-peer-${i}`, kind: 'host' });
      return engine.allocate({ space: NS, pool: FILL_POOLS.blocks.name, owner: `new-subnet-${i}` });
    });
    await Promise.all(work);
    for (const pool of [FILL_POOLS.blocks.name, FILL_POOLS.peers.name]) {
      const viewA = (await a.listAllocations({ space: NS, pool })).map((x) => [x.owner, x.cidr, x.status]);
      const viewB = (await b.listAllocations({ space: NS, pool })).map((x) => [x.owner, x.cidr, x.status]);
      expect(viewA).to.deep.equal(viewB);
      const blocks = viewA.map((x) => x[1]);
      expect(new Set(blocks).size).to.equal(blocks.length);
      expect((await a.check({ space: NS, pool })).issues).to.deep.equal([]);
    }
    const blocks = await a.listAllocations({ space: NS, pool: FILL_POOLS.blocks.name });
    expect(blocks).to.have.length(before + 80);
    expect(blocks.filter((x) => x.owner.startsWith('new-subnet-')).every((x) => x.status === 'allocated')).to.equal(true);
    expect((await stores[0].read(NS)).allocations).to.have.length(COUNT + 100);
    await Promise.all([a.close(), b.close()]);
  });

  it('a new process hands out the next fresh block after the 30,080 held (released ones past their grace wait)', async () => {
    const ipam = Ipam.create(open(), { actor: 'test' });
    expect(fillRecord(blockCount(COUNT) - 1, COUNT).cidr).to.equal('100.71.82.240/28');
    // The fill's 30,000 /28s from 100.64.0.0, the 80 of the previous test, then this one.
    const granted = await ipam.allocate({ space: NS, pool: FILL_POOLS.blocks.name, owner: 'after-the-fill' });
    expect(granted.cidr).to.equal('100.71.88.0/28');
    await ipam.close();
  });
});
