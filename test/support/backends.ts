import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamApi } from '../../provider/src/model/api';
import { DEFAULT_SPACE } from '../../provider/src/model/records';
import { openKubernetes } from '../../provider/src/backends/kubernetes/open';
import { MemoryStore } from '../../provider/src/store/memory';
import { openPostgresStore } from '../../provider/src/store/postgres';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { Store } from '../../provider/src/engine/store';
import { TestCluster, startCluster as startKubernetes } from '../kubernetes/cluster';
import { WRITER, startInProcess } from './http-service';
import { PostgresCluster, POSTGRES_MISSING, postgresBinDir, startCluster as startPostgres } from './postgres';

/**
 * The behaviour suites (the reference designs' scenarios) on every backend, as go-ipam's
 * testWithBackends runs its own: the same IpamApi calls, with the same clock, against the
 * in-memory store, a SQLite file, PostgreSQL, the Kubernetes backend on the API stand-in, and the
 * HTTP service (over SQLite, through its client). Each test gets fresh state.
 */
type BackendName = 'memory' | 'sqlite' | 'postgres' | 'kubernetes' | 'http';
const BACKENDS: readonly BackendName[] = ['memory', 'sqlite', 'postgres', 'kubernetes', 'http'];

export interface OpenBackend {
  (options?: { now?: () => number }): Promise<{ ipam: IpamApi; store: Store }>;
}

// One PostgreSQL server and one API stand-in for the whole run, started on first use.
let postgres: Promise<PostgresCluster> | undefined;
let kubernetes: Promise<TestCluster> | undefined;
let databases = 0;
after(async () => {
  (await postgres)?.stop();
  await (await kubernetes)?.stop();
});

/**
 * Runs `body` once per backend, in a describe block titled `title [backend]`; `spaces` are the
 * address spaces (Kubernetes namespaces) the suite uses.
 */
export function onEveryBackend(title: string, spaces: string[], body: (open: OpenBackend) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, function () {
      this.timeout(60_000);
      const opened: (() => Promise<unknown>)[] = [];
      before(function () {
        if (backend === 'postgres' && postgresBinDir() === undefined) {
          if (process.env.CI) throw new Error(`CI is set: ${POSTGRES_MISSING}`);
          this.skip();
        }
      });
      afterEach(async () => {
        for (const close of opened.splice(0).reverse()) await close();
      });
      body(async (options = {}) => {
        const opening = await open(backend, [DEFAULT_SPACE, ...spaces], options.now);
        opened.push(opening.close);
        return opening;
      });
    });
  }
}

async function open(backend: BackendName, spaces: string[], now: (() => number) | undefined): Promise<{ ipam: IpamApi; store: Store; close: () => Promise<void> }> {
  const engine = (store: Store) => Ipam.create(store, { now });
  const file = () => join(mkdtempSync(join(tmpdir(), 'ipam-backend-')), 'state.db');
  switch (backend) {
    case 'memory': {
      const store = new MemoryStore();
      return { ipam: engine(store), store, close: () => store.close() };
    }
    case 'sqlite': {
      const store = new SqliteStore(file());
      return { ipam: engine(store), store, close: () => store.close() };
    }
    case 'postgres': {
      postgres ??= startPostgres();
      const url = await (await postgres).createDatabase(`behaviour_${process.pid}_${(databases += 1)}`);
      const store = await openPostgresStore({ url });
      return { ipam: engine(store), store, close: () => store.close() };
    }
    case 'kubernetes': {
      kubernetes ??= startKubernetes();
      const cluster = await kubernetes;
      for (const space of spaces) await cluster.ensureNamespace(space);
      await cluster.reset(spaces);
      const { ipam, store } = openKubernetes({ kubeconfig: cluster.kubeconfig, namespace: DEFAULT_SPACE }, { now });
      return { ipam, store, close: () => ipam.close() };
    }
    case 'http': {
      const store = new SqliteStore(file());
      const service = await startInProcess(store, { ipam: engine(store) });
      const client = new HttpIpam({ server: service.url, token: WRITER.token });
      return {
        ipam: client,
        store,
        close: async () => {
          await client.close();
          await service.close();
        },
      };
    }
  }
}
