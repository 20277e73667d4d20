import { expect } from 'chai';
import { IpamApi } from '../../provider/src/model/api';
import { onEveryBackend } from '../support/backends';
import { expectIpamError } from '../support/expect-error';

/**
 * Input crafted to mislead (IPv6 that aliases IPv4, names Kubernetes would refuse, text a
 * terminal would render as something else, fields that would be ignored) is refused with the
 * same code and message on every backend, and the state keeps its version.
 */
onEveryBackend('hostile input is refused by name, changing nothing', ['kubeslice'], (open) => {
  const NAME_RULE = 'is not a valid name; use 1 to 63 lowercase letters, digits, "-" or ".", where each part between dots starts and ends with a letter or digit';
  const ALIAS_HINT = 'or use IPv6 outside ::/96 and ::ffff:0:0/96';

  /**
   * A store holding pool "v4" 10.50.0.0/24 (default /28, owner "web") and slice "blue", made once
   * per backend: each case must leave it as it is, which each checks.
   */
  let world: Awaited<ReturnType<typeof fixture>>;
  before(async () => {
    world = await fixture();
  });
  async function fixture() {
    const { ipam, store } = await open({ forAllTests: true });
    await ipam.createPool({ name: 'v4', cidr: '10.50.0.0/24', defaultPrefixLength: 28 });
    await ipam.allocate({ pool: 'v4', owner: 'web' });
    await ipam.syncSlice({ namespace: 'kubeslice', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1'] });
    const versions = async () => [(await store.read('default')).version, (await store.read('kubeslice')).version];
    return { ipam, versions };
  }

  const cases: [string, (ipam: IpamApi) => Promise<unknown>, string, string][] = [
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
      const { ipam, versions } = world;
      const before = await versions();
      await expectIpamError(act(ipam), code, message);
      expect(await versions()).to.deep.equal(before);
    });
  }
});
