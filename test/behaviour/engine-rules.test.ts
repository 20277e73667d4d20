import { expect } from 'chai';
import { onEveryBackend } from '../support/backends';
import { expectIpamError } from '../support/expect-error';
import { Hint } from '../../provider/src/errors';

/**
 * The engine's rules as a user meets them (owner keys, preferred blocks, strategies, reserved
 * ranges, families, lookups, the audit trail, refusals that name the field and the fix), with
 * the same calls and the same answers on every backend.
 */
onEveryBackend('allocation rules', [], (open) => {
  it('one refused request among concurrent ones (one batch, in process) does not fail the others', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', defaultPrefixLength: 26 });
    const outcomes = await Promise.allSettled([
      ipam.allocate({ pool: 'p', owner: 'a' }),
      ipam.allocate({ pool: 'p', owner: 'b', prefixLength: 8 }),
      ipam.allocate({ pool: 'p', owner: 'c' }),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect((await ipam.listAllocations({ pool: 'p' })).map((a) => `${a.owner} ${a.cidr}`)).to.deep.equal(['a 10.0.0.0/26', 'c 10.0.0.64/26']);
  });

  it('a pool in use is refused naming its holders in address order, whatever order they came in', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', defaultPrefixLength: 28 });
    for (const [owner, cidr] of [['queue', '10.0.0.48/28'], ['web', '10.0.0.0/28'], ['api', '10.0.0.80/28'], ['db', '10.0.0.16/28'], ['cache', '10.0.0.32/28'], ['mail', '10.0.0.64/28'], ['dns', '10.0.0.96/28']]) {
      await ipam.allocate({ pool: 'p', owner, cidr });
    }
    await expectIpamError(ipam.deletePool({ pool: 'p' }), 'POOL_IN_USE',
      'pool "p" still has 7 live allocation(s): "web" (10.0.0.0/28), "db" (10.0.0.16/28), "cache" (10.0.0.32/28), "queue" (10.0.0.48/28), "mail" (10.0.0.64/28) and 2 more; release them first');
  });

  it('an owner holding a block and asking for another size is refused, naming the fix', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/16' });
    await ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 24 });
    await expectIpamError(ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 26 }), 'OWNER_CONFLICT',
      'owner: "web" already holds 10.0.0.0/24 (prefix) in pool "p" and now asks for a /26; release it first or use another owner key');
  });

  it('a released owner asking for another size gives up its old block', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24' });
    await ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 26 });
    await ipam.release({ pool: 'p', owner: 'web' });
    const again = await ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 25 });
    expect(again.cidr).to.equal('10.0.0.0/25');
    expect((await ipam.listAllocations({ pool: 'p' })).map((a) => `${a.owner} ${a.cidr} ${a.status}`)).to.deep.equal(['web 10.0.0.0/25 allocated']);
  });

  it('a preferred block is granted when free and falls back to the strategy when taken', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    expect((await ipam.allocate({ pool: 'p', owner: 'a', prefer: '10.0.7.0/24' })).cidr).to.equal('10.0.7.0/24');
    expect((await ipam.allocate({ pool: 'p', owner: 'b', prefer: '10.0.7.0/24' })).cidr).to.equal('10.0.0.0/24');
    await expectIpamError(ipam.allocate({ pool: 'p', owner: 'c', prefer: '10.1.0.0/24' }), 'OUTSIDE_POOL', 'prefer: 10.1.0.0/24 is outside pool "p" (10.0.0.0/16)');
    await expectIpamError(ipam.allocate({ pool: 'p', owner: 'c', prefer: '10.0.8.0/23' }), 'INVALID_PREFIX_LENGTH',
      'prefer: 10.0.8.0/23 is a /23, but the request is for a /24; prefer a block of the requested size');
  });

  it('best-fit fills the smallest hole; first-fit takes the lowest address', async () => {
    for (const [strategy, expected] of [['first-fit', '10.0.0.0/30'], ['best-fit', '10.0.0.12/30']] as const) {
      const { ipam } = await open();
      // Free: 10.0.0.0/29 (a larger hole, lower) and 10.0.0.12/30 (exactly the size asked).
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/27', strategy, reserved: ['10.0.0.8/30', '10.0.0.16/28'] });
      expect((await ipam.allocate({ pool: 'p', owner: 'x', prefixLength: 30 })).cidr, strategy).to.equal(expected);
    }
  });

  it('never hands out reserved ranges; a new reservation over a live block is refused', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', reserved: ['10.0.0.1-10.0.0.9', '10.0.0.0/30'] });
    expect((await ipam.getPool({ pool: 'p' })).reserved).to.deep.equal(['10.0.0.0/29', '10.0.0.8/31']);
    expect((await ipam.allocate({ pool: 'p', owner: 'h', kind: 'host' })).cidr).to.equal('10.0.0.10/32');
    await expectIpamError(ipam.updatePool({ pool: 'p', reserved: ['10.0.0.8/29'] }), 'CIDR_UNAVAILABLE',
      'reserved[0]: 10.0.0.8/29 overlaps the allocation of owner "h" (10.0.0.10/32); release it first or reserve another range');
    await expectIpamError(ipam.createPool({ name: 'q', cidr: '10.9.0.0/24', reserved: ['10.8.0.0/30'] }), 'OUTSIDE_POOL', 'reserved[0]: 10.8.0.0/30 is outside the pool 10.9.0.0/24');
  });

  it('refuses wrong families and impossible prefix lengths', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/16' });
    await expectIpamError(ipam.allocate({ pool: 'p', owner: 'a', cidr: '2001:db8::/64' }), 'FAMILY_MISMATCH',
      'cidr: 2001:db8::/64 is IPv6, but pool "p" (10.0.0.0/16) is IPv4');
    await expectIpamError(ipam.allocate({ pool: 'p', owner: 'a' }), 'INVALID_PREFIX_LENGTH',
      'prefixLength: pool "p" has no defaultPrefixLength; give a prefix length between /16 and /32');
    await expectIpamError(ipam.allocate({ pool: 'p', owner: 'a', prefixLength: 12 }), 'INVALID_PREFIX_LENGTH',
      'prefixLength: /12 cannot be carved from pool "p" (10.0.0.0/16); choose between /16 and /32');
  });

  it('updates in place only what changed, and validates it', async () => {
    const { ipam, store } = await open();
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/16' });
    // An update that changes nothing commits nothing: the space keeps its version.
    const before = (await store.read('default')).version;
    await ipam.updatePool({ pool: 'p', strategy: 'first-fit' });
    expect((await store.read('default')).version).to.equal(before);
    const updated = await ipam.updatePool({ pool: 'p', strategy: 'best-fit', gateway: true, labels: { team: 'net' } });
    expect(updated).to.include({ strategy: 'best-fit', gateway: '10.0.0.1' });
    await expectIpamError(ipam.updatePool({ pool: 'p', strategy: 'random' as never }), 'INVALID_INPUT',
      'strategy: "random" is not a strategy; use one of first-fit, best-fit');
  });
});

onEveryBackend('lookups and input checks', ['lab'], (open) => {
  it('checks the pool name before looking the pool up', async () => {
    const { ipam } = await open();
    const invalid = 'pool: "" is not a valid name; use 1 to 63 lowercase letters, digits, "-" or ".", where each part between dots starts and ends with a letter or digit';
    await expectIpamError(ipam.allocate({ pool: '', owner: 'x', prefixLength: 24 }), 'INVALID_INPUT', invalid);
    await expectIpamError(ipam.release({ pool: '', owner: 'x' }), 'INVALID_INPUT', invalid);
  });

  it('finds the pools and the allocation holding an address, outermost first, across spaces', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'world', cidr: '10.0.0.0/8' });
    await ipam.createPool({ name: 'team', parent: 'world', cidr: '10.1.0.0/16', gateway: true });
    await ipam.allocate({ pool: 'team', owner: 'vm-1', kind: 'host' });
    await ipam.createPool({ space: 'lab', name: 'lab', cidr: '10.1.0.0/24' });
    const found = (space?: string) => ipam.find({ ip: '10.1.0.2', space }).then((all) => all.map((f) => `${f.space}/${f.pool} ${f.allocation?.owner ?? '-'}`));
    // Naming no space searches them all, except on Kubernetes, which searches its own namespace
    // then: a Role grants a namespace, not the cluster (backends/kubernetes/kubernetes-ipam.ts).
    const inKubernetes = (await ipam.backend({})).kind === 'kubernetes';
    expect(await found()).to.deep.equal(inKubernetes ? ['default/world -', 'default/team vm-1'] : ['default/world -', 'default/team vm-1', 'lab/lab -']);
    expect(await found('lab')).to.deep.equal(['lab/lab -']);
    expect((await ipam.find({ ip: '10.1.0.1', space: 'default' }))[1].reserved).to.equal(true);
    await expectIpamError(ipam.find({ ip: 'nope' }), 'INVALID_ADDRESS', 'ip: "nope" is not an IPv4 or IPv6 address; write it like 10.0.0.5 or 2001:db8::5');
  });

  it('records who did what in the audit trail', async () => {
    // Actors are names an HTTP token can have: over HTTP the actor is the token's name.
    const backend = await open();
    const alice = backend.as('alice');
    await alice.createPool({ name: 'p', cidr: '10.0.0.0/24' });
    await backend.as('ci').allocate({ pool: 'p', owner: 'web', prefixLength: 26 });
    await alice.release({ pool: 'p', owner: 'web' });
    const events = await alice.listAudit({ pool: 'p' });
    expect(events.map((e) => `${e.action} ${e.owner ?? '-'} ${e.cidr} ${e.actor}`)).to.deep.equal([
      'release web 10.0.0.0/26 alice',
      'allocate web 10.0.0.0/26 ci',
      'create-pool - 10.0.0.0/24 alice',
    ]);
  });

  it('names the field and the fix for malformed input, and changes nothing', async () => {
    const { ipam } = await open();
    const cases: [Promise<unknown>, string, string, Hint?][] = [
      [ipam.createPool({ name: 'My Pool', cidr: '10.0.0.0/8' }), 'INVALID_INPUT', 'name: "My Pool" is not a valid name; use 1 to 63 lowercase letters, digits, "-" or ".", where each part between dots starts and ends with a letter or digit'],
      [ipam.createPool({ space: 'Bad_Space', name: 'p', cidr: '10.0.0.0/8' }), 'INVALID_INPUT', 'space: "Bad_Space" is not a valid address space name; use 1 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit'],
      [ipam.createPool({ name: 'p' }), 'INVALID_CIDR', 'cidr: a pool without a parent needs a CIDR, like 10.0.0.0/16'],
      [ipam.createPool({ name: 'p', cidr: '10.0.0.0/8', gracePeriodSeconds: 8 * 86400 }), 'GRACE_PERIOD_INVALID', 'gracePeriodSeconds: 691200 is out of range; give whole seconds from 0 to 604800 (7 days)'],
      [ipam.createPool({ name: 'p', cidr: '10.0.0.0/8', labels: { a: 1 } as never }), 'INVALID_INPUT', 'labels: give an object of string keys to string values, like {"team": "net"}'],
      [ipam.createPool({ name: 'p', cidr: '10.0.0.0/8', gateway: '10.0.0.0' }), 'RESERVED_ADDRESS', 'gateway: 10.0.0.0 is the network or broadcast address of 10.0.0.0/8; give a host address'],
      // The engine names no command: the hint is structure, each face words it (`ipam pool list`, GET .../pools).
      [ipam.allocate({ pool: 'missing', owner: 'a' }), 'POOL_NOT_FOUND', 'pool: no pool "missing" in address space "default"', { kind: 'list-pools', space: 'default' }],
      [ipam.createPool({ name: 'c', parent: 'missing', prefixLength: 24 }), 'POOL_NOT_FOUND', 'parent: no pool "missing" in address space "default"', { kind: 'list-pools', space: 'default' }],
    ];
    // Submitted together (one batch); each is marked handled now, and checked in turn below.
    for (const [promise] of cases) promise.catch(() => undefined);
    for (const [promise, code, message, hint] of cases) await expectIpamError(promise, code, message, hint);
    expect(await ipam.listPools()).to.deep.equal([]);
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24' });
    await expectIpamError(ipam.allocate({ pool: 'p', owner: '', prefixLength: 26 }), 'INVALID_INPUT',
      'owner: "" is not a valid owner key; give 1 to 253 printable characters (e.g. the stack and resource name)');
    await expectIpamError(ipam.release({ pool: 'p', owner: 'ghost' }), 'ALLOCATION_NOT_FOUND',
      'owner: pool "p" has no allocation for owner "ghost"', { kind: 'list-allocations', space: 'default', pool: 'p' });
    await expectIpamError(ipam.allocate({ pool: 'p', owner: 'a', kind: 'host', cidr: '10.0.0.0/30' }), 'INVALID_INPUT',
      'cidr: a host allocation takes an address, not a cidr; use address');
  });
});
