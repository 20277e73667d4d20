import { expect } from 'chai';
import { IpamApi } from '../../provider/src/model/api';
import { OpenBackend, onEveryBackend } from '../support/backends';
import { expectIpamError } from '../support/expect-error';

/** The client IP allocator's design (VPN peers): 10.0.0.0/24, gateway 10.0.0.1, clients from .2 to .254, /32 output. */
async function vpn(open: OpenBackend, gracePeriodSeconds?: number) {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const { ipam } = await open({ now: () => now });
  const pool = await ipam.createPool({ name: 'vpn', cidr: '10.0.0.0/24', gateway: true, gracePeriodSeconds });
  return { ipam, pool, advance: (ms: number) => (now += ms) };
}

const client = (ipam: IpamApi, id: string, address?: string) => ipam.allocate({ pool: 'vpn', owner: id, kind: 'host', address });

onEveryBackend('client IPs (VPN peers)', [], (open) => {
  it('the default gateway is the first host, and clients start at .2, in /32 form', async () => {
    const { ipam, pool } = await vpn(open);
    expect(pool.gateway).to.equal('10.0.0.1');
    const table: [string, string][] = [
      ['alice', '10.0.0.2/32'],
      ['bob', '10.0.0.3/32'],
      ['carol', '10.0.0.4/32'],
    ];
    for (const [id, ip] of table) {
      const a = await client(ipam, id);
      expect([a.cidr, a.address, a.gateway, a.prefixLength]).to.deep.equal([ip, ip.split('/')[0], '10.0.0.1', 32]);
    }
  });

  it('is deterministic: the same client gets the same address again', async () => {
    const { ipam } = await vpn(open);
    await client(ipam, 'alice');
    await client(ipam, 'bob');
    expect((await client(ipam, 'alice')).cidr).to.equal('10.0.0.2/32');
  });

  it('exhausts after 253 clients (.2 to .254) with a typed error and no state change', async () => {
    const { ipam } = await vpn(open);
    const all = await Promise.all(Array.from({ length: 253 }, (_, i) => client(ipam, `c${i}`)));
    expect(all.map((a) => a.cidr)).to.deep.equal(Array.from({ length: 253 }, (_, i) => `10.0.0.${i + 2}/32`));
    await expectIpamError(client(ipam, 'one-too-many'), 'POOL_EXHAUSTED',
      'pool "vpn" (10.0.0.0/24): no available subnets: no free host address left; release an allocation or use a larger pool');
    expect((await ipam.listAllocations({ pool: 'vpn' })).length).to.equal(253);
  });

  it('IsIPAvailable: free hosts yes; taken, gateway, network and broadcast no, with the reason', async () => {
    const { ipam } = await vpn(open);
    await client(ipam, 'alice');
    const ask = (ip: string) => ipam.isAvailable({ pool: 'vpn', cidr: ip });
    expect(await ask('10.0.0.5')).to.deep.equal({ available: true });
    expect(await ask('10.0.0.2')).to.deep.equal({ available: false, reason: '10.0.0.2 in pool "vpn" is held by owner "alice" (10.0.0.2/32); choose another or omit it' });
    expect(await ask('10.0.0.1')).to.deep.equal({ available: false, reason: '10.0.0.1 is the gateway of pool "vpn"; choose another' });
    expect(await ask('10.0.0.0')).to.deep.equal({ available: false, reason: '10.0.0.0 is the network address of 10.0.0.0/24 and cannot be given to a host' });
    expect(await ask('10.0.0.255')).to.deep.equal({ available: false, reason: '10.0.0.255 is the broadcast address of 10.0.0.0/24 and cannot be given to a host' });
  });

  it('a specific address is granted if free, else a typed error naming the holder', async () => {
    const { ipam } = await vpn(open);
    expect((await client(ipam, 'printer', '10.0.0.100')).cidr).to.equal('10.0.0.100/32');
    await expectIpamError(client(ipam, 'scanner', '10.0.0.100'), 'CIDR_UNAVAILABLE',
      'address: 10.0.0.100 in pool "vpn" is held by owner "printer" (10.0.0.100/32); choose another or omit it');
    await expectIpamError(client(ipam, 'scanner', '10.0.0.255'), 'RESERVED_ADDRESS',
      'address: 10.0.0.255 is the broadcast address of 10.0.0.0/24 and cannot be given to a host');
    await expectIpamError(client(ipam, 'scanner', '10.0.1.7'), 'OUTSIDE_POOL', 'address: 10.0.1.7 is outside pool "vpn" (10.0.0.0/24)');
  });

  it('a released address is held for its client during the grace period, then reused by others', async () => {
    const { ipam, advance } = await vpn(open, 3600);
    await client(ipam, 'alice');
    await ipam.release({ pool: 'vpn', owner: 'alice' });
    expect((await client(ipam, 'bob')).cidr).to.equal('10.0.0.3/32');
    advance(3600_001);
    // Fresh space still comes first...
    expect((await client(ipam, 'carol')).cidr).to.equal('10.0.0.4/32');
    // ...and alice, coming back after her grace period but before anyone took .2, gets it again.
    expect((await client(ipam, 'alice')).cidr).to.equal('10.0.0.2/32');
  });

  it('works the same for IPv6 clients (subnet-router anycast skipped, gateway ::1)', async () => {
    const { ipam } = await open();
    await ipam.createPool({ name: 'v6', cidr: '2001:db8:0:42::/120', gateway: true });
    const a = await ipam.allocate({ pool: 'v6', owner: 'peer', kind: 'host' });
    expect([a.cidr, a.gateway]).to.deep.equal(['2001:db8:0:42::2/128', '2001:db8:0:42::1']);
  });
});
