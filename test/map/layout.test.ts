import { expect } from 'chai';
import fc from 'fast-check';
import { layoutPoolMap } from '../../provider/src/map/layout';
import { MAP_STATES, MapAllocation, MapCell, MapInput, MapState, PoolMap } from '../../provider/src/map/model';
import { expectIpamError } from '../support/expect-error';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const LATER = '2025-06-02T12:00:00.000Z';
const EARLIER = '2025-05-31T12:00:00.000Z';

const cellAt = (map: PoolMap, cidr: string): MapCell => {
  const cell = map.cells.find((c) => c.cidr === cidr);
  if (cell === undefined) throw new Error(`no cell ${cidr}`);
  return cell;
};

/** Every cell's addresses by state add up to its size, cells follow each other, and together they are the pool and its totals. */
function expectConsistent(map: PoolMap): void {
  const sums = new Map<MapState, bigint>(MAP_STATES.map((s) => [s, 0n]));
  let total = 0n;
  for (const cell of map.cells) {
    const counts = Object.entries(cell.counts) as [MapState, string][];
    expect(counts.reduce((sum, [, n]) => sum + BigInt(n), 0n), cell.label).to.equal(BigInt(cell.size));
    for (const [state, n] of counts) sums.set(state, sums.get(state)! + BigInt(n));
    total += BigInt(cell.size);
    expect(cell.x + cell.w).to.be.at.most(map.width + 0.01);
    expect(cell.y + cell.h).to.be.at.most(map.height + 0.01);
  }
  expect(Object.fromEntries([...sums].map(([s, n]) => [s, n.toString()]))).to.deep.equal(map.totals);
  expect(total).to.equal(MAP_STATES.reduce((sum, s) => sum + BigInt(map.totals[s]), 0n));
}

describe('address map layout', () => {
  const office: MapInput = {
    cidr: '10.0.0.0/16',
    reserved: ['10.0.255.0/24'],
    gateway: '10.0.0.1',
    allocations: [
      { owner: 'web', cidr: '10.0.1.0/24', status: 'allocated' },
      { owner: 'db', cidr: '10.0.2.0/26', status: 'released', graceEndsAt: LATER },
      { owner: 'old', cidr: '10.0.2.64/26', status: 'released', graceEndsAt: EARLIER },
    ],
    children: [{ name: 'dev', cidr: '10.0.16.0/20' }],
    nowMs: NOW,
  };

  it('draws an IPv4 /16 as its 256 /24s, 16 to a row, each cell saying who holds it', () => {
    const map = layoutPoolMap(office);
    expect([map.layout, map.cells.length, map.width, map.height, map.cellPrefix]).to.deep.equal(['grid', 256, 16, 16, 24]);
    expect(map.rowLabels!.slice(0, 3)).to.deep.equal(['10.0.0.0', '10.0.16.0', '10.0.32.0']);
    expect(cellAt(map, '10.0.1.0/24')).to.deep.include({
      state: 'allocated',
      main: 'allocated',
      counts: { allocated: '256' },
      occupants: 1,
      holder: { state: 'allocated', name: 'web', cidr: '10.0.1.0/24' },
      label: '10.0.1.0/24 allocated to web',
      x: 1,
      y: 0,
    });
    expect(cellAt(map, '10.0.0.0/24')).to.deep.include({
      state: 'mixed',
      main: 'gateway',
      counts: { gateway: '1', free: '255' },
      label: '10.0.0.0/24: 10.0.0.1 gateway; 255 of 256 addresses free',
    });
    expect(cellAt(map, '10.0.2.0/24')).to.deep.include({
      state: 'mixed',
      main: 'held',
      counts: { held: '64', reclaimable: '64', free: '128' },
      occupants: 2,
      label: '10.0.2.0/24: 1 held block (64 addresses), 1 reclaimable block (64 addresses), 128 addresses free',
    });
    expect(cellAt(map, '10.0.17.0/24')).to.deep.include({ state: 'child', label: '10.0.17.0/24: 10.0.16.0/20 child pool dev' });
    expect(cellAt(map, '10.0.255.0/24')).to.deep.include({ state: 'reserved', label: '10.0.255.0/24 reserved', x: 15, y: 15 });
    expect(cellAt(map, '10.0.3.0/24')).to.deep.include({ state: 'free', main: 'free', occupants: 0, label: '10.0.3.0/24: 256 addresses free' });
    expect(map.totals).to.deep.equal({ allocated: '256', held: '64', reclaimable: '64', reserved: '256', gateway: '1', child: '4096', free: '60799' });
    expect(map.occupants).to.equal(6);
    expectConsistent(map);
  });

  it('tells a released block held for its owner from one whose grace period is over, by the time given', () => {
    const [held] = layoutPoolMap({ cidr: '10.0.2.0/26', allocations: [office.allocations[1]], nowMs: NOW }, { layout: 'treemap' }).cells;
    expect(held).to.deep.include({
      state: 'held',
      holder: { state: 'held', name: 'db', cidr: '10.0.2.0/26', expiresAt: LATER },
      label: `10.0.2.0/26 released by db, held for it until ${LATER}`,
    });
    const [over] = layoutPoolMap({ cidr: '10.0.2.0/26', allocations: [office.allocations[1]], nowMs: Date.parse(LATER) }, { layout: 'treemap' }).cells;
    expect(over.label).to.equal(`10.0.2.0/26 released by db, grace period over since ${LATER}: reusable`);
  });

  it('draws a /24 address by address, and a small pool never in more cells than it has addresses', () => {
    const vpn = layoutPoolMap({ cidr: '10.8.0.0/24', gateway: '10.8.0.1', allocations: [{ owner: 'alice', cidr: '10.8.0.2/32', status: 'allocated' }], nowMs: NOW });
    expect([vpn.cells.length, vpn.cellPrefix, vpn.width]).to.deep.equal([256, 32, 16]);
    expect(vpn.cells.slice(0, 3).map((c) => c.label)).to.deep.equal(['10.8.0.0/32: 1 address free', '10.8.0.1 gateway', '10.8.0.2/32 allocated to alice']);
    expect(layoutPoolMap({ cidr: '10.8.0.0/30', allocations: [], nowMs: NOW }).cells).to.have.length(4);
  });

  it('takes the cell size asked for, and refuses one that would draw more cells than allowed', async () => {
    const map = layoutPoolMap(office, { cellPrefix: 20 });
    expect([map.cells.length, map.width, map.height]).to.deep.equal([16, 4, 4]);
    expect(map.cells[1]).to.deep.include({ cidr: '10.0.16.0/20', state: 'child', label: '10.0.16.0/20 child pool dev' });
    await expectIpamError(
      (async () => layoutPoolMap(office, { cellPrefix: 28 }))(),
      'INVALID_INPUT',
      'cellPrefix: the pool (/16) holds 2^12 blocks of /28, more than the 1024 cells allowed; give /26 or a shorter prefix',
    );
    await expectIpamError((async () => layoutPoolMap(office, { cellPrefix: 8 }))(), 'INVALID_INPUT', 'cellPrefix: /8 is not a block size of the pool (/16); give a prefix length from /16 to /32');
    await expectIpamError((async () => layoutPoolMap(office, { maxCells: 0 }))(), 'INVALID_INPUT', 'maxCells: 0 is not a cell count the map can draw; give a whole number from 1 to 4096');
    await expectIpamError((async () => layoutPoolMap(office, { layout: 'treemap', cellPrefix: 24 }))(), 'INVALID_INPUT', 'cellPrefix: only a grid has cells of one size; leave it out for a treemap');
  });

  it('counts an address once when stored records overlap (a stray record is clipped, not double-counted)', () => {
    const map = layoutPoolMap({
      cidr: '10.0.0.0/24',
      allocations: [
        { owner: 'a', cidr: '10.0.0.0/25', status: 'allocated' },
        { owner: 'stray', cidr: '10.0.0.64/26', status: 'allocated' },
        { owner: 'outside', cidr: '10.9.0.0/24', status: 'allocated' },
      ],
      nowMs: NOW,
    }, { cellPrefix: 25 });
    expect(map.totals.allocated).to.equal('128');
    expect(map.cells.map((c) => c.label)).to.deep.equal(['10.0.0.0/25 allocated to a', '10.0.0.128/25: 128 addresses free']);
  });

  it('draws an IPv6 /32 as a treemap of its allocations and merged free runs, in address order', () => {
    const map = layoutPoolMap({
      cidr: '2001:db8::/32',
      allocations: [
        { owner: 'a', cidr: '2001:db8::/64', status: 'allocated' },
        { owner: 'b', cidr: '2001:db8:0:1::/64', status: 'released', graceEndsAt: LATER },
        { owner: 'c', cidr: '2001:db8:8000::/48', status: 'allocated' },
      ],
      nowMs: NOW,
    });
    expect(map.layout).to.equal('treemap');
    expect(map.cells.map((c) => [c.state, c.cidr ?? `${c.first} - ${c.last}`])).to.deep.equal([
      ['allocated', '2001:db8::/64'],
      ['held', '2001:db8:0:1::/64'],
      ['free', '2001:db8:0:2:: - 2001:db8:7fff:ffff:ffff:ffff:ffff:ffff'],
      ['allocated', '2001:db8:8000::/48'],
      ['free', '2001:db8:8001:: - 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'],
    ]);
    expect(map.cells[2].label).to.equal('2001:db8:0:2:: - 2001:db8:7fff:ffff:ffff:ffff:ffff:ffff: about 2^94 addresses free');
    const area = map.cells.reduce((sum, c) => sum + c.w * c.h, 0);
    expect(area / (map.width * map.height)).to.be.closeTo(1, 0.001);
    // Address order: the first cell sits top left; no two cells overlap.
    expect([map.cells[0].x, map.cells[0].y]).to.deep.equal([0, 0]);
    for (const [i, a] of map.cells.entries()) {
      for (const b of map.cells.slice(i + 1)) {
        const apart = a.x + a.w <= b.x + 0.01 || b.x + b.w <= a.x + 0.01 || a.y + a.h <= b.y + 0.01 || b.y + b.h <= a.y + 0.01;
        expect(apart, `${a.label} / ${b.label}`).to.equal(true);
      }
    }
    expectConsistent(map);
  });

  describe('a busy /8 and a busy IPv6 /32 (100,000 allocations each)', () => {
    // 10.0.0.0/8 with 100,000 /30s: 64 to a /24, in the first 1,563 /24s.
    const v4: MapAllocation[] = Array.from({ length: 100_000 }, (_, i) => ({
      owner: `host-${i}`,
      cidr: `10.${(i >> 14) & 255}.${(i >> 6) & 255}.${(i & 63) * 4}/30`,
      status: i % 10 === 9 ? 'released' : 'allocated',
      ...(i % 10 === 9 ? { graceEndsAt: LATER } : {}),
    }));
    // 2001:db8::/32 with 100,000 /64s spread over its /48s.
    const v6: MapAllocation[] = Array.from({ length: 100_000 }, (_, i) => ({
      owner: `net-${i}`,
      cidr: `2001:db8:${(i % 65_536).toString(16)}:${Math.floor(i / 65_536).toString(16)}::/64`,
      status: 'allocated',
    }));

    it('the /8 is a grid of 1,024 /18s whose counts are exact, and a treemap within its budget', () => {
      const map = layoutPoolMap({ cidr: '10.0.0.0/8', allocations: v4, nowMs: NOW });
      expect([map.cells.length, map.cellPrefix, map.width, map.height]).to.deep.equal([1024, 18, 32, 32]);
      // Each /18 holds 64 /24s = 4,096 /30s (of the first, 409 have i % 10 = 9: released); the first 24 /18s are full, the 25th holds 100,000 - 24 x 4,096 = 1,696.
      expect(map.cells[0].counts).to.deep.equal({ allocated: String(3687 * 4), held: String(409 * 4) });
      expect(map.cells[0].label).to.equal('10.0.0.0/18: 3,687 allocations (14,748 addresses), 409 held blocks (1,636 addresses)');
      expect(map.cells[24].occupants).to.equal(1696);
      expect(map.cells[25]).to.deep.include({ state: 'free', occupants: 0 });
      expect(map.totals).to.include({ allocated: String(90_000 * 4), held: String(10_000 * 4) });
      expectConsistent(map);
      for (const maxCells of [1, 7, 100, 4096]) {
        const tree = layoutPoolMap({ cidr: '10.0.0.0/8', allocations: v4, nowMs: NOW }, { layout: 'treemap', maxCells });
        expect(tree.cells.length, `maxCells ${maxCells}`).to.be.within(1, maxCells);
        expectConsistent(tree);
      }
    });

    it('the IPv6 /32 is a treemap of at most 1,024 cells that still counts every allocation', () => {
      const map = layoutPoolMap({ cidr: '2001:db8::/32', allocations: v6, nowMs: NOW });
      expect(map.cells.length).to.be.within(512, 1024);
      expect(map.totals.allocated).to.equal((100_000n << 64n).toString());
      expect(map.cells.reduce((sum, c) => sum + c.occupants, 0)).to.equal(100_000);
      expectConsistent(map);
    });
  });

  it('agrees with counting address by address on small pools (property)', () => {
    // The oracle enumerates, which is fine for a /22 in a test and never done by the layout.
    const blocks = fc.array(fc.record({ start: fc.integer({ min: 0, max: 1023 }), order: fc.integer({ min: 0, max: 7 }), state: fc.constantFrom('allocated', 'held', 'child') }), { maxLength: 40 });
    fc.assert(
      fc.property(blocks, fc.integer({ min: 1, max: 300 }), fc.boolean(), (raw, maxCells, treemap) => {
        const used = new Array<string | undefined>(1024).fill(undefined);
        const allocations: MapAllocation[] = [];
        const children: { name: string; cidr: string }[] = [];
        raw.forEach((b, i) => {
          const start = b.start - (b.start % 2 ** b.order);
          if (used.slice(start, start + 2 ** b.order).some((u) => u !== undefined)) return;
          used.fill(b.state, start, start + 2 ** b.order);
          const cidr = `10.0.${Math.floor(start / 256)}.${start % 256}/${32 - b.order}`;
          if (b.state === 'child') children.push({ name: `c${i}`, cidr });
          else allocations.push({ owner: `o${i}`, cidr, status: b.state === 'held' ? 'released' : 'allocated', graceEndsAt: b.state === 'held' ? LATER : undefined });
        });
        const map = layoutPoolMap({ cidr: '10.0.0.0/22', allocations, children, nowMs: NOW }, { layout: treemap ? 'treemap' : 'grid', maxCells });
        expect(map.cells.length).to.be.at.most(maxCells);
        let next = 0;
        for (const cell of map.cells) {
          const first = Number(cell.first.split('.')[2]) * 256 + Number(cell.first.split('.')[3]);
          const last = Number(cell.last.split('.')[2]) * 256 + Number(cell.last.split('.')[3]);
          expect(first).to.equal(next);
          next = last + 1;
          const expected: Record<string, string> = {};
          for (let a = first; a <= last; a++) {
            const state = used[a] ?? 'free';
            expected[state] = String(Number(expected[state] ?? 0) + 1);
          }
          expect(cell.counts).to.deep.equal(expected);
        }
        expect(next).to.equal(1024);
      }),
      { numRuns: 150 },
    );
  });
});
