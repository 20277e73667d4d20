import { expect } from 'chai';
import fc from 'fast-check';
import { AllocationRecord } from '../../provider/src/model/records';
import { formatCidr } from '../../provider/src/net/cidr';
import { decodeLedger, encodeLedger } from '../../provider/src/store/kubernetes/ledger-codec';
import { allocationRecord, poolRecord } from '../support/records';

/**
 * The compact ledger encoding gives back every record exactly, whatever it holds: IPv4 and
 * IPv6 blocks anywhere (also past 2^53), text that is not a canonical CIDR or time (a
 * hand-edited or very old ledger), any Unicode in owner keys, labels, descriptions, and fields
 * a newer release may add.
 */
const block = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 32 }), fc.nat({ max: 0xffffffff })).map(([prefix, n]) => formatCidr({ family: 4, start: BigInt(n) & ~((1n << BigInt(32 - prefix)) - 1n), prefix })),
  fc.tuple(fc.integer({ min: 0, max: 128 }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })).map(([prefix, n]) => formatCidr({ family: 6, start: n & ~((1n << BigInt(128 - prefix)) - 1n), prefix })),
  fc.constantFrom('10.0.0.1/24', '10.0.0.0/33', '2001:DB8::/32', '::ffff:1.2.3.4/128', 'not a cidr', ''),
);
const time = fc.oneof(
  fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-01-05T00:00:00Z', '2026-02-30T00:00:00.000Z', 'yesterday'),
);
const allocation: fc.Arbitrary<AllocationRecord> = fc
  .record(
    {
      pool: fc.constantFrom('corp', 'vpn', 'a.b', 'z'),
      owner: fc.string({ unit: 'grapheme', maxLength: 12 }),
      cidr: block,
      kind: fc.constantFrom('prefix' as const, 'host' as const),
      status: fc.constantFrom('allocated' as const, 'released' as const),
      allocatedAt: time,
      releasedAt: time,
      creator: fc.constantFrom('pulumi:web/dev', 'cli:alice', 'k8s:team-a/ClientIp/x'),
      description: fc.string({ unit: 'grapheme', maxLength: 8 }),
      labels: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
      futureField: fc.oneof(fc.integer(), fc.constant({ nested: [1, 'x'] })),
    },
    { requiredKeys: ['pool', 'owner', 'cidr', 'kind', 'status', 'allocatedAt'] },
  )
  .map((record) => record as AllocationRecord);

const key = (a: AllocationRecord) => JSON.stringify([a.pool, a.owner]);
const byKey = (list: AllocationRecord[]) => [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

describe('Kubernetes ledger encoding', () => {
  it('gives back every record exactly, in any mix of pools, families and odd texts, in one segment or many', () => {
    fc.assert(
      fc.property(fc.uniqueArray(allocation, { selector: key, maxLength: 60 }), fc.constantFrom(1, 3, 4_096), (allocations, segmentTarget) => {
        const content = { pools: [poolRecord('corp', '10.0.0.0/8')], allocations, revisions: { corp: 3 }, audit: [{ at: '2026-01-01T00:00:00.000Z', pool: 'corp', action: 'allocate' as const, actor: 'x' }] };
        const decoded = decodeLedger(encodeLedger(content, segmentTarget));
        expect(byKey(decoded.allocations)).to.deep.equal(byKey(allocations));
        expect({ ...decoded, allocations: [] }).to.deep.equal({ ...content, allocations: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('packs blocks handed out one after another into almost nothing: 10,000 /24s with patterned owners in under 4 KB', () => {
    const allocations = Array.from({ length: 10_000 }, (_, i) => ({
      pool: 'corp',
      owner: `dev/network/subnet-${String(i).padStart(5, '0')}`,
      cidr: formatCidr({ family: 4, start: BigInt(0x0a000000 + i * 256), prefix: 24 }),
      kind: 'prefix' as const,
      status: 'allocated' as const,
      allocatedAt: '2026-01-01T00:00:00.000Z',
    }));
    const data = encodeLedger({ pools: [], allocations, revisions: {}, audit: [] });
    expect(data.length).to.be.below(4_000);
    expect(decodeLedger(data).allocations).to.deep.equal(allocations);
  });

  it('a commit that changes one record gives the same text as encoding the new ledger afresh (segments reused only when unchanged)', () => {
    const allocations = Array.from({ length: 3_000 }, (_, i) => allocationRecord('corp', `owner-${i}`, formatCidr({ family: 4, start: BigInt(0x0a000000 + i * 16), prefix: 28 })));
    const content = { pools: [], allocations, revisions: {}, audit: [] };
    encodeLedger(content, 64);
    const changed = { ...content, allocations: allocations.map((a, i) => (i === 1_500 ? { ...a, status: 'released' as const, releasedAt: '2026-02-01T00:00:00.000Z' } : a)) };
    const fresh = { ...changed, allocations: changed.allocations.map((a) => ({ ...a })) };
    expect(encodeLedger(changed, 64)).to.equal(encodeLedger(fresh, 64));
    expect(decodeLedger(encodeLedger(changed, 64)).allocations[1_500]).to.include({ status: 'released', releasedAt: '2026-02-01T00:00:00.000Z' });
  });
});
