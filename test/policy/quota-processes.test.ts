import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { runAllocationWorkers } from '../support/processes';

/**
 * Quotas across processes: four worker processes (each its own engine and cache, as four
 * stacks' `pulumi up` on one SQLite state file) with six concurrent clients each allocate at
 * once. Usage is counted inside each compare-and-swap commit, so the quotas hold exactly.
 */
describe('pool quotas across worker processes (SQLite file)', function () {
  this.timeout(120_000);

  it('never exceed a per-creator and a group quota, and count released blocks out once their grace period (0 s) ends', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ipam-quota-')), 'state.db');
    const store = new SqliteStore(file);
    const ipam = Ipam.create(store);
    await ipam.createPool({
      name: 'shared',
      cidr: '10.40.0.0/16',
      defaultPrefixLength: 27,
      gracePeriodSeconds: 0,
      policy: {
        quotas: [
          { name: 'per-worker', creators: 'p*', maxBlocks: 8 },
          { name: 'all-workers', creators: 'p*', per: 'group', maxAddresses: 24 * 32 },
        ],
      },
    });
    const round = () => runAllocationWorkers([0, 1, 2, 3].map((w) => ({ store: { type: 'sqlite', file }, pool: 'shared', worker: `p${w}`, clients: 6, perClient: 5 })));
    const first = await round();
    const granted = first.flatMap((o) => o.granted);
    expect(granted).to.have.length(24);
    expect(first.map((o) => o.granted.length).every((n) => n <= 8)).to.equal(true);
    expect(new Set(first.flatMap((o) => o.errors.map((e) => e.replace(/^[^:]+: /, '').split(' of pool')[0])))).to.deep.equal(new Set(['quota "per-worker"', 'quota "all-workers"']));

    // Five blocks released: with no grace period they stop counting at once, and five more fit.
    const released = granted.slice(0, 5);
    for (const g of released) await ipam.release({ pool: 'shared', owner: g.owner });
    const second = await round();
    const live = (await ipam.listAllocations({ pool: 'shared' })).filter((a) => a.status === 'allocated');
    expect(live).to.have.length(24);
    for (const w of ['p0', 'p1', 'p2', 'p3']) expect(live.filter((a) => a.creator === w).length).to.be.at.most(8);
    // Owners that hold a block get it again; the released five (or others) fill the freed room.
    expect(second.flatMap((o) => o.granted)).to.have.length(24);
    expect((await ipam.check({ pool: 'shared' })).issues).to.deep.equal([]);
    await store.close();
  });
});
