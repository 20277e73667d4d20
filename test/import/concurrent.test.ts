import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importText } from '../../provider/src/cli/transfer/import-flow';
import { NO_PROGRESS } from '../../provider/src/cli/transfer/progress';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamError } from '../../provider/src/errors';
import { AllocationInfo } from '../../provider/src/model/api';
import { SqliteStore } from '../../provider/src/store/sqlite';

/**
 * An import racing an allocator on another engine over the same SQLite file (as two processes
 * would: each engine has its own cache and commits with compare-and-swap). The allocator takes
 * blocks that the file also names, so they collide; whoever commits first keeps the
 * block, and the other is refused. Whatever the interleaving: no block is held twice, every line
 * of the file is either imported as written or reported refused, and the allocator's blocks are
 * its own.
 */
describe('ipam import while another writer allocates', function () {
  this.timeout(60_000);

  it('never gives a block twice: lines that lost the race are reported, the rest are imported exactly', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ipam-import-race-')), 'state.db');
    const importer = Ipam.create(new SqliteStore(file), { actor: 'importer' });
    const allocator = Ipam.create(new SqliteStore(file), { actor: 'allocator' });
    try {
      await importer.createPool({ name: 'corp', cidr: '10.0.0.0/16', defaultPrefixLength: 28 });
      const rows = Array.from({ length: 1500 }, (_, i) => `allocation,corp,10.0.${Math.floor(i / 16)}.${(i % 16) * 16}/28,import-${i}`);
      const text = ['record,pool,cidr,owner', ...rows].join('\n');
      // One allocation after another, of blocks the file names too, from its end backwards, so
      // they keep landing while the import checks and writes, some before and some after it.
      const racing = (async () => {
        const got: AllocationInfo[] = [];
        for (let i = 0; i < 300; i++) {
          const cidr = rows[rows.length - 1 - i * 5].split(',')[2];
          try {
            got.push(await allocator.allocate({ pool: 'corp', owner: `racer-${i}`, cidr }));
          } catch (e) {
            expect((e as IpamError).code, cidr).to.equal('CIDR_UNAVAILABLE');
          }
        }
        return got;
      })();
      const [report, racers] = await Promise.all([
        importText(importer, text, { space: 'default', dryRun: false, skipInvalid: true, progress: NO_PROGRESS, actor: 'importer', chunkRows: 10 }),
        racing,
      ]);

      expect((await allocator.check({ pool: 'corp' })).ok).to.equal(true);
      const held = await allocator.listAllocations({ pool: 'corp' });
      const cidrs = held.map((a) => a.cidr);
      expect(new Set(cidrs).size, 'distinct blocks').to.equal(cidrs.length);
      const byOwner = new Map(held.map((a) => [a.owner, a.cidr]));
      for (const racer of racers) expect(byOwner.get(racer.owner)).to.equal(racer.cidr);
      const refusedLines = new Set(report.refusals.map((r) => r.line));
      rows.forEach((row, i) => {
        const [, , cidr, owner] = row.split(',');
        if (refusedLines.has(i + 2)) expect(byOwner.has(owner), `line ${i + 2} refused`).to.equal(false);
        else expect(byOwner.get(owner), `line ${i + 2} imported`).to.equal(cidr);
      });
      for (const refusal of report.refusals) expect(refusal.code).to.equal('CIDR_UNAVAILABLE');
      expect(report.created + report.refused).to.equal(rows.length);
      expect(held.length).to.equal(report.created + racers.length);
    } finally {
      await importer.close();
      await allocator.close();
    }
  });
});
