import { expect } from 'chai';
import { IpamError } from '../../provider/src/errors';
import fc from 'fast-check';
import { IPv4 } from 'ip-num';
import { formatAddress, normalizeAddress, parseAddress, parseAddressText } from '../../provider/src/net/address';
import { formatCidr, normalizeCidr, parseCidr, rangeToCidrs } from '../../provider/src/net/cidr';
import { hostExclusions, networkFacts } from '../../provider/src/net/facts';

/**
 * RFC 5952 section 4, written out as the reference: lowercase hex without leading zeros, the
 * longest run of two or more zero hextets as "::" (the first of equal runs), never one lone zero.
 */
function rfc5952(hextets: number[]): string {
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && hextets[j] === 0) j += 1;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = hextets.map((h) => h.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

function errorOf(fn: () => unknown): IpamError {
  try {
    fn();
  } catch (e) {
    if (e instanceof IpamError) return e;
    throw e;
  }
  throw new Error('expected an IpamError');
}

describe('net: CIDRs and addresses are normalised at the boundary', () => {
  const normalised: [string, string][] = [
    ['10.1.0.0/16', '10.1.0.0/16'],
    [' 192.168.0.0/24 ', '192.168.0.0/24'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.0.0.7/32', '10.0.0.7/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/64', '2001:db8::/64'],
    ['2001:db8:0:0:1:0:0:0/96', '2001:db8:0:0:1::/96'], // the longer zero run wins (RFC 5952 4.2.3)
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'], // equal runs: the first one
    ['2001:db8:0:1:1:1:1:0/127', '2001:db8:0:1:1:1:1:0/127'],
    ['1:0:0:2::/64', '1:0:0:2::/64'],
    ['fe80::/10', 'fe80::/10'],
    ['::1:0:0/96', '::1:0:0/96'], // the neighbour just above the IPv4-compatible block is ordinary IPv6
    ['::fffe:0:0/96', '::fffe:0:0/96'], // and so is the one just below the IPv4-mapped block
  ];
  for (const [input, expected] of normalised) {
    it(`${JSON.stringify(input)} -> ${expected}`, () => {
      expect(normalizeCidr(input)).to.equal(expected);
    });
  }

  const refused: [string, string][] = [
    ['10.1.2.3/16', 'cidr: "10.1.2.3/16" has host bits set; the network is 10.1.0.0/16'],
    ['2001:db8::1/64', 'cidr: "2001:db8::1/64" has host bits set; the network is 2001:db8::/64'],
    ['10.0.0.0/33', 'cidr: "10.0.0.0/33" has prefix /33, but IPv4 prefixes go from /0 to /32'],
    ['10.0.0.0', 'cidr: "10.0.0.0" is not a CIDR; write it as address/prefix, like 10.0.0.0/16 or 2001:db8::/32'],
    ['10.0.0.256/24', 'cidr: "10.0.0.256/24" is not a CIDR; the part before "/" must be an IPv4 or IPv6 address'],
    ['010.0.0.0/8', 'cidr: "010.0.0.0/8" is not a CIDR; the part before "/" must be an IPv4 or IPv6 address'],
    ['invalid', 'cidr: "invalid" is not a CIDR; write it as address/prefix, like 10.0.0.0/16 or 2001:db8::/32'],
    ['10.0.0.0/-1', 'cidr: "10.0.0.0/-1" is not a CIDR; write it as address/prefix, like 10.0.0.0/16 or 2001:db8::/32'],
    ['1::2::3/64', 'cidr: "1::2::3/64" is not a CIDR; the part before "/" must be an IPv4 or IPv6 address'],
    // A leading zero reads as octal to some tools: /08 is refused, not taken as /8.
    ['10.0.0.0/08', 'cidr: "10.0.0.0/08" writes the prefix length with a leading zero; write it as /8'],
    ['2001:db8::/032', 'cidr: "2001:db8::/032" writes the prefix length with a leading zero; write it as /32'],
    ['0.0.0.0/00', 'cidr: "0.0.0.0/00" writes the prefix length with a leading zero; write it as /0'],
    ['2001:db8::01.2.3.4/128', 'cidr: "2001:db8::01.2.3.4/128" is not a CIDR; the part before "/" must be an IPv4 or IPv6 address'],
    // IPv6 that aliases IPv4 (RFC 4291 2.5.5): the IPv4 block in disguise, or a block reaching into one.
    ['::ffff:10.50.0.0/120', 'cidr: "::ffff:10.50.0.0/120" lies in ::ffff:0:0/96, the IPv4-mapped IPv6 block, and aliases the IPv4 block 10.50.0.0/24; write 10.50.0.0/24, or use IPv6 outside ::/96 and ::ffff:0:0/96'],
    ['::FFFF:a32:0/120', 'cidr: "::FFFF:a32:0/120" lies in ::ffff:0:0/96, the IPv4-mapped IPv6 block, and aliases the IPv4 block 10.50.0.0/24; write 10.50.0.0/24, or use IPv6 outside ::/96 and ::ffff:0:0/96'],
    ['::ffff:10.50.0.7/128', 'cidr: "::ffff:10.50.0.7/128" lies in ::ffff:0:0/96, the IPv4-mapped IPv6 block, and aliases the IPv4 block 10.50.0.7/32; write 10.50.0.7/32, or use IPv6 outside ::/96 and ::ffff:0:0/96'],
    ['::ffff:0:0/96', 'cidr: "::ffff:0:0/96" lies in ::ffff:0:0/96, the IPv4-mapped IPv6 block, and aliases the IPv4 block 0.0.0.0/0; write 0.0.0.0/0, or use IPv6 outside ::/96 and ::ffff:0:0/96'],
    ['::10.0.0.0/104', 'cidr: "::10.0.0.0/104" lies in ::/96, the IPv4-compatible IPv6 block, and aliases the IPv4 block 10.0.0.0/8; write 10.0.0.0/8, or use IPv6 outside ::/96 and ::ffff:0:0/96'],
    ['::1/128', 'cidr: "::1/128" lies in ::/96, the IPv4-compatible IPv6 block, and aliases the IPv4 block 0.0.0.1/32; write 0.0.0.1/32, or use IPv6 outside ::/96 and ::ffff:0:0/96'],
    ['::/0', 'cidr: "::/0" reaches into ::ffff:0:0/96, the IPv4-mapped IPv6 block, whose addresses alias IPv4; use IPv6 outside ::/96 and ::ffff:0:0/96, like 2001:db8::/32 or fd00::/8'],
    ['::ffff:0:0/95', 'cidr: "::ffff:0:0/95" reaches into ::ffff:0:0/96, the IPv4-mapped IPv6 block, whose addresses alias IPv4; use IPv6 outside ::/96 and ::ffff:0:0/96, like 2001:db8::/32 or fd00::/8'],
    ['::/95', 'cidr: "::/95" reaches into ::/96, the IPv4-compatible IPv6 block, whose addresses alias IPv4; use IPv6 outside ::/96 and ::ffff:0:0/96, like 2001:db8::/32 or fd00::/8'],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input)} with INVALID_CIDR naming the fix`, () => {
      const e = errorOf(() => parseCidr(input));
      expect(e.code).to.equal('INVALID_CIDR');
      expect(e.status).to.equal(400);
      expect(e.field).to.equal('cidr');
      expect(e.message).to.equal(message);
    });
  }

  it('names the field given by the caller', () => {
    expect(errorOf(() => parseCidr('10.0.0.1/8', 'parent')).message).to.equal('parent: "10.0.0.1/8" has host bits set; the network is 10.0.0.0/8');
  });

  it('parses and prints addresses (RFC 5952 for IPv6)', () => {
    expect(normalizeAddress('10.0.0.5')).to.equal('10.0.0.5');
    expect(normalizeAddress('2001:0DB8::0001')).to.equal('2001:db8::1');
    expect(formatAddress({ family: 6, value: 0n })).to.equal('::');
    expect(formatAddress({ family: 6, value: 1n })).to.equal('::1');
    expect(normalizeAddress('2001:db8::1.2.3.4')).to.equal('2001:db8::102:304');
    const e = errorOf(() => parseAddress('10.0.0', 'ip'));
    expect([e.code, e.message]).to.deep.equal(['INVALID_ADDRESS', 'ip: "10.0.0" is not an IPv4 or IPv6 address; write it like 10.0.0.5 or 2001:db8::5']);
  });

  it('refuses an IPv6 address that aliases IPv4 with INVALID_ADDRESS, suggesting the IPv4 form', () => {
    const refusals: [string, string][] = [
      ['::ffff:10.50.0.7', 'ip: "::ffff:10.50.0.7" lies in ::ffff:0:0/96, the IPv4-mapped IPv6 block, and aliases the IPv4 address 10.50.0.7; write 10.50.0.7, or use IPv6 outside ::/96 and ::ffff:0:0/96'],
      ['::ffff:a32:7', 'ip: "::ffff:a32:7" lies in ::ffff:0:0/96, the IPv4-mapped IPv6 block, and aliases the IPv4 address 10.50.0.7; write 10.50.0.7, or use IPv6 outside ::/96 and ::ffff:0:0/96'],
      ['::10.0.0.1', 'ip: "::10.0.0.1" lies in ::/96, the IPv4-compatible IPv6 block, and aliases the IPv4 address 10.0.0.1; write 10.0.0.1, or use IPv6 outside ::/96 and ::ffff:0:0/96'],
    ];
    for (const [text, message] of refusals) {
      const e = errorOf(() => parseAddress(text, 'ip'));
      expect({ code: e.code, field: e.field, message: e.message }).to.deep.equal({ code: 'INVALID_ADDRESS', field: 'ip', message });
    }
  });

  it('reads dotted IPv4 as ip-num does, but never an octet with a leading zero (property, ip-num as the oracle)', () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.stringMatching(/^0\d{1,2}$/));
    fc.assert(
      fc.property(fc.array(octet, { minLength: 4, maxLength: 4 }), (octets) => {
        const text = octets.join('.');
        let oracle: bigint | undefined;
        try {
          oracle = IPv4.fromString(text).value;
        } catch {
          oracle = undefined;
        }
        if (octets.some((o) => o.length > 1 && o.startsWith('0'))) oracle = undefined;
        expect(parseAddressText(text)).to.deep.equal(oracle === undefined ? undefined : { family: 4, value: oracle });
      }),
      { numRuns: 5000 },
    );
    expect(parseAddressText('255.255.255.255')).to.deep.equal({ family: 4, value: 0xffff_ffffn });
    expect(parseAddressText('0.0.0.0')).to.deep.equal({ family: 4, value: 0n });
    expect(parseAddressText('1.2.3.256')).to.equal(undefined);
  });

  it('prints IPv4 addresses and CIDRs as ip-num does, whatever was printed before them (property, ip-num as the oracle)', () => {
    // Neighbours and addresses far apart in turn: the text before the last octet is remembered
    // by the first three octets, so two /24s that share a slot must never print each other's.
    const address = fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 255 }).map((low) => 0x0a00_0100 + low), fc.integer({ min: 0, max: 255 }).map((low) => 0x0a01_0100 + low));
    fc.assert(
      fc.property(fc.array(fc.tuple(address, fc.integer({ min: 0, max: 32 })), { minLength: 1, maxLength: 20 }), (list) => {
        for (const [value, prefix] of list) {
          const text = IPv4.fromNumber(BigInt(value)).toString();
          expect(formatAddress({ family: 4, value: BigInt(value) })).to.equal(text);
          expect(formatCidr({ family: 4, start: BigInt(value), prefix })).to.equal(`${text}/${prefix}`);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('prints every IPv6 address in RFC 5952 form and reads it back (property)', () => {
    // Hextets biased towards zero, so runs of zeros of every length and position occur.
    const hextet = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }) });
    fc.assert(
      fc.property(fc.array(hextet, { minLength: 8, maxLength: 8 }), (hextets) => {
        const value = hextets.reduce((v, h) => (v << 16n) | BigInt(h), 0n);
        const text = formatAddress({ family: 6, value });
        expect(text).to.equal(rfc5952(hextets));
        expect(parseAddressText(text)).to.deep.equal({ family: 6, value });
      }),
      { numRuns: 2000 },
    );
  });

  it('turns a range into the fewest aligned blocks, without enumerating addresses', () => {
    const v4 = (a: string, b: string) => rangeToCidrs(4, parseAddress(a).value, parseAddress(b).value).map(formatCidr);
    expect(v4('10.0.0.1', '10.0.0.9')).to.deep.equal(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/30', '10.0.0.8/31']);
    expect(v4('10.0.0.0', '10.0.0.255')).to.deep.equal(['10.0.0.0/24']);
    expect(v4('0.0.0.0', '255.255.255.255')).to.deep.equal(['0.0.0.0/0']);
    const v6 = rangeToCidrs(6, 0n, (1n << 128n) - 2n);
    expect(v6).to.have.length(128);
    expect(formatCidr(v6[127])).to.equal('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128');
  });

  it('knows which addresses a host must not get (network, broadcast, IPv6 anycast; none on /31, /32, /127, /128)', () => {
    const ex = (c: string) => hostExclusions(parseCidr(c)).map((v) => formatAddress({ family: parseCidr(c).family, value: v }));
    expect(ex('10.0.0.0/24')).to.deep.equal(['10.0.0.0', '10.0.0.255']);
    expect(ex('10.0.0.0/31')).to.deep.equal([]);
    expect(ex('10.0.0.7/32')).to.deep.equal([]);
    expect(ex('2001:db8::/64')).to.deep.equal(['2001:db8::']);
    expect(ex('2001:db8::/127')).to.deep.equal([]);
  });

  it('reports the network facts of a block', () => {
    expect(networkFacts(parseCidr('10.0.0.0/24'))).to.deep.equal({
      network: '10.0.0.0', netmask: '255.255.255.0', prefixLength: 24, firstHost: '10.0.0.1', lastHost: '10.0.0.254', broadcast: '10.0.0.255', size: '256',
    });
    expect(networkFacts(parseCidr('2001:db8::/64'))).to.deep.equal({
      network: '2001:db8::', netmask: 'ffff:ffff:ffff:ffff::', prefixLength: 64, firstHost: '2001:db8::1', lastHost: '2001:db8::ffff:ffff:ffff:ffff', size: '18446744073709551616',
    });
  });
});
