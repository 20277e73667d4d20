import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { StoreConfig, openStore } from '../../provider/src/backends/open-store';
import { HttpWorkerArgs } from '../support/http-alloc-worker';
import { ServiceProcess, WRITER, startServeProcess } from '../support/http-service';
import { PostgresCluster, clusterOrSkip } from '../support/postgres';
import { WorkerOutput, runAllocationWorkers } from '../support/processes';

const PROCESSES = 4;
const CLIENTS = 16;
const PER_CLIENT = 8;

/**
 * 4 processes x 16 clients allocating from one pool through the service, as the issue asks:
 * zero duplicates, consistency check clean, and the store holds exactly what was acknowledged.
 */
async function raceThroughService(db: string, replicas: number): Promise<void> {
  const config: StoreConfig = db.startsWith('postgres') ? { type: 'postgres', url: db } : { type: 'sqlite', file: db };
  const setup = Ipam.create(await openStore(config));
  await setup.createPool({ name: 'race', cidr: '10.40.0.0/16', defaultPrefixLength: 27 });
  const services: ServiceProcess[] = [];
  try {
    for (let i = 0; i < replicas; i++) services.push(await startServeProcess(db));
    const outputs: WorkerOutput[] = await runAllocationWorkers(
      Array.from({ length: PROCESSES }, (_, w): HttpWorkerArgs => ({
        // Each worker spreads its clients over every replica.
        servers: services.map((s) => s.url),
        token: WRITER.token,
        pool: 'race',
        worker: `p${w}`,
        clients: CLIENTS,
        perClient: PER_CLIENT,
      })),
      'test/support/http-alloc-worker.ts',
    );
    expect(outputs.flatMap((o) => o.errors)).to.deep.equal([]);
    const granted = outputs.flatMap((o) => o.granted);
    expect(granted).to.have.length(PROCESSES * CLIENTS * PER_CLIENT);
    expect(new Set(granted.map((g) => g.cidr)).size).to.equal(granted.length);
    const stored = await setup.listAllocations({ pool: 'race' });
    expect(stored.map((a) => `${a.owner}=${a.cidr}`).sort()).to.deep.equal(granted.map((g) => `${g.owner}=${g.cidr}`).sort());
    expect((await setup.check({ pool: 'race' })).issues).to.deep.equal([]);
  } finally {
    for (const service of services) expect(await service.stop()).to.equal(0);
    await setup.close();
  }
}

describe('HTTP service: 4 processes x 16 clients through the service', function () {
  this.timeout(180_000);

  it('on SQLite: zero duplicates, consistency clean, everything acknowledged stored', async () => {
    await raceThroughService(join(mkdtempSync(join(tmpdir(), 'ipam-race-')), 'ipam.db'), 1);
  });

  describe('on PostgreSQL', () => {
    let cluster: PostgresCluster | undefined;
    before(async function () {
      cluster = await clusterOrSkip(this);
    });
    after(() => cluster?.stop());

    it('one service: zero duplicates, consistency clean, everything acknowledged stored', async () => {
      await raceThroughService(await cluster!.createDatabase('race_one'), 1);
    });

    it('two service replicas on one database: zero duplicates, consistency clean, everything acknowledged stored', async () => {
      await raceThroughService(await cluster!.createDatabase('race_two'), 2);
    });
  });
});
