import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamApi } from '../../provider/src/model/api';
import { DEFAULT_SPACE } from '../../provider/src/model/constants';
import { openKubernetes } from '../../provider/src/backends/kubernetes/open';
import { MemoryStore } from '../../provider/src/store/memory';
import { openPostgresStore } from '../../provider/src/store/postgres';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { Store } from '../../provider/src/engine/store';
import { TestCluster, startCluster as startKubernetes } from '../kubernetes/cluster';
import { BusyNamespaces, isFillPool, withoutFill } from '../kubernetes/busy';
import { TokenAuth, TokenEntry } from '../../provider/src/server/auth';
import { READER, WRITER, startInProcess } from './http-service';
import { PostgresCluster, POSTGRES_MISSING, postgresBinDir, startCluster as startPostgres } from './postgres';

/**
 * The behaviour suites (the reference designs' scenarios) on every backend, as go-ipam's
 * testWithBackends runs its own: the same IpamApi calls, with the same clock, against the
 * in-memory store, a SQLite file, PostgreSQL, the Kubernetes backend on the API stand-in, and the
 * HTTP service (over SQLite, through its client). Each test gets fresh state, unless the block
 * opens one for all its tests (forAllTests).
 *
 * BUSY: the Kubernetes backend again, in namespaces that already hold 50,000 allocations
 * (../kubernetes/busy.ts), as a user's busy namespace would: every commit carries, packs and
 * compare-and-swaps the whole ledger, and the engine holds all of it. The suites' exact lists
 * are kept by a test-side view that leaves out the two fill pools (from listPools, find and
 * Store.read); after each test the fill must be exactly as filled, and after each block its
 * consistency check clean, so the view cannot hide damage.
 */
const BUSY = 'kubernetes, beside 50,000 allocations';
type BackendName = 'memory' | 'sqlite' | 'postgres' | 'kubernetes' | typeof BUSY | 'http';
const BACKENDS: readonly BackendName[] = ['memory', 'sqlite', 'postgres', 'kubernetes', BUSY, 'http'];

export interface OpenBackend {
  /**
   * Fresh state on the backend, closed after the test; with `forAllTests`, closed after the
   * block's last test instead (open it in a `before` hook: state that tests only read, or
   * check they left unchanged, costs one setup per backend).
   */
  (options?: { now?: () => number; forAllTests?: boolean }): Promise<OpenedBackend>;
}

interface OpenedBackend {
  ipam: IpamApi;
  /** The store behind `ipam` (behind the service, for HTTP): to see that a refused request wrote nothing. */
  store: Store;
  /**
   * The same backend, acting as `actor` (recorded in the audit trail, and the creator of what a
   * request naming no creator makes): Ipam.as in process, a client with the actor's token over
   * HTTP, where the actor is the token's name. `actor` is one of TEST_ACTORS.
   */
  as(actor: TestActor): IpamApi;
}

/** The actors a behaviour test may act as; names a token of the HTTP service can have. */
const TEST_ACTORS = ['alice', 'ci', 'root'] as const;
type TestActor = (typeof TEST_ACTORS)[number];
const ACTOR_TOKENS: TokenEntry[] = TEST_ACTORS.map((name) => ({ name, scope: 'read-write', token: `a-${name}-0123456789abcdef` }));

// One PostgreSQL server and one API stand-in for the whole run, started on first use.
let postgres: Promise<PostgresCluster> | undefined;
let kubernetes: Promise<TestCluster> | undefined;
let busy: BusyNamespaces | undefined;
let databases = 0;
after(async () => {
  (await postgres)?.stop();
  await (await kubernetes)?.stop();
});

/**
 * Runs `body` once per backend, in a describe block titled `title [backend]`; `spaces` are the
 * address spaces (Kubernetes namespaces) the suite uses. `notBesideFill`: why the block cannot
 * run beside the 50,000 (it asserts on the whole space); it then shows as pending there.
 */
export function onEveryBackend(title: string, spaces: string[], body: (open: OpenBackend) => void, options: { notBesideFill?: string } = {}): void {
  for (const backend of BACKENDS) {
    const skipped = backend === BUSY && options.notBesideFill !== undefined;
    (skipped ? describe.skip : describe)(`${title} [${backend}]${skipped ? ` (not run there: ${options.notBesideFill})` : ''}`, function () {
      this.timeout(60_000);
      const opened: (() => Promise<unknown>)[] = [];
      const openedForAll: (() => Promise<unknown>)[] = [];
      before(function () {
        if (backend === 'postgres' && postgresBinDir() === undefined) {
          if (process.env.CI) throw new Error(`CI is set: ${POSTGRES_MISSING}`);
          this.skip();
        }
      });
      afterEach(async () => {
        for (const close of opened.splice(0).reverse()) await close();
        if (backend === BUSY) await busy?.checkIntact();
      });
      after(async () => {
        for (const close of openedForAll.splice(0).reverse()) await close();
        if (backend === BUSY) await busy?.checkIntact();
        if (backend === BUSY) await busy?.checkConsistent();
      });
      body(async (options = {}) => {
        const opening = await open(backend, [DEFAULT_SPACE, ...spaces], options.now);
        (options.forAllTests === true ? openedForAll : opened).push(opening.close);
        return opening;
      });
    });
  }
}

async function open(backend: BackendName, spaces: string[], now: (() => number) | undefined): Promise<OpenedBackend & { close: () => Promise<void> }> {
  const engine = (store: Store) => Ipam.create(store, { now });
  const file = () => join(mkdtempSync(join(tmpdir(), 'ipam-backend-')), 'state.db');
  switch (backend) {
    case 'memory': {
      const store = new MemoryStore();
      return inProcess(engine(store), store);
    }
    case 'sqlite': {
      const store = new SqliteStore(file());
      return inProcess(engine(store), store);
    }
    case 'postgres': {
      postgres ??= startPostgres();
      const url = await (await postgres).createDatabase(`behaviour_${process.pid}_${(databases += 1)}`);
      const store = await openPostgresStore({ url });
      return inProcess(engine(store), store);
    }
    case 'kubernetes': {
      kubernetes ??= startKubernetes();
      const cluster = await kubernetes;
      for (const space of spaces) await cluster.ensureNamespace(space);
      await cluster.reset(spaces);
      const { ipam, store } = openKubernetes({ kubeconfig: cluster.kubeconfig, namespace: DEFAULT_SPACE }, { now });
      return { ipam, store, as: (actor) => ipam.as(actor), close: () => ipam.close() };
    }
    case BUSY: {
      kubernetes ??= startKubernetes();
      const cluster = await kubernetes;
      for (const space of spaces) await cluster.ensureNamespace(space);
      busy ??= new BusyNamespaces(cluster);
      await busy.reset(spaces);
      const { ipam, store } = openKubernetes({ kubeconfig: cluster.kubeconfig, namespace: DEFAULT_SPACE }, { now });
      return { ipam: fillHidden(ipam), store: overriding(store, { read: async (space, since) => withoutFill(await store.read(space, since)) }), as: (actor) => fillHidden(ipam.as(actor)), close: () => ipam.close() };
    }
    case 'http': {
      const store = new SqliteStore(file());
      const service = await startInProcess(store, { ipam: engine(store), auth: new TokenAuth([WRITER, READER, ...ACTOR_TOKENS]) });
      const clients = [new HttpIpam({ server: service.url, token: WRITER.token })];
      return {
        ipam: clients[0],
        store,
        as: (actor) => {
          const token = ACTOR_TOKENS.find((entry) => entry.name === actor)!.token;
          clients.push(new HttpIpam({ server: service.url, token }));
          return clients[clients.length - 1];
        },
        close: async () => {
          for (const client of clients) await client.close();
          await service.close();
        },
      };
    }
  }
}

function inProcess(ipam: Ipam, store: Store): OpenedBackend & { close: () => Promise<void> } {
  return { ipam, store, as: (actor) => ipam.as(actor), close: () => store.close() };
}

/** The API as the suites see it beside the fill: lists and searches leave out the fill pools. */
function fillHidden(ipam: IpamApi): IpamApi {
  return overriding(ipam, {
    listPools: async (filter) => (await ipam.listPools(filter)).filter((p) => !isFillPool(p.name)),
    find: async (input) => (await ipam.find(input)).filter((r) => !isFillPool(r.pool)),
  });
}

/** `target` with some of its methods replaced; the others still run on `target` itself. */
function overriding<T extends object>(target: T, replaced: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in replaced) return replaced[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}
