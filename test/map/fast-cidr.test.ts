import { expect } from 'chai';
import fc from 'fast-check';
import { parseCanonicalCidr } from '../../provider/src/map/fast-cidr';
import { Cidr, formatCidr, parseCidr } from '../../provider/src/net/cidr';

/**
 * The map's fast CIDR parser must agree with parseCidr (ip-num underneath) on everything: the
 * canonical text the API returns, and anything else, which it hands to parseCidr.
 */
const outcome = (parse: () => Cidr): unknown => {
  try {
    return parse();
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe('map: the fast CIDR parser agrees with parseCidr (property)', () => {
  it('on canonical IPv4 and IPv6 blocks of every prefix length', () => {
    const hextet = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }) });
    const v6 = fc.tuple(fc.array(hextet, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 })).map(([hextets, prefix]): Cidr => {
      const value = hextets.reduce((v, h) => (v << 16n) | BigInt(h), 0n);
      const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix);
      return { family: 6, start: value & mask, prefix };
    });
    const v4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([value, prefix]): Cidr => {
      const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(32 - prefix);
      return { family: 4, start: BigInt(value) & mask, prefix };
    });
    fc.assert(
      fc.property(fc.oneof(v4, v6), (cidr) => {
        const text = formatCidr(cidr);
        expect(outcome(() => parseCanonicalCidr(text, 'cidr'))).to.deep.equal(outcome(() => parseCidr(text, 'cidr')));
      }),
      { numRuns: 3000 },
    );
  });

  it('on text that is not canonical, or not a block: the same answer or the same refusal', () => {
    const texts = ['10.0.0.1/24', '010.0.0.0/8', '10.0.0.0/08', '10.0.0.0/33', '256.0.0.0/8', '2001:DB8::/32', '2001:0db8::/32', '2001:db8::1/64', '::ffff:10.0.0.0/120', '::/96', '::ffff:0:0/96', ':::/64', '2001:db8::/129', 'fe80::/10', '::/0', '0.0.0.0/0'];
    for (const text of texts) expect(outcome(() => parseCanonicalCidr(text, 'cidr')), text).to.deep.equal(outcome(() => parseCidr(text, 'cidr')));
  });
});
