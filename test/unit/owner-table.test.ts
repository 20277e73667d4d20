import { expect } from 'chai';
import fc from 'fast-check';
import { OwnerTable } from '../../provider/src/allocator/owner-table';

/**
 * The ledger's table of allocations by owner against a Map: after any sequence of sets and
 * deletes, both hold the same values for the same owners. Few owner keys of random text (6 or
 * 41, in tables of 8 to 128 slots), so values replace each other, and probe runs collide, wrap
 * around the end of the table and are cut by deletes at every place.
 */
interface Held {
  owner: string;
  n: number;
}

/** A run: its owner keys (random text, so their slots differ from run to run) and the operations on them. */
const run = (owners: number) =>
  fc.tuple(
    fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: owners, maxLength: owners }),
    fc.array(fc.record({ set: fc.boolean(), key: fc.nat(owners - 1), n: fc.integer() }), { maxLength: 300 }),
  );

describe('owner table', () => {
  it('holds what a Map holds after any sequence of sets and deletes (fast-check)', () => {
    fc.assert(
      fc.property(fc.constantFrom(6, 41).chain(run), ([owners, sequence]) => {
        const table = new OwnerTable<Held>();
        const oracle = new Map<string, Held>();
        for (const o of sequence) {
          const owner = owners[o.key];
          if (o.set) {
            table.set({ owner, n: o.n });
            oracle.set(owner, { owner, n: o.n });
          } else {
            expect(table.delete(owner)).to.equal(oracle.delete(owner));
          }
          expect(table.size).to.equal(oracle.size);
        }
        for (const owner of owners) expect(table.get(owner)).to.deep.equal(oracle.get(owner));
        expect([...table.values()].sort((a, b) => a.n - b.n || (a.owner < b.owner ? -1 : 1))).to.deep.equal(
          [...oracle.values()].sort((a, b) => a.n - b.n || (a.owner < b.owner ? -1 : 1)),
        );
        expect([...table.keys()].sort()).to.deep.equal([...oracle.keys()].sort());
      }),
      { numRuns: 500 },
    );
  });

  it('finds every one of 100,000 owners after growing, and none it never held', () => {
    const table = new OwnerTable<Held>();
    for (let n = 0; n < 100_000; n++) table.set({ owner: `w0-${n}`, n });
    for (let n = 0; n < 100_000; n += 2) table.delete(`w0-${n}`);
    expect(table.size).to.equal(50_000);
    for (let n = 0; n < 100_000; n++) expect(table.get(`w0-${n}`)?.n).to.equal(n % 2 === 1 ? n : undefined);
    expect(table.get('w0-100000')).to.equal(undefined);
  });
});
