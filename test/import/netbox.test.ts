import { expect } from 'chai';
import { Session, csv, session } from './cli-run';

/**
 * NetBox's CSV exports, written by hand with the columns NetBox writes: the table export
 * ("Current view": verbose headers such as "IP Address", "DNS Name") and the bulk-import field
 * names ("prefix", "vrf", "is_pool", ...).
 */
const PREFIXES_TABLE = csv(
  'ID,Prefix,Status,Children,VRF,Utilization,Tenant,Site,VLAN,Role,Description',
  '1,10.20.0.0/16,Container,3,,2%,,,,,Campus',
  '2,10.20.1.0/24,Active,0,,40%,Acme,HQ,users (100),Access,"Users, floor 1"',
  '3,10.20.2.0/24,Reserved,0,,0%,,,,,',
  '4,10.20.3.0/24,Deprecated,0,,0%,,,,,Old lab',
  '5,172.16.0.0/12,Container,1,Prod VRF,0%,,,,,',
  '6,172.16.4.0/22,Active,0,Prod VRF,0%,,,,,Servers',
  '7,10.20.1.128/25,Active,0,,0%,,,,,Overlaps nothing: nested in line 2',
);

const PREFIXES_BULK = csv(
  'prefix,vrf,tenant,site,vlan,status,role,is_pool,mark_utilized,description',
  '2001:db8::/32,,,,,container,,false,false,Documentation',
  '2001:db8:1::/48,,,,,active,,true,false,',
  '2001:db8:1::/48,,,,,active,,true,false,twice',
  '2001:db8:zz::/48,,,,,active,,,,',
);

const ADDRESSES_TABLE = csv(
  'ID,IP Address,VRF,Status,Role,Tenant,Assigned,DNS Name,Description',
  '1,10.20.1.10/24,,Active,,Acme,True,ws10.example.net,Workstation',
  '2,10.20.1.11/24,,Deprecated,,,False,,',
  '3,10.20.0.5/16,,Active,Anycast,,False,,',
  '4,172.16.4.20/22,Prod VRF,DHCP,,,True,db1.example.net,',
  '5,192.0.2.1/24,,Active,,,False,,',
  '6,10.20.2.0/24,,Active,,,False,,',
  '7,10.20.1.200/25,,Active,,,False,,in the nested prefix',
);

describe('ipam import of NetBox CSV exports', () => {
  let s: Session;
  beforeEach(() => {
    s = session();
  });

  it('maps prefixes to pools, each carved from the innermost prefix holding it, VRFs to address spaces', async () => {
    expect(await s.ipam(`import ${s.file('prefixes.csv', PREFIXES_TABLE)}`)).to.deep.equal({ code: 0, stdout: 'imported: 7 created, 0 unchanged\n', stderr: '' });
    const pools = JSON.parse((await s.ipam('export')).stdout).pools.map((p: Record<string, unknown>) => [p.space, p.name, p.cidr, p.parent, p.owner, p.description, p.labels]);
    expect(pools).to.deep.equal([
      ['default', '10.20.0.0-16', '10.20.0.0/16', undefined, undefined, 'Campus', { 'netbox-status': 'container' }],
      ['default', '10.20.1.0-24', '10.20.1.0/24', '10.20.0.0-16', 'netbox-prefix:10.20.1.0/24', 'Users, floor 1', {
        'netbox-role': 'Access', 'netbox-site': 'HQ', 'netbox-status': 'active', 'netbox-tenant': 'Acme', 'netbox-vlan': 'users (100)',
      }],
      ['default', '10.20.1.128-25', '10.20.1.128/25', '10.20.1.0-24', 'netbox-prefix:10.20.1.128/25', 'Overlaps nothing: nested in line 2', { 'netbox-status': 'active' }],
      ['default', '10.20.2.0-24', '10.20.2.0/24', '10.20.0.0-16', 'netbox-prefix:10.20.2.0/24', undefined, { 'netbox-status': 'reserved' }],
      ['default', '10.20.3.0-24', '10.20.3.0/24', '10.20.0.0-16', 'netbox-prefix:10.20.3.0/24', 'Old lab', { 'netbox-status': 'deprecated' }],
      ['prod-vrf', '172.16.0.0-12', '172.16.0.0/12', undefined, undefined, undefined, { 'netbox-status': 'container' }],
      ['prod-vrf', '172.16.4.0-22', '172.16.4.0/22', '172.16.0.0-12', 'netbox-prefix:172.16.4.0/22', 'Servers', { 'netbox-status': 'active' }],
    ]);
    expect(await s.ipam(`import prefixes.csv --format netbox-prefixes`)).to.deep.equal({ code: 0, stdout: 'imported: 0 created, 7 unchanged\n', stderr: '' });
  });

  it('reads the bulk-import column names and IPv6, refusing a repeated or bad prefix by line', async () => {
    expect(await s.ipam(`import ${s.file('v6.csv', PREFIXES_BULK)}`)).to.deep.equal({
      code: 1,
      stdout: [
        'line 4: refused: POOL_EXISTS: name: pool "2001-db8-1---48" is defined twice in the file (first on line 3)',
        'line 5: refused: INVALID_CIDR: prefix: "2001:db8:zz::/48" is not a CIDR; the part before "/" must be an IPv4 or IPv6 address',
        'nothing was written: 2 line(s) refused; fix them, or import the other lines with --skip-invalid',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect((await s.ipam('import v6.csv --skip-invalid')).stdout).to.match(/imported: 2 created, 0 unchanged, 2 refused and skipped\n$/);
    expect((await s.ipam('pool show 2001-db8-1---48 --json')).stdout).to.contain('"parent": "2001-db8---32"');
  });

  it('maps IP addresses to host allocations in the innermost pool holding them, refusing those no pool holds', async () => {
    await s.ipam(`import ${s.file('prefixes.csv', PREFIXES_TABLE)}`);
    const file = s.file('addresses.csv', ADDRESSES_TABLE);
    expect(await s.ipam(`import ${file}`)).to.deep.equal({
      code: 1,
      stdout: [
        'line 6: refused: POOL_NOT_FOUND: address: 192.0.2.1 is in no pool of address space "default"; import NetBox\'s prefixes first (ipam import --format netbox-prefixes)',
        'line 7: refused: RESERVED_ADDRESS: address: 10.20.2.0 is the network address of 10.20.2.0/24 and cannot be given to a host',
        'nothing was written: 2 line(s) refused; fix them, or import the other lines with --skip-invalid',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect((await s.ipam(`import ${file} --skip-invalid`)).stdout).to.match(/imported: 5 created, 0 unchanged, 2 refused and skipped\n$/);
    const allocations = JSON.parse((await s.ipam('export')).stdout).allocations.map((a: Record<string, unknown>) => [a.space, a.pool, a.owner, a.cidr, a.kind, a.status, a.description, a.labels]);
    expect(allocations).to.deep.equal([
      ['default', '10.20.0.0-16', 'netbox-ip:10.20.0.5', '10.20.0.5/32', 'host', 'allocated', undefined, { 'netbox-role': 'Anycast', 'netbox-status': 'active' }],
      ['default', '10.20.1.0-24', 'netbox-ip:10.20.1.10', '10.20.1.10/32', 'host', 'allocated', 'Workstation', {
        'netbox-dns-name': 'ws10.example.net', 'netbox-status': 'active', 'netbox-tenant': 'Acme',
      }],
      ['default', '10.20.1.0-24', 'netbox-ip:10.20.1.11', '10.20.1.11/32', 'host', 'released', undefined, { 'netbox-status': 'deprecated' }],
      ['default', '10.20.1.128-25', 'netbox-ip:10.20.1.200', '10.20.1.200/32', 'host', 'allocated', 'in the nested prefix', { 'netbox-status': 'active' }],
      ['prod-vrf', '172.16.4.0-22', 'netbox-ip:172.16.4.20', '172.16.4.20/32', 'host', 'allocated', undefined, { 'netbox-dns-name': 'db1.example.net', 'netbox-status': 'dhcp' }],
    ]);
  });
});
