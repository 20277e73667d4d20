import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { openStore } from '../../provider/src/backends/open-store';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { ChurnWorkerArgs } from '../support/http-churn-worker';
import { ServiceProcess, WRITER, startServeProcess } from '../support/http-service';
import { PostgresCluster, clusterOrSkip } from '../support/postgres';
import { WorkerOutput, runAllocationWorkers } from '../support/processes';
import { send } from './request';

/**
 * Crash safety of the HTTP service: kill -9 of `ipam serve` several times in the middle of a
 * load of allocations and releases, each time restarted on the same address. The clients ride
 * through on their retries (allocation and release are idempotent by owner); afterwards every
 * acknowledged allocation holds the block its owner was told, every acknowledged release is
 * released, and no block is held twice. On SQLite and on PostgreSQL; and a PostgreSQL outage
 * under a running service is answered with 503 and recovered from without a restart.
 *
 * `npm test` runs a short, bounded round; `npm run soak` (IPAM_SOAK=1) a long one for before a
 * release: more kills, more load.
 */
const SOAK = process.env.IPAM_SOAK === '1';
const ROUND = SOAK ? { kills: 12, workers: 3, clients: 8, perClient: 400 } : { kills: 3, workers: 2, clients: 6, perClient: 45 };
const RELEASE_EVERY = 3;

type ChurnOutput = WorkerOutput & { released: string[] };

/** The load with `kills` kill -9 and restarts spread over it; checks what the clients were told against the store. */
async function killUnderLoad(db: string, observer: Ipam): Promise<{ kills: number; granted: number; released: number; unacknowledged: number }> {
  await observer.createPool({ name: 'load', cidr: '10.48.0.0/12', defaultPrefixLength: 28 });
  let service: ServiceProcess = await startServeProcess(db);
  const listen = new URL(service.url).host;
  const load = runAllocationWorkers(
    Array.from({ length: ROUND.workers }, (_, w): ChurnWorkerArgs => ({
      servers: [service.url],
      token: WRITER.token,
      pool: 'load',
      worker: `k${w}`,
      clients: ROUND.clients,
      perClient: ROUND.perClient,
      releaseEvery: RELEASE_EVERY,
      retries: 12,
      retryMaxMs: 1_000,
    })),
    'test/support/http-churn-worker.ts',
  ) as Promise<ChurnOutput[]>;

  // Kill at evenly spread points of the run: a bounded wait for each, polling the store.
  const total = ROUND.workers * ROUND.clients * ROUND.perClient;
  let stored = 0;
  for (let kill = 1; kill <= ROUND.kills; kill++) {
    const target = Math.floor((total * kill) / (ROUND.kills + 2));
    for (let i = 0; i < 1_200 && stored < target; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      stored = (await observer.listAllocations({ pool: 'load' })).length;
    }
    expect(stored, `allocations stored before kill ${kill}`).to.be.at.least(target);
    await service.kill9();
    service = await startServeProcess(db, { listen });
  }
  const outputs = await load;
  expect(await service.stop(), 'the last service stops cleanly').to.equal(0);

  const granted = outputs.flatMap((o) => o.granted);
  const released = outputs.flatMap((o) => o.released);
  const after = await observer.listAllocations({ pool: 'load' });
  const byOwner = new Map(after.map((a) => [a.owner, a]));
  // Nothing acknowledged is lost: each granted owner holds the block it was told, each released one is released.
  expect(granted.filter((g) => byOwner.get(g.owner)?.cidr !== g.cidr), 'acknowledged grants missing or moved').to.deep.equal([]);
  expect(released.filter((owner) => byOwner.get(owner)?.status !== 'released'), 'acknowledged releases not released').to.deep.equal([]);
  // Nothing duplicated: released blocks are still held for their owners (24 h grace), so every row holds its own block.
  expect(new Set(after.map((a) => a.cidr)).size).to.equal(after.length);
  expect((await observer.check({ pool: 'load' })).issues).to.deep.equal([]);
  // The run really spanned the kills: commits happened after the last restart.
  expect(after.length, 'allocations committed after the last restart').to.be.greaterThan(stored);
  expect(released.length).to.be.greaterThan(0);
  return { kills: ROUND.kills, granted: granted.length, released: released.length, unacknowledged: outputs.reduce((n, o) => n + o.errors.length, 0) };
}

describe('HTTP service: kill -9 under load, several times', function () {
  this.timeout(SOAK ? 3_600_000 : 240_000);

  it(`loses no acknowledged allocation or release and duplicates nothing (SQLite file, synchronous=FULL, ${ROUND.kills} kills)`, async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ipam-crash-')), 'ipam.db');
    const observer = Ipam.create(new SqliteStore(db));
    try {
      console.log(`      ${JSON.stringify(await killUnderLoad(db, observer))}`);
    } finally {
      await observer.close();
    }
  });

  describe('on PostgreSQL', () => {
    let cluster: PostgresCluster;
    before(async function () {
      cluster = await clusterOrSkip(this);
    });
    after(() => cluster?.stop());

    it(`loses no acknowledged allocation or release and duplicates nothing (PostgreSQL, ${ROUND.kills} kills)`, async () => {
      const url = await cluster.createDatabase('crash');
      const observer = Ipam.create(await openStore({ type: 'postgres', url }));
      try {
          console.log(`      ${JSON.stringify(await killUnderLoad(url, observer))}`);
      } finally {
        await observer.close();
      }
    });

    it('a PostgreSQL outage is answered with 503 STORE_UNAVAILABLE, and the service recovers without a restart', async () => {
      const url = await cluster.createDatabase('outage');
      const service = await startServeProcess(url);
      const pool = '/v1/spaces/default/pools/p';
      try {
        // The service listens at once and opens PostgreSQL in the background: wait until it is ready.
        for (let i = 0; i < 100 && (await send(service.url, 'GET', '/readyz')).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
        expect((await send(service.url, 'POST', '/v1/spaces/default/pools', { body: { name: 'p', cidr: '10.60.0.0/24', defaultPrefixLength: 28 } })).status).to.equal(200);
        expect((await send(service.url, 'PUT', `${pool}/allocations/a`, { body: {} })).body.cidr).to.equal('10.60.0.0/28');

        cluster.pause();
        const during = await Promise.all([
          send(service.url, 'PUT', `${pool}/allocations/a`, { body: {} }),
          send(service.url, 'PUT', `${pool}/allocations/b`, { body: {} }),
          send(service.url, 'POST', `${pool}/allocations/a/release`),
          send(service.url, 'GET', pool),
          send(service.url, 'GET', '/readyz'),
        ]);
        for (const answer of during) {
          expect([answer.status, answer.body.code]).to.deep.equal([503, 'STORE_UNAVAILABLE']);
          expect(answer.body.message).to.match(/postgres state backend/);
        }

        cluster.resume();
        let ready = 0;
        for (let i = 0; i < 200 && ready !== 200; i++) {
          ready = (await send(service.url, 'GET', '/readyz')).status;
          if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(ready, 'ready again once PostgreSQL is back').to.equal(200);
        expect(service.child.exitCode, 'the same service process, never restarted').to.equal(null);
        expect((await send(service.url, 'PUT', `${pool}/allocations/a`, { body: {} })).body.cidr).to.equal('10.60.0.0/28');
        expect((await send(service.url, 'PUT', `${pool}/allocations/b`, { body: {} })).body.cidr).to.equal('10.60.0.16/28');
        const listed = await send(service.url, 'GET', `${pool}/allocations`);
        expect(listed.body.map((a: { owner: string; status: string }) => `${a.owner} ${a.status}`)).to.deep.equal(['a allocated', 'b allocated']);
        expect((await send(service.url, 'GET', `${pool}/check`)).body.issues).to.deep.equal([]);
      } finally {
        expect(await service.stop()).to.equal(0);
      }
    });
  });
});
