import { expect } from 'chai';
import fc from 'fast-check';
import { FreeSpace } from '../../provider/src/allocator/free-space';

/**
 * The buddy index against a plain bitset of a small pool: after any sequence of occupy/release,
 * its blocks are exactly the maximal free aligned blocks of the bitset, and every query agrees
 * with a scan of the bitset.
 */
class Bitset {
  readonly used: boolean[];
  constructor(readonly size: number) {
    this.used = new Array(size).fill(false);
  }
  free(start: number, len: number): boolean {
    return this.used.slice(start, start + len).every((u) => !u);
  }
  allUsed(start: number, len: number): boolean {
    return this.used.slice(start, start + len).every((u) => u);
  }
  set(start: number, len: number, value: boolean): void {
    for (let i = start; i < start + len; i++) this.used[i] = value;
  }
  maximalBlocks(): { start: number; order: number }[] {
    const blocks: { start: number; order: number }[] = [];
    let i = 0;
    while (i < this.size) {
      if (this.used[i]) {
        i += 1;
        continue;
      }
      let order = 0;
      while (i % 2 ** (order + 1) === 0 && i + 2 ** (order + 1) <= this.size && this.free(i, 2 ** (order + 1))) order += 1;
      blocks.push({ start: i, order });
      i += 2 ** order;
    }
    return blocks;
  }
}

const BASE = 1n << 40n;

describe('FreeSpace: the buddy index of maximal free aligned blocks', () => {
  it('matches a bitset after any sequence of occupy and release (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.array(fc.record({ order: fc.nat(7), slot: fc.nat(255), occupy: fc.boolean() }), { maxLength: 60 }),
        (rootOrder, ops) => {
          const size = 2 ** rootOrder;
          const space = new FreeSpace(BASE, rootOrder);
          const model = new Bitset(size);
          for (const op of ops) {
            const order = op.order % (rootOrder + 1);
            const len = 2 ** order;
            const start = (op.slot * len) % size;
            if (op.occupy && model.free(start, len)) {
              space.occupy(BASE + BigInt(start), order);
              model.set(start, len, true);
            } else if (!op.occupy && model.allUsed(start, len)) {
              space.release(BASE + BigInt(start), order);
              model.set(start, len, false);
            }
            expect(space.blocks().map((b) => ({ start: Number(b.start - BASE), order: b.order }))).to.deep.equal(model.maximalBlocks());
          }
          for (let order = 0; order <= rootOrder; order++) {
            const len = 2 ** order;
            const aligned = Array.from({ length: size / len }, (_, k) => k * len).filter((s) => model.free(s, len));
            const first = space.firstFit(order);
            expect(first === undefined ? undefined : Number(first - BASE)).to.equal(aligned[0]);
            expect(Number(space.countBlocks(order))).to.equal(aligned.length);
            for (const s of aligned) expect(space.isFree(BASE + BigInt(s), order)).to.equal(true);
            // firstFit from an offset: the lowest free aligned block at or after it.
            const from = Math.floor(size / 3);
            const after = space.firstFit(order, BASE + BigInt(from));
            expect(after === undefined ? undefined : Number(after - BASE)).to.equal(aligned.find((s) => s >= from));
          }
          expect(Number(space.freeAddresses)).to.equal(model.used.filter((u) => !u).length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses to occupy what is not free and to release what is partly free (engine bugs surface, not corrupt state)', () => {
    const space = new FreeSpace(0n, 4);
    space.occupy(0n, 2);
    expect(() => space.occupy(0n, 1)).to.throw('internal: occupy of a block that is not free');
    expect(() => space.release(0n, 3)).to.throw('internal: release of a block that is partly free');
  });

  it('answers for a /32 IPv6 pool cut into /64s without enumerating (2^32 blocks)', () => {
    const space = new FreeSpace(0x20010db8n << 96n, 96);
    const order64 = 64;
    for (let i = 0; i < 1000; i++) space.occupy(space.firstFit(order64)!, order64);
    expect(space.countBlocks(order64)).to.equal((1n << 32n) - 1000n);
    expect(space.firstFit(order64)).to.equal((0x20010db8n << 96n) + (1000n << 64n));
    expect(space.largestFreeOrder()).to.equal(95);
  });

  it('best-fit takes the smallest hole that fits, keeping large blocks whole', () => {
    const space = new FreeSpace(0n, 4); // 16 addresses
    space.occupy(0n, 0); // hole of 1 at 1, of 2 at 2, of 4 at 4, of 8 at 8
    expect(space.bestFitCandidates(0).next().value).to.equal(1n);
    expect(space.bestFitCandidates(1).next().value).to.equal(2n);
    expect(space.bestFitCandidates(2).next().value).to.equal(4n);
    expect(space.firstFit(0)).to.equal(1n);
  });
});
