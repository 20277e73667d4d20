import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { MemoryStore } from '../../provider/src/store/memory';
import { expectIpamError } from '../support/expect-error';
import { Hint } from '../../provider/src/errors';
import { FaultyStore } from '../support/faulty-store';

const noWait = { sleep: async () => undefined };

describe('engine', () => {
  describe('commits', () => {
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

    it('one refused request in a batch does not fail the others', async () => {
      const ipam = Ipam.create(new MemoryStore());
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', defaultPrefixLength: 26 });
      const outcomes = await Promise.allSettled([
        ipam.allocate({ pool: 'p', owner: 'a' }),
        ipam.allocate({ pool: 'p', owner: 'b', prefixLength: 8 }),
        ipam.allocate({ pool: 'p', owner: 'c' }),
      ]);
      expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
      expect((await ipam.listAllocations({ pool: 'p' })).map((a) => `${a.owner} ${a.cidr}`)).to.deep.equal(['a 10.0.0.0/26', 'c 10.0.0.64/26']);
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

    it('checks the pool name before looking the pool up', async () => {
      const ipam = Ipam.create(new MemoryStore());
      const invalid = 'pool: "" is not a valid name; use 1 to 63 lowercase letters, digits, "-" or ".", where each part between dots starts and ends with a letter or digit';
      await expectIpamError(ipam.allocate({ pool: '', owner: 'x', prefixLength: 24 }), 'INVALID_INPUT', invalid);
      await expectIpamError(ipam.release({ pool: '', owner: 'x' }), 'INVALID_INPUT', invalid);
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

  describe('allocation rules', () => {
    it('an owner holding a block and asking for another size is refused, naming the fix', async () => {
      const ipam = Ipam.create(new MemoryStore());
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/16' });
      await ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 24 });
      await expectIpamError(ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 26 }), 'OWNER_CONFLICT',
        'owner: "web" already holds 10.0.0.0/24 (prefix) in pool "p" and now asks for a /26; release it first or use another owner key');
    });

    it('a released owner asking for another size gives up its old block', async () => {
      const ipam = Ipam.create(new MemoryStore());
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24' });
      await ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 26 });
      await ipam.release({ pool: 'p', owner: 'web' });
      const again = await ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 25 });
      expect(again.cidr).to.equal('10.0.0.0/25');
      expect((await ipam.listAllocations({ pool: 'p' })).map((a) => `${a.owner} ${a.cidr} ${a.status}`)).to.deep.equal(['web 10.0.0.0/25 allocated']);
    });

    it('a preferred block is granted when free and falls back to the strategy when taken', async () => {
      const ipam = Ipam.create(new MemoryStore());
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
      expect((await ipam.allocate({ pool: 'p', owner: 'a', prefer: '10.0.7.0/24' })).cidr).to.equal('10.0.7.0/24');
      expect((await ipam.allocate({ pool: 'p', owner: 'b', prefer: '10.0.7.0/24' })).cidr).to.equal('10.0.0.0/24');
      await expectIpamError(ipam.allocate({ pool: 'p', owner: 'c', prefer: '10.1.0.0/24' }), 'OUTSIDE_POOL', 'prefer: 10.1.0.0/24 is outside pool "p" (10.0.0.0/16)');
      await expectIpamError(ipam.allocate({ pool: 'p', owner: 'c', prefer: '10.0.8.0/23' }), 'INVALID_PREFIX_LENGTH',
        'prefer: 10.0.8.0/23 is a /23, but the request is for a /24; prefer a block of the requested size');
    });

    it('best-fit fills the smallest hole; first-fit takes the lowest address', async () => {
      for (const [strategy, expected] of [['first-fit', '10.0.0.0/30'], ['best-fit', '10.0.0.12/30']] as const) {
        const ipam = Ipam.create(new MemoryStore());
        // Free: 10.0.0.0/29 (a larger hole, lower) and 10.0.0.12/30 (exactly the size asked).
        await ipam.createPool({ name: 'p', cidr: '10.0.0.0/27', strategy, reserved: ['10.0.0.8/30', '10.0.0.16/28'] });
        expect((await ipam.allocate({ pool: 'p', owner: 'x', prefixLength: 30 })).cidr, strategy).to.equal(expected);
      }
    });

    it('never hands out reserved ranges; a new reservation over a live block is refused', async () => {
      const ipam = Ipam.create(new MemoryStore());
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', reserved: ['10.0.0.1-10.0.0.9', '10.0.0.0/30'] });
      expect((await ipam.getPool({ pool: 'p' })).reserved).to.deep.equal(['10.0.0.0/29', '10.0.0.8/31']);
      expect((await ipam.allocate({ pool: 'p', owner: 'h', kind: 'host' })).cidr).to.equal('10.0.0.10/32');
      await expectIpamError(ipam.updatePool({ pool: 'p', reserved: ['10.0.0.8/29'] }), 'CIDR_UNAVAILABLE',
        'reserved[0]: 10.0.0.8/29 overlaps the allocation of owner "h" (10.0.0.10/32); release it first or reserve another range');
      await expectIpamError(ipam.createPool({ name: 'q', cidr: '10.9.0.0/24', reserved: ['10.8.0.0/30'] }), 'OUTSIDE_POOL', 'reserved[0]: 10.8.0.0/30 is outside the pool 10.9.0.0/24');
    });

    it('refuses wrong families and impossible prefix lengths', async () => {
      const ipam = Ipam.create(new MemoryStore());
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/16' });
      await expectIpamError(ipam.allocate({ pool: 'p', owner: 'a', cidr: '2001:db8::/64' }), 'FAMILY_MISMATCH',
        'cidr: 2001:db8::/64 is IPv6, but pool "p" (10.0.0.0/16) is IPv4');
      await expectIpamError(ipam.allocate({ pool: 'p', owner: 'a' }), 'INVALID_PREFIX_LENGTH',
        'prefixLength: pool "p" has no defaultPrefixLength; give a prefix length between /16 and /32');
      await expectIpamError(ipam.allocate({ pool: 'p', owner: 'a', prefixLength: 12 }), 'INVALID_PREFIX_LENGTH',
        'prefixLength: /12 cannot be carved from pool "p" (10.0.0.0/16); choose between /16 and /32');
    });

    it('updates in place only what changed, and validates it', async () => {
      const store = new FaultyStore();
      const ipam = Ipam.create(store);
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/16' });
      store.commits = 0;
      await ipam.updatePool({ pool: 'p', strategy: 'first-fit' });
      expect(store.commits).to.equal(0);
      const updated = await ipam.updatePool({ pool: 'p', strategy: 'best-fit', gateway: true, labels: { team: 'net' } });
      expect(updated).to.include({ strategy: 'best-fit', gateway: '10.0.0.1' });
      await expectIpamError(ipam.updatePool({ pool: 'p', strategy: 'random' as never }), 'INVALID_INPUT',
        'strategy: "random" is not a strategy; use one of first-fit, best-fit');
    });
  });

  describe('lookups and input checks', () => {
    it('finds the pools and the allocation holding an address, outermost first, across spaces', async () => {
      const ipam = Ipam.create(new MemoryStore());
      await ipam.createPool({ name: 'world', cidr: '10.0.0.0/8' });
      await ipam.createPool({ name: 'team', parent: 'world', cidr: '10.1.0.0/16', gateway: true });
      await ipam.allocate({ pool: 'team', owner: 'vm-1', kind: 'host' });
      await ipam.createPool({ space: 'lab', name: 'lab', cidr: '10.1.0.0/24' });
      const found = await ipam.find({ ip: '10.1.0.2' });
      expect(found.map((f) => `${f.space}/${f.pool} ${f.allocation?.owner ?? '-'}`)).to.deep.equal(['default/world -', 'default/team vm-1', 'lab/lab -']);
      expect((await ipam.find({ ip: '10.1.0.1', space: 'default' }))[1].reserved).to.equal(true);
      await expectIpamError(ipam.find({ ip: 'nope' }), 'INVALID_ADDRESS', 'ip: "nope" is not an IPv4 or IPv6 address; write it like 10.0.0.5 or 2001:db8::5');
    });

    it('records who did what in the audit trail', async () => {
      const ipam = Ipam.create(new MemoryStore(), { actor: 'cli:alice' });
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24' });
      await ipam.as('token:ci').allocate({ pool: 'p', owner: 'web', prefixLength: 26 });
      await ipam.release({ pool: 'p', owner: 'web' });
      const events = await ipam.listAudit({ pool: 'p' });
      expect(events.map((e) => `${e.action} ${e.owner ?? '-'} ${e.cidr} ${e.actor}`)).to.deep.equal([
        'release web 10.0.0.0/26 cli:alice',
        'allocate web 10.0.0.0/26 token:ci',
        'create-pool - 10.0.0.0/24 cli:alice',
      ]);
    });

    it('names the field and the fix for malformed input, and changes nothing', async () => {
      const ipam = Ipam.create(new MemoryStore());
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
  describe('hostile input is refused by name, changing nothing', () => {
    const NAME_RULE = 'is not a valid name; use 1 to 63 lowercase letters, digits, "-" or ".", where each part between dots starts and ends with a letter or digit';
    const ALIAS_HINT = 'or use IPv6 outside ::/96 and ::ffff:0:0/96';

    /** A store holding pool "v4" 10.50.0.0/24 (default /28, owner "web") and slice "blue"; each case must leave it as it is. */
    async function fixture() {
      const store = new MemoryStore();
      const ipam = Ipam.create(store);
      await ipam.createPool({ name: 'v4', cidr: '10.50.0.0/24', defaultPrefixLength: 28 });
      await ipam.allocate({ pool: 'v4', owner: 'web' });
      await ipam.syncSlice({ namespace: 'kubeslice', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1'] });
      const versions = async () => [(await store.read('default')).version, (await store.read('kubeslice')).version];
      return { ipam, versions, before: await versions() };
    }

    const cases: [string, (ipam: Ipam) => Promise<unknown>, string, string][] = [
      ['an IPv4-mapped IPv6 pool beside its IPv4 twin', (ipam) => ipam.createPool({ name: 'mapped', cidr: '::ffff:10.50.0.0/120' }), 'INVALID_CIDR',
        `cidr: "::ffff:10.50.0.0/120" lies in ::ffff:0:0/96, the IPv4-mapped IPv6 block, and aliases the IPv4 block 10.50.0.0/24; write 10.50.0.0/24, ${ALIAS_HINT}`],
      ['an IPv4-compatible IPv6 pool', (ipam) => ipam.createPool({ name: 'compat', cidr: '::10.0.0.0/104' }), 'INVALID_CIDR',
        `cidr: "::10.0.0.0/104" lies in ::/96, the IPv4-compatible IPv6 block, and aliases the IPv4 block 10.0.0.0/8; write 10.0.0.0/8, ${ALIAS_HINT}`],
      ['an IPv4-mapped address as a reserved range end', (ipam) => ipam.updatePool({ pool: 'v4', reserved: ['10.50.0.1-::ffff:10.50.0.9'] }), 'INVALID_ADDRESS',
        `reserved[0]: "::ffff:10.50.0.9" lies in ::ffff:0:0/96, the IPv4-mapped IPv6 block, and aliases the IPv4 address 10.50.0.9; write 10.50.0.9, ${ALIAS_HINT}`],
      ['a pool name with an empty DNS label', (ipam) => ipam.createPool({ name: 'a..b', cidr: '10.60.0.0/24' }), 'INVALID_INPUT', `name: "a..b" ${NAME_RULE}`],
      ['a pool name with "-" next to "."', (ipam) => ipam.createPool({ name: 'a.-b', cidr: '10.60.0.0/24' }), 'INVALID_INPUT', `name: "a.-b" ${NAME_RULE}`],
      ['a slice name with an empty DNS label', (ipam) => ipam.syncSlice({ namespace: 'kubeslice', name: 'red..x', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: [] }), 'INVALID_INPUT', `name: "red..x" ${NAME_RULE}`],
      ['an owner key with a C1 CSI (terminal escape)', (ipam) => ipam.allocate({ pool: 'v4', owner: 'x\u009b2J' }), 'INVALID_INPUT',
        'owner: "x\\u009b2J" holds U+009B at position 2, a control or invisible character; an owner key must be printable text, so remove it'],
      ['an owner key with a bidi override', (ipam) => ipam.allocate({ pool: 'v4', owner: 'bew\u202e' }), 'INVALID_INPUT',
        'owner: "bew\\u202e" holds U+202E at position 4, a control or invisible character; an owner key must be printable text, so remove it'],
      ['an owner key with a zero-width space, posing as "web"', (ipam) => ipam.allocate({ pool: 'v4', owner: 'we\u200bb' }), 'INVALID_INPUT',
        'owner: "we\\u200bb" holds U+200B at position 3, a control or invisible character; an owner key must be printable text, so remove it'],
      ['a cluster name with a bidi isolate', (ipam) => ipam.syncSlice({ namespace: 'kubeslice', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1', '\u2066c2'] }), 'INVALID_INPUT',
        'clusters[1]: "\\u2066c2" holds U+2066 at position 1, a control or invisible character; an owner key must be printable text, so remove it'],
      ['a description with a C1 CSI', (ipam) => ipam.createPool({ name: 'd', cidr: '10.80.0.0/24', description: 'lab\u009b2J' }), 'INVALID_INPUT',
        'description: "lab\\u009b2J" holds U+009B at position 4, a control or invisible character; a description must be printable text, so remove it'],
      ['a label value with a bidi override', (ipam) => ipam.allocate({ pool: 'v4', owner: 'db', labels: { team: 'ten\u202e' } }), 'INVALID_INPUT',
        'labels.team: "ten\\u202e" holds U+202E at position 4, a control or invisible character; a label value must be printable text, so remove it'],
      ['a label key with a zero-width joiner', (ipam) => ipam.updatePool({ pool: 'v4', labels: { 'te\u200dam': 'net' } }), 'INVALID_INPUT',
        'labels: "te\\u200dam" holds U+200D at position 3, a control or invisible character; a label key must be printable text, so remove it'],
      ['statistics for a block size the pool cannot hold', (ipam) => ipam.getPool({ pool: 'v4', prefixLength: 99 }), 'INVALID_PREFIX_LENGTH',
        'prefixLength: 99 is not a prefix length for 10.50.0.0/24; give a whole number from 24 to 32'],
      ['statistics for blocks larger than the pool', (ipam) => ipam.getPool({ pool: 'v4', prefixLength: 16 }), 'INVALID_PREFIX_LENGTH',
        'prefixLength: 16 is not a prefix length for 10.50.0.0/24; give a whole number from 24 to 32'],
      ['a reserved range with a third part', (ipam) => ipam.updatePool({ pool: 'v4', reserved: ['10.50.0.200-10.50.0.210-10.50.0.220'] }), 'INVALID_INPUT',
        'reserved[0]: "10.50.0.200-10.50.0.210-10.50.0.220" is not a range; write two addresses joined by one "-", like 10.0.0.1-10.0.0.9'],
      ['a root pool given a prefixLength', (ipam) => ipam.createPool({ name: 'root', cidr: '10.70.0.0/16', prefixLength: 24 }), 'INVALID_INPUT',
        'prefixLength: only a pool carved from a parent takes prefixLength (the size of the block to carve); leave it out, or give parent'],
      ['a root pool given prefer', (ipam) => ipam.createPool({ name: 'root', cidr: '10.70.0.0/16', prefer: '10.70.1.0/24' }), 'INVALID_INPUT',
        'prefer: only a pool carved from a parent takes prefer (a block to try first); leave it out, or give parent'],
      ['a root pool given an owner', (ipam) => ipam.createPool({ name: 'root', cidr: '10.70.0.0/16', owner: 'team-a' }), 'INVALID_INPUT',
        'owner: only a pool carved from a parent takes owner (the claim that carves it); leave it out, or give parent'],
      ['an existing root pool re-created with an owner', (ipam) => ipam.createPool({ name: 'v4', cidr: '10.50.0.0/24', defaultPrefixLength: 28, owner: 'team-a' }), 'INVALID_INPUT',
        'owner: only a pool carved from a parent takes owner (the claim that carves it); leave it out, or give parent'],
      ['a child pool whose cidr and prefixLength disagree', (ipam) => ipam.createPool({ name: 'child', parent: 'v4', cidr: '10.50.0.64/26', prefixLength: 27 }), 'INVALID_PREFIX_LENGTH',
        'prefixLength: /27 does not match cidr 10.50.0.64/26; give one or make them agree'],
      ['a label key "__proto__" (as JSON carries it)', (ipam) => ipam.allocate({ pool: 'v4', owner: 'db', labels: JSON.parse('{"__proto__": "x", "team": "net"}') }), 'INVALID_INPUT',
        'labels.__proto__: this label key is reserved by JavaScript and would be lost; choose another key'],
    ];
    for (const [title, act, code, message] of cases) {
      it(`${title}: ${code}`, async () => {
        const { ipam, versions, before } = await fixture();
        await expectIpamError(act(ipam), code, message);
        expect(await versions()).to.deep.equal(before);
      });
    }
  });
});
