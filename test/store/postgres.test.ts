import { PostgresStore, openPostgresStore } from '../../provider/src/store/postgres';
import { PostgresCluster, clusterOrSkip } from '../support/postgres';
import { storeContract } from './contract';
import { expect } from 'chai';
import { Pool } from 'pg';

/**
 * The Store contract against a real PostgreSQL server (a throwaway cluster), including the
 * multi-process race: the workers connect to the same database by URL.
 */
describe('PostgreSQL store', function () {
  this.timeout(120_000);
  let cluster: PostgresCluster | undefined;
  let databases = 0;
  let url = '';

  before(async function () {
    cluster = await clusterOrSkip(this);
  });
  after(() => cluster?.stop());
  // Each contract test gets a database of its own: fresh, empty state.
  beforeEach(async () => {
    if (cluster !== undefined) url = await cluster.createDatabase(`contract_${++databases}`);
  });

  storeContract('postgres', () => ({
    open: () => openPostgresStore({ url }),
    reopen: () => openPostgresStore({ url }),
    processConfig: () => ({ type: 'postgres', url }),
    enforcesUniqueBlocks: true,
  }));

  it('refuses an overlapping (not only identical) live block in a space: the exclusion constraint', async () => {
    const store = await openPostgresStore({ url });
    const pool = { name: 'p', cidr: '10.0.0.0/24', strategy: 'first-fit' as const, reserved: [], gracePeriodSeconds: 0, kind: 'pool' as const, createdAt: '2026-01-01T00:00:00.000Z' };
    const block = (owner: string, cidr: string) => ({ pool: 'p', owner, cidr, kind: 'prefix' as const, status: 'allocated' as const, allocatedAt: pool.createdAt });
    await store.commit({ space: 'x', expectedVersion: 0, audit: [], writes: [{ type: 'savePool', pool }, { type: 'saveAllocation', allocation: block('a', '10.0.0.0/25') }] });
    let error: Error | undefined;
    await store
      .commit({ space: 'x', expectedVersion: 1, audit: [], writes: [{ type: 'saveAllocation', allocation: block('b', '10.0.0.64/26') }] })
      .catch((e: Error) => (error = e));
    expect(error?.message).to.match(/ipam_allocations_no_overlap/);
    const read = await store.read('x');
    expect(read.version).to.equal(1);
    expect(read.allocations.map((a) => a.owner)).to.deep.equal(['a']);
    // A tombstone frees the block for the constraint, so a block can change hands in one commit.
    const moved = await store.commit({
      space: 'x', expectedVersion: 1, audit: [],
      writes: [{ type: 'removeAllocation', pool: 'p', owner: 'a' }, { type: 'saveAllocation', allocation: block('b', '10.0.0.64/26') }],
    });
    expect(moved).to.deep.equal({ ok: true, version: 2 });
    await store.close();
  });

  it('a commit that loses the compare-and-swap writes nothing and trips no constraint, in one statement or several', async () => {
    const store = await openPostgresStore({ url });
    const pool = { name: 'p', cidr: '10.0.0.0/24', strategy: 'first-fit' as const, reserved: [], gracePeriodSeconds: 0, kind: 'pool' as const, createdAt: '2026-01-01T00:00:00.000Z' };
    const block = (owner: string, cidr: string) => ({ pool: 'p', owner, cidr, kind: 'prefix' as const, status: 'allocated' as const, allocatedAt: pool.createdAt });
    const event = { at: pool.createdAt, pool: 'p', action: 'allocate' as const, actor: 't' };
    await store.commit({ space: 'x', expectedVersion: 0, audit: [], writes: [{ type: 'savePool', pool }, { type: 'saveAllocation', allocation: block('a', '10.0.0.0/25') }] });
    // Stale writers deciding on version 0 (or 1) again: the same block for another owner.
    const single = { writes: [{ type: 'saveAllocation' as const, allocation: block('b', '10.0.0.0/25') }], audit: [event] };
    const several = { writes: [{ type: 'savePool' as const, pool }, { type: 'saveAllocation' as const, allocation: block('b', '10.0.0.0/25') }], audit: [event] };
    for (const [expectedVersion, writes] of [[0, single], [0, several], [2, single], [2, several]] as const) {
      expect(await store.commit({ space: 'x', expectedVersion, ...writes })).to.deep.equal({ ok: false, version: 1 });
    }
    const read = await store.read('x');
    expect([read.version, read.allocations.map((a) => a.owner)]).to.deep.equal([1, ['a']]);
    expect(await store.listAudit('x', 'p', 10)).to.deep.equal([]);
    await store.close();
  });

  it('runs its migrations once when several replicas start at once', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url })));
    const pg = new Pool({ connectionString: url });
    const { rows } = await pg.query('SELECT version, name FROM ipam_schema_migrations ORDER BY version');
    expect(rows).to.deep.equal([{ version: 1, name: 'ledgers' }, { version: 2, name: 'no-overlap-cidr-first' }, { version: 3, name: 'backend-id' }]);
    // One backend id, made by the one replica that ran the migration, reported by all four.
    const ids = await Promise.all(stores.map(async (s) => (await s.identity('default')).id));
    expect(new Set(ids).size).to.equal(1);
    expect((await pg.query("SELECT count(*)::int AS n FROM ipam_meta WHERE key = 'backend_id'")).rows).to.deep.equal([{ n: 1 }]);
    await pg.end();
    await Promise.all(stores.map((s) => s.close()));
    expect(stores[0]).to.be.instanceOf(PostgresStore);
  });

  it('purges tombstones after the history window: an older reader reloads whole, a recent one gets a delta', async () => {
    const store = await openPostgresStore({ url });
    const pool = { name: 'p', cidr: '10.0.0.0/8', strategy: 'first-fit' as const, reserved: [], gracePeriodSeconds: 0, kind: 'pool' as const, createdAt: '2026-01-01T00:00:00.000Z' };
    // Version 2 deletes pool q (a tombstone); at version 2048 history before 1024 is purged.
    for (let v = 0; v < 2050; v++) {
      const write = v === 0 ? { type: 'savePool' as const, pool: { ...pool, name: 'q' } } : v === 1 ? { type: 'removePool' as const, name: 'q' } : { type: 'savePool' as const, pool };
      expect((await store.commit({ space: 'h', expectedVersion: v, audit: [], writes: [write] })).ok).to.equal(true);
    }
    const old = await store.read('h', 1);
    expect(old).to.deep.include({ full: true, version: 2050, deletedPools: [] });
    expect(old.pools.map((p) => p.name)).to.deep.equal(['p']);
    const recent = await store.read('h', 2049);
    expect(recent).to.deep.include({ full: false, version: 2050 });
    expect(recent.pools.map((p) => p.name)).to.deep.equal(['p']);
    const pg = new Pool({ connectionString: url });
    expect((await pg.query("SELECT count(*)::int AS n FROM ipam_pools WHERE space = 'h' AND body IS NULL")).rows[0].n).to.equal(0);
    await pg.end();
    await store.close();
  });
  // A pooler in transaction mode (PgBouncer) hands each statement to any server connection: the
  // one it gets may not hold the commit's named statement, or may hold one of that name already.
  // Both are reproduced on the store's one real connection, which is what the pooler does to it;
  // pg_prepared_statements on that connection shows what the store named.
  for (const [lost, before] of [
    // The store's first allocation prepared its statement; the server then forgets it.
    ['does not hold the statement the store prepared (26000)', false],
    // Another client prepared the name on this server connection before the store's first allocation.
    ['already holds a statement of that name (42P05)', true],
  ] as const) {
    it(`commits when the server connection ${lost}: sent again unnamed, nothing lost or doubled`, async () => {
      await (await openPostgresStore({ url })).close(); // migrates the database
      const connection = new Pool({ connectionString: url, max: 1 });
      const store = new PostgresStore(connection);
      // What this connection holds under the allocation commit's name, or as an allocation commit.
      const named = async () =>
        (await connection.query<{ name: string }>("SELECT name FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO ipam_allocations%' OR name = $1", [name])).rows.map((r) => r.name);
      const createdAt = '2026-01-01T00:00:00.000Z';
      const pool = { name: 'p', cidr: '10.0.0.0/24', strategy: 'first-fit' as const, reserved: [], gracePeriodSeconds: 0, kind: 'pool' as const, createdAt };
      const allocate = (space: string, version: number, owner: string, cidr: string, by = store) =>
        by.commit({
          space, expectedVersion: version,
          writes: [{ type: 'saveAllocation', allocation: { pool: 'p', owner, cidr, kind: 'prefix', status: 'allocated', allocatedAt: createdAt } }],
          audit: [{ at: createdAt, pool: 'p', action: 'allocate', actor: 't', owner, cidr }],
        });
      // The name an allocation's commit goes by, learnt on another connection (another store).
      const other = new Pool({ connectionString: url, max: 1 });
      const probe = new PostgresStore(other);
      await probe.commit({ space: 'probe', expectedVersion: 0, audit: [], writes: [{ type: 'savePool', pool }] });
      await allocate('probe', 1, 'a', '10.0.0.0/26', probe);
      const [name] = (await other.query<{ name: string }>("SELECT name FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO ipam_allocations%'")).rows.map((r) => r.name);
      await probe.close();
      expect(name).to.match(/^ipam_commit_[0-9a-f]{24}$/);
      await store.commit({ space: 'x', expectedVersion: 0, audit: [], writes: [{ type: 'savePool', pool }] });
      if (before) await connection.query(`PREPARE "${name}" AS SELECT 1`);
      expect(await allocate('x', 1, 'a', '10.0.0.0/26')).to.deep.equal({ ok: true, version: 2 });
      if (!before) {
        expect(await named()).to.have.lengthOf(1); // prepared by the store: named
        await connection.query('DEALLOCATE ALL');
      }
      expect(await allocate('x', 2, 'b', '10.0.0.64/26')).to.deep.equal({ ok: true, version: 3 });
      expect(await allocate('x', 3, 'c', '10.0.0.128/26')).to.deep.equal({ ok: true, version: 4 });
      // Unnamed from the refusal on: the pool closed the connection that refused the statement
      // (and the stray one with it), and its new connection holds no commit of the store's.
      expect(await named()).to.deep.equal([]);
      const read = await store.read('x');
      expect(read.allocations.map((a) => [a.owner, a.cidr])).to.deep.equal([['a', '10.0.0.0/26'], ['b', '10.0.0.64/26'], ['c', '10.0.0.128/26']]);
      expect((await store.listAudit('x', 'p', 10)).map((e) => e.owner)).to.deep.equal(['c', 'b', 'a']);
      await store.close();
    });
  }
});
