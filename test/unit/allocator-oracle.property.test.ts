import { expect } from 'chai';
import fc from 'fast-check';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamError } from '../../provider/src/errors';
import { formatCidr, parseCidr } from '../../provider/src/net/cidr';
import { MemoryStore } from '../../provider/src/store/memory';
import { expectIpamError } from '../support/expect-error';
import { Oracle } from '../support/oracle';

/**
 * The engine (allocator + engine + memory store) against the naive oracle, on small IPv4 and
 * IPv6 pools where enumeration is cheap: same block or same error for every request, in every
 * strategy, with releases, grace periods and reclamation, for requests that let the strategy
 * choose and for requests that name a block (`cidr`, `address`, `prefer`), and the same answer
 * to "is this block available".
 */
type Op =
  | { type: 'allocate'; owner: number; prefixDelta: number; host: boolean }
  | { type: 'release'; owner: number }
  | { type: 'wait'; ms: number }
  | { type: 'named'; owner: number; mode: 'exact' | 'prefer'; block: BlockChoice }
  | { type: 'available'; block: BlockChoice };

/**
 * A block to name: the block some owner holds or held (`target`, so that blocks in their grace
 * period get named often), else one picked by offset and size in the pool.
 */
interface BlockChoice {
  target: number;
  offset: number;
  prefixDelta: number;
  host: boolean;
}

const blockArb: fc.Arbitrary<BlockChoice> = fc.record({ target: fc.nat(14), offset: fc.nat(255), prefixDelta: fc.nat(8), host: fc.boolean() });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('allocate' as const), owner: fc.nat(11), prefixDelta: fc.nat(8), host: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('release' as const), owner: fc.nat(11) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2500 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant('named' as const), owner: fc.nat(11), mode: fc.constantFrom('exact' as const, 'prefer' as const), block: blockArb }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('available' as const), block: blockArb }) },
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

  /** The block a BlockChoice names, as an offset, a size and a kind. */
  const choose = (c: BlockChoice): { start: number; size: number; host: boolean } => {
    const held = oracle.allocations.get(`o${c.target}`);
    if (held !== undefined) return { start: held.start, size: held.size, host: held.kind === 'host' };
    const blockSize = c.host ? 1 : 2 ** Math.max(0, s.poolBits - c.prefixDelta);
    return { start: Math.floor((c.offset % size) / blockSize) * blockSize, size: blockSize, host: c.host };
  };
  const text = (start: number, blockSize: number, host: boolean): string => {
    const block = { family: s.family, start: poolStart + BigInt(start), prefix: bits - Math.log2(blockSize) };
    return host ? formatCidr(block).split('/')[0] : formatCidr(block);
  };

  for (const op of s.ops) {
    if (op.type === 'wait') {
      now += op.ms;
      continue;
    }
    if (op.type === 'available') {
      const { start, size: blockSize, host } = choose(op.block);
      const expected = oracle.available(start, blockSize, host ? 'host' : 'prefix', now);
      const actual = await ipam.isAvailable({ pool: 'p', cidr: text(start, blockSize, host) });
      expect(actual.available, `${JSON.stringify(op)}: ${text(start, blockSize, host)} on ${cidr}: ${actual.reason}`).to.equal(expected);
      continue;
    }
    const owner = `o${op.owner}`;
    let actual: { ok: true; start: number; size: number } | { ok: false; code: string };
    let expected;
    if (op.type === 'release') {
      expected = oracle.release(owner, now);
      actual = await outcome(ipam.release({ pool: 'p', owner }), poolStart, bits);
    } else if (op.type === 'named') {
      const { start, size: blockSize, host } = choose(op.block);
      const named = text(start, blockSize, host);
      expected = oracle.allocate(owner, blockSize, host ? 'host' : 'prefix', now, { start, mode: op.mode });
      const request =
        op.mode === 'prefer'
          ? host
            ? { pool: 'p', owner, kind: 'host' as const, prefer: named }
            : { pool: 'p', owner, prefixLength: bits - Math.log2(blockSize), prefer: named }
          : host
            ? { pool: 'p', owner, kind: 'host' as const, address: named }
            : { pool: 'p', owner, cidr: named };
      actual = await outcome(ipam.allocate(request), poolStart, bits);
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

  // KubeSlice's available subnets for the smallest block size, counted both ways.
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

  it('a released block named by another owner in its grace period: refused, not available, prefer falls back; its owner gets it back', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const ipam = Ipam.create(new MemoryStore(), { now: () => now });
    await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', defaultPrefixLength: 26, gracePeriodSeconds: 60 });
    await ipam.createPool({ name: 'vpn', cidr: '10.8.0.0/24', gracePeriodSeconds: 60 });
    expect((await ipam.allocate({ pool: 'p', owner: 'web' })).cidr).to.equal('10.0.0.0/26');
    expect((await ipam.allocate({ pool: 'vpn', owner: 'alice', kind: 'host' })).cidr).to.equal('10.8.0.1/32');
    await ipam.release({ pool: 'p', owner: 'web' });
    await ipam.release({ pool: 'vpn', owner: 'alice' });
    now += 30_000;

    await expectIpamError(
      ipam.allocate({ pool: 'p', owner: 'db', cidr: '10.0.0.0/26' }),
      'CIDR_UNAVAILABLE',
      'cidr: 10.0.0.0/26 in pool "p" is held by owner "web" (10.0.0.0/26, released, in its grace period); choose another or omit it',
    );
    await expectIpamError(
      ipam.allocate({ pool: 'vpn', owner: 'bob', kind: 'host', address: '10.8.0.1' }),
      'CIDR_UNAVAILABLE',
      'address: 10.8.0.1 in pool "vpn" is held by owner "alice" (10.8.0.1/32, released, in its grace period); choose another or omit it',
    );
    expect(await ipam.isAvailable({ pool: 'p', cidr: '10.0.0.0/26' })).to.deep.equal({
      available: false,
      reason: '10.0.0.0/26 in pool "p" is held by owner "web" (10.0.0.0/26, released, in its grace period); choose another or omit it',
    });
    expect((await ipam.isAvailable({ pool: 'vpn', cidr: '10.8.0.1' })).available).to.equal(false);
    expect((await ipam.allocate({ pool: 'p', owner: 'db', prefer: '10.0.0.0/26' })).cidr).to.equal('10.0.0.64/26');
    expect((await ipam.allocate({ pool: 'vpn', owner: 'bob', kind: 'host', prefer: '10.8.0.1' })).cidr).to.equal('10.8.0.2/32');
    expect((await ipam.allocate({ pool: 'p', owner: 'web', cidr: '10.0.0.0/26' })).cidr).to.equal('10.0.0.0/26');
    expect((await ipam.allocate({ pool: 'vpn', owner: 'alice', kind: 'host', address: '10.8.0.1' })).status).to.equal('allocated');

    // After the grace period a named block is anyone's: released again, then taken by name by another owner.
    await ipam.release({ pool: 'p', owner: 'web' });
    now += 61_000;
    expect(await ipam.isAvailable({ pool: 'p', cidr: '10.0.0.0/26' })).to.deep.equal({ available: true });
    expect((await ipam.allocate({ pool: 'p', owner: 'cache', cidr: '10.0.0.0/26' })).cidr).to.equal('10.0.0.0/26');
    expect((await ipam.listAllocations({ pool: 'p' })).map((a) => `${a.owner} ${a.cidr}`)).to.deep.equal(['cache 10.0.0.0/26', 'db 10.0.0.64/26']);
  });
});
