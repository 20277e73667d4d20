import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { networkFacts } from '../../provider/src/net/facts';
import { parseCidr } from '../../provider/src/net/cidr';
import { MemoryStore } from '../../provider/src/store/memory';

/**
 * The address facts in an allocation's answer are worked out by shortcuts (an IPv4 block of a
 * /24 or smaller only changes the last octet; netmasks and host offsets are remembered per
 * prefix length): they must read as the full computation (net/facts) for every size.
 */
describe("an allocation's answer: address, netmask, first and last host", () => {
  const cases: { pool: string; prefixLengths: number[] }[] = [
    { pool: '10.0.0.0/8', prefixLengths: [16, 17, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32] },
    { pool: '2001:db8::/32', prefixLengths: [48, 56, 64, 120, 126, 127, 128] },
  ];
  for (const { pool, prefixLengths } of cases) {
    it(`match the network facts of each block of ${pool}, the first block and one further in`, async () => {
      const ipam = Ipam.create(new MemoryStore());
      await ipam.createPool({ name: 'p', cidr: pool, gateway: false });
      for (const prefixLength of [...prefixLengths].reverse()) {
        for (const owner of [`first-${prefixLength}`, `next-${prefixLength}`]) {
          const answer = await ipam.allocate({ pool: 'p', owner, prefixLength });
          const facts = networkFacts(parseCidr(answer.cidr));
          expect([answer.address, answer.netmask, answer.firstHost, answer.lastHost], answer.cidr).to.deep.equal([
            facts.network,
            facts.netmask,
            facts.firstHost,
            facts.lastHost,
          ]);
        }
      }
    });
  }

  it('for a host address: all three are the address itself', async () => {
    const ipam = Ipam.create(new MemoryStore());
    await ipam.createPool({ name: 'p', cidr: '192.168.7.0/24' });
    const answer = await ipam.allocate({ pool: 'p', owner: 'h', kind: 'host', address: '192.168.7.254' });
    expect([answer.cidr, answer.address, answer.firstHost, answer.lastHost]).to.deep.equal(['192.168.7.254/32', '192.168.7.254', '192.168.7.254', '192.168.7.254']);
  });
});
