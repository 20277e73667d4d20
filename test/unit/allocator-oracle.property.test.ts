import { expect } from 'chai';
import fc from 'fast-check';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamError } from '../../provider/src/errors';
import { formatCidr, parseCidr } from '../../provider/src/net/cidr';
import { MemoryStore } from '../../provider/src/store/memory';
import { Oracle } from '../support/oracle';

/**
 * The engine (allocator + engine + memory store) against the naive oracle, on small IPv4 and
 * IPv6 pools where enumeration is cheap: same block or same error for every request, in every
 * strategy, with releases, grace periods and reclamation.
 */
type Op =
  | { type: 'allocate'; owner: number; prefixDelta: number; host: boolean }
  | { type: 'release'; owner: number }
  | { type: 'wait'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('allocate' as const), owner: fc.nat(11), prefixDelta: fc.nat(8), host: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('release' as const), owner: fc.nat(11) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2500 }) }) },
);

const scenarioArb = fc.record({
  family: fc.constantFrom(4 as const, 6 as const),
  poolBits: fc.integer({ min: 2, max: 8 }),
  base: fc.nat(255),
  strategy: fc.constantFrom('first-fit' as const, 'best-fit' as const),
  graceSeconds: fc.integer({ min: 0, max: 2 }),
  gateway: fc.boolean(),
  reservedDelta: fc.option(fc.nat(8), { nil: undefined }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 50 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

async function runScenario(s: Scenario): Promise<void> {
  const bits = s.family === 4 ? 32 : 128;
  const poolPrefix = bits - s.poolBits;
  const size = 2 ** s.poolBits;
  const baseText = s.family === 4 ? `10.${s.base}.0.0` : `2001:db8:0:${s.base.toString(16)}::`;
  const cidr = formatCidr({ ...parseCidr(`${baseText}/${s.family === 4 ? 16 : 64}`), prefix: poolPrefix });
  const poolStart = parseCidr(cidr).start;
  const reserved = new Set<number>();
  const reservedCidrs: string[] = [];
  if (s.reservedDelta !== undefined && s.reservedDelta < s.poolBits) {
    // A reserved block of the last quarter-ish of the pool, aligned.
    const rSize = 2 ** s.reservedDelta;
    const rStart = size - rSize;
    for (let i = rStart; i < size; i++) reserved.add(i);
    reservedCidrs.push(formatCidr({ family: s.family, start: poolStart + BigInt(rStart), prefix: bits - s.reservedDelta }));
  }
  let gateway: boolean = s.gateway && s.poolBits >= 2;
  const gatewayOffset = s.family === 4 && s.poolBits >= 2 ? 1 : s.poolBits >= 2 ? 1 : 0;
  if (gateway && reserved.has(gatewayOffset)) gateway = false;
  if (gateway) reserved.add(gatewayOffset);

  let now = Date.parse('2026-01-01T00:00:00Z');
  const ipam = Ipam.create(new MemoryStore(), { now: () => now });
  await ipam.createPool({ name: 'p', cidr, strategy: s.strategy, gracePeriodSeconds: s.graceSeconds, gateway, reserved: reservedCidrs });
  const oracle = new Oracle({ start: 0, size, bits, family: s.family, strategy: s.strategy, graceMs: s.graceSeconds * 1000, reserved });

  for (const op of s.ops) {
    if (op.type === 'wait') {
      now += op.ms;
      continue;
    }
    const owner = `o${op.owner}`;
    let actual: { ok: true; start: number; size: number } | { ok: false; code: string };
    let expected;
    if (op.type === 'release') {
      expected = oracle.release(owner, now);
      actual = await outcome(ipam.release({ pool: 'p', owner }), poolStart, bits);
    } else {
      const prefixLength = op.host ? bits : Math.min(bits, poolPrefix + op.prefixDelta);
      expected = oracle.allocate(owner, 2 ** (bits - prefixLength), op.host ? 'host' : 'prefix', now);
      actual = await outcome(
        ipam.allocate(op.host ? { pool: 'p', owner, kind: 'host' } : { pool: 'p', owner, prefixLength }),
        poolStart,
        bits,
      );
    }
    expect(actual, `${JSON.stringify(op)} on ${cidr} (${s.strategy})`).to.deep.equal(expected);
  }

  const listed = await ipam.listAllocations({ pool: 'p' });
  const fromEngine = listed.map((a) => [a.owner, Number(parseCidr(a.cidr).start - poolStart), a.status]).sort();
  const fromOracle = [...oracle.allocations.values()].map((a) => [a.owner, a.start, a.status]).sort();
  expect(fromEngine).to.deep.equal(fromOracle);

  // Seed 000's available subnets for the smallest block size, counted both ways.
  const blockPrefix = Math.min(bits, poolPrefix + 2);
  const stats = (await ipam.getPool({ pool: 'p', prefixLength: blockPrefix })).stats;
  expect(Number(stats.blocks!.available)).to.equal(oracle.availableBlocks(2 ** (bits - blockPrefix)));
  const report = await ipam.check({ pool: 'p' });
  expect(report.issues).to.deep.equal([]);
}

async function outcome(p: Promise<{ cidr: string }>, poolStart: bigint, bits: number) {
  try {
    const a = await p;
    const c = parseCidr(a.cidr);
    return { ok: true as const, start: Number(c.start - poolStart), size: 2 ** (bits - c.prefix) };
  } catch (e) {
    if (e instanceof IpamError) return { ok: false as const, code: e.code };
    throw e;
  }
}

describe('allocator against the enumerating oracle (fast-check)', () => {
  it('gives the same block or the same error for every request, IPv4 and IPv6, both strategies', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), { numRuns: 300 });
  });
});
