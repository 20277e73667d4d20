import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { HttpWorkerArgs } from '../support/http-alloc-worker';
import { useCleanup } from '../support/cleanup';
import { ServiceProcess, WRITER, startServeProcess } from '../support/http-service';
import { runAllocationWorkers } from '../support/processes';

/**
 * kill -9 of the service in the middle of a load run, then a restart on the same address:
 * the clients ride through it on their retries (allocation is idempotent by owner), and
 * afterwards nothing acknowledged is lost and no block is held twice.
 */
describe('HTTP service: kill -9 during a load run', function () {
  this.timeout(180_000);
  const defer = useCleanup();

  it('loses nothing acknowledged and duplicates nothing (SQLite file, synchronous=FULL)', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ipam-crash-')), 'ipam.db');
    const observer = Ipam.create(new SqliteStore(db));
    defer(() => observer.close());
    await observer.createPool({ name: 'load', cidr: '10.50.0.0/16', defaultPrefixLength: 28 });
    let service: ServiceProcess = await startServeProcess(db);
    // The latest one: a restart replaces it.
    defer(() => service.kill9());
    const listen = new URL(service.url).host;

    const load = runAllocationWorkers(
      [0, 1].map((w): HttpWorkerArgs => ({
        servers: [service.url],
        token: WRITER.token,
        pool: 'load',
        worker: `k${w}`,
        clients: 8,
        perClient: 60,
        retries: 12,
        retryMaxMs: 1_000,
      })),
      'test/support/http-alloc-worker.ts',
    );
    // Kill once a fair part of the load is committed: a bounded wait, polling the file.
    let before = 0;
    for (let i = 0; i < 600 && before < 150; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      before = (await observer.listAllocations({ pool: 'load' })).length;
    }
    expect(before, 'allocations committed before the kill').to.be.at.least(150);
    await service.kill9();
    service = await startServeProcess(db, { listen });
    const outputs = await load;
    await service.stop();

    const granted = outputs.flatMap((o) => o.granted);
    const stored = await observer.listAllocations({ pool: 'load' });
    const storedByOwner = new Map(stored.map((a) => [a.owner, a.cidr]));
    // Nothing acknowledged is lost: each acknowledged owner holds exactly the block it was told.
    expect(granted.filter((g) => storedByOwner.get(g.owner) !== g.cidr)).to.deep.equal([]);
    // Nothing duplicated: no block twice, consistency clean.
    expect(new Set(stored.map((a) => a.cidr)).size).to.equal(stored.length);
    const check = Ipam.create(new SqliteStore(db));
    defer(() => check.close());
    expect((await check.check({ pool: 'load' })).issues).to.deep.equal([]);
    // The run really spanned the crash: allocations were acknowledged after the restart too.
    expect(granted.length).to.be.greaterThan(before);
    expect(stored.length).to.be.at.least(granted.length);
  });
});
