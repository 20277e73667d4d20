import { expect } from 'chai';
import { OpenBackend, onEveryBackend } from '../support/backends';
import { expectIpamError } from '../support/expect-error';

/**
 * The SubnetPool / SubnetPoolClaim design (nested pools carved from a parent, excluded from its
 * free space, parent delete denied while children exist) and the pool status design (figures
 * recomputed on every change, never stored), on every backend.
 */
async function worldWithTenant(open: OpenBackend) {
  const { ipam, store } = await open();
  await ipam.createPool({ name: 'world', cidr: '10.0.0.0/8', strategy: 'best-fit', defaultPrefixLength: 16 });
  const tenant = await ipam.createPool({ name: 'finance-tenant', parent: 'world', prefixLength: 20, owner: 'finance-tenant-pool' });
  return { store, ipam, tenant };
}

onEveryBackend('nested pools and pool claims', ['lab'], (open) => {
  it('a claim carves a /20 child pool from the root, bound to the claim', async () => {
    const { tenant } = await worldWithTenant(open);
    expect(tenant).to.include({ name: 'finance-tenant', cidr: '10.0.0.0/20', parent: 'world', owner: 'finance-tenant-pool' });
  });

  it('the child is excluded from the parent\'s free space; the parent counts it as in use', async () => {
    const { ipam } = await worldWithTenant(open);
    const world = await ipam.getPool({ pool: 'world' });
    expect(world.children).to.deep.equal(['finance-tenant']);
    expect(world.stats).to.include({ total: '16777216', children: '4096', free: String(16777216 - 4096), allocated: '0' });
    // The next /16 from the root cannot land on the child.
    expect((await ipam.allocate({ pool: 'world', owner: 'app' })).cidr).to.equal('10.1.0.0/16');
    await expectIpamError(ipam.allocate({ pool: 'world', owner: 'x', cidr: '10.0.0.0/24' }), 'CIDR_UNAVAILABLE',
      'cidr: 10.0.0.0/24 in pool "world" is held by child pool "finance-tenant" (10.0.0.0/20); choose another or omit it');
  });

  it('claims from the child pool come from its own range', async () => {
    const { ipam } = await worldWithTenant(open);
    const a = await ipam.allocate({ pool: 'finance-tenant', owner: 'ledger-db', prefixLength: 24 });
    expect(a.cidr).to.equal('10.0.0.0/24');
  });

  it('carving is idempotent for the same claim, and a different definition under the same name is refused', async () => {
    const { ipam } = await worldWithTenant(open);
    const again = await ipam.createPool({ name: 'finance-tenant', parent: 'world', prefixLength: 20, owner: 'finance-tenant-pool' });
    expect(again.cidr).to.equal('10.0.0.0/20');
    await expectIpamError(ipam.createPool({ name: 'finance-tenant', parent: 'world', prefixLength: 19, owner: 'finance-tenant-pool' }), 'POOL_EXISTS',
      'name: pool "finance-tenant" already exists with 10.0.0.0/20 in parent "world" and a different definition',
      { kind: 'rename-or-update-pool', space: 'default', pool: 'finance-tenant' });
  });

  it('parent delete is denied while children exist; child delete while allocations are live', async () => {
    const { ipam } = await worldWithTenant(open);
    await ipam.allocate({ pool: 'finance-tenant', owner: 'ledger-db', prefixLength: 24 });
    await expectIpamError(ipam.deletePool({ pool: 'world' }), 'POOL_IN_USE',
      'pool "world" still has child pool(s) "finance-tenant" (10.0.0.0/20); delete them first');
    await expectIpamError(ipam.deletePool({ pool: 'finance-tenant' }), 'POOL_IN_USE',
      'pool "finance-tenant" still has 1 live allocation(s): "ledger-db" (10.0.0.0/24); release them first');
    await ipam.release({ pool: 'finance-tenant', owner: 'ledger-db' });
    await ipam.deletePool({ pool: 'finance-tenant' });
    await ipam.deletePool({ pool: 'world' });
    expect(await ipam.listPools()).to.deep.equal([]);
  });

  it('siblings never overlap: a child with a specific CIDR inside a sibling is refused', async () => {
    const { ipam } = await worldWithTenant(open);
    await expectIpamError(ipam.createPool({ name: 'hr', parent: 'world', cidr: '10.0.8.0/21' }), 'CIDR_UNAVAILABLE',
      'cidr: 10.0.8.0/21 in pool "world" is held by child pool "finance-tenant" (10.0.0.0/20); choose another or omit it');
    expect((await ipam.createPool({ name: 'hr', parent: 'world', cidr: '10.0.16.0/20' })).cidr).to.equal('10.0.16.0/20');
  });

  it('parent exhaustion is a typed error, and nothing is created', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'small', cidr: '10.0.0.0/23' });
    await ipam.createPool({ name: 'a', parent: 'small', prefixLength: 24 });
    await ipam.createPool({ name: 'b', parent: 'small', prefixLength: 24 });
    await expectIpamError(ipam.createPool({ name: 'c', parent: 'small', prefixLength: 24 }), 'POOL_EXHAUSTED',
      'pool "small" (10.0.0.0/23): no available subnets: no free /24 left; release an allocation or use a larger pool');
    expect((await ipam.listPools()).map((p) => p.name)).to.deep.equal(['a', 'b', 'small']);
  });

  it('root pools of one space never overlap (overlap detection); other spaces are separate', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'a', cidr: '10.0.0.0/16' });
    await expectIpamError(ipam.createPool({ name: 'b', cidr: '10.0.4.0/24' }), 'POOL_OVERLAP',
      'cidr: 10.0.4.0/24 overlaps pool "a" (10.0.0.0/16) in address space "default"; choose a range that does not overlap, or nest it with parent "a"');
    expect((await ipam.createPool({ space: 'lab', name: 'b', cidr: '10.0.4.0/24' })).space).to.equal('lab');
  });
});

onEveryBackend('pool status is recomputed on every change, never stored', [], (open) => {
  it('deleting a child pool gives its space back to the parent\'s free count', async () => {
    const { ipam } = await worldWithTenant(open);
    await ipam.allocate({ pool: 'world', owner: 'direct', prefixLength: 24 });
    const before = (await ipam.getPool({ pool: 'world' })).stats;
    expect(before).to.include({ children: '4096', allocated: '256', liveAllocations: 1 });
    await ipam.deletePool({ pool: 'finance-tenant' });
    const after = (await ipam.getPool({ pool: 'world' })).stats;
    expect(BigInt(after.free) - BigInt(before.free)).to.equal(4096n);
    expect(after.children).to.equal('0');
  });

  it('allocations added and released move the figures at once', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', defaultPrefixLength: 26, gracePeriodSeconds: 0 });
    await ipam.allocate({ pool: 'p', owner: 'a' });
    expect((await ipam.getPool({ pool: 'p' })).stats).to.include({ allocated: '64', free: '192', utilization: 0.25 });
    await ipam.release({ pool: 'p', owner: 'a' });
    const stats = (await ipam.getPool({ pool: 'p' })).stats;
    expect(stats).to.include({ allocated: '0', releasedAllocations: 1, liveAllocations: 0 });
  });

  it('the store holds records only: no figure is persisted that could drift', async () => {
    const { store } = await worldWithTenant(open);
    const read = await store.read('default');
    for (const pool of read.pools) expect(Object.keys(pool)).to.not.include.members(['stats', 'free', 'allocated']);
  });
});
