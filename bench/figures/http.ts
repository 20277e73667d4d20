/**
 * The HTTP IPAM service (issue 5): allocations per second and p50/p99 latency with 16
 * concurrent clients through `ipam serve` (a separate process, as deployed), on SQLite and on
 * PostgreSQL, each against the in-process engine on the same kind of store measured in the
 * same run. Targets: >= 2,000/s and p99 < 20 ms on SQLite, >= 1,000/s on PostgreSQL.
 *
 * Durable settings throughout: SQLite synchronous=FULL (the default), a PostgreSQL cluster
 * with fsync on. The PostgreSQL cluster is a throwaway one (test/support/postgres.ts).
 *
 * A second baseline, measured in the same run before the service and again after it: a bare
 * node:http JSON server (workers/bare-http.ts) answering the same client with the same 16
 * loops, i.e. what HTTP and JSON alone cost here. The *-vs-bare-http figures give the service's
 * rate as a share of the faster of the two: measured only first, while the shared machine was
 * busier, it once came out below the service itself (a ratio of 1.36).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamApi } from '../../provider/src/model/api';
import { StoreConfig, openStore } from '../../provider/src/backends/open-store';
import { WRITER, startServeProcess } from '../../test/support/http-service';
import { postgresBinDir, startCluster } from '../../test/support/postgres';
import { Figure, Report, judge, round } from '../lib/figure';
import { startBareHttp } from '../lib/bare-http';
import { median, progress } from '../lib/measure';

const CLIENTS = 16;
const WARMUP = 300;
const ALLOCATIONS = 4_000;
const REPS = 3;

interface Load {
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

/** The service's rate as a share of the bare node:http server's must be at least this. */
const BARE_SHARE_TARGET = 0.5;

export async function run(report: Report): Promise<void> {
  const before = await measureBareHttp();
  progress(`bare node:http JSON server: ${round(before.rate)} requests/s`);
  const services: Record<string, unknown>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ipam-bench-http-'));
  try {
    const sqlite = await figure('sqlite', { type: 'sqlite', file: join(dir, 'bench.db'), synchronous: 'full' }, { atLeast: 2_000 }, 20);
    report(sqlite);
    services.push(sqlite);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (postgresBinDir() === undefined) {
    progress('PostgreSQL binaries absent: no http-allocations-postgres figure (apt-get install -y postgresql)');
  } else {
    const cluster = await startCluster({ durable: true });
    try {
      const postgres = await figure('postgres', { type: 'postgres', url: await cluster.createDatabase('bench_http') }, { atLeast: 1_000 });
      report(postgres);
      services.push(postgres);
    } finally {
      cluster.stop();
    }
  }
  const after = await measureBareHttp();
  progress(`bare node:http JSON server again: ${round(after.rate)} requests/s`);
  const bare = after.rate > before.rate ? after : before;
  for (const service of services) report(versusBare(service, bare));
}

async function figure(kind: string, store: StoreConfig, target: { atLeast: number }, p99TargetMs?: number): Promise<Record<string, unknown>> {
  const engine = Ipam.create(await openStore(store));
  progress(`${kind}: in-process engine, ${CLIENTS} clients`);
  const inProcess = await measure(engine, 'local');
  await engine.close();

  const db = store.type === 'postgres' ? store.url : store.type === 'sqlite' ? store.file : '';
  // FULL whatever this shell's IPAM_SQLITE_SYNC says, like the in-process engine above.
  const service = await startServeProcess(db, { env: { IPAM_SQLITE_SYNC: 'full' } });
  const client = new HttpIpam({ server: service.url, token: WRITER.token });
  progress(`${kind}: through ipam serve (${service.url}), ${CLIENTS} clients`);
  let http: Load;
  try {
    http = await measure(client, 'http');
  } finally {
    await client.close();
    await service.stop();
  }

  const rate = judge(http.rate, target);
  const latency = p99TargetMs === undefined ? undefined : judge(http.p99Ms, { below: p99TargetMs });
  return {
    figure: `http-allocations-${kind}`,
    value: round(http.rate),
    unit: 'allocations/s',
    p50Ms: round(http.p50Ms),
    p99Ms: round(http.p99Ms),
    target: latency === undefined ? rate.target : `${rate.target} and p99 ${latency.target} ms`,
    met: rate.met && (latency?.met ?? true),
    ...(latency === undefined ? {} : { rateMet: rate.met, p99Met: latency.met }),
    baseline: round(inProcess.rate),
    baselineP50Ms: round(inProcess.p50Ms),
    baselineP99Ms: round(inProcess.p99Ms),
    baselineName: `in-process engine on the same ${kind} store, same ${CLIENTS} clients, measured just before`,
    ratio: round(http.rate / inProcess.rate),
    clients: CLIENTS,
    allocations: ALLOCATIONS,
    durability: store.type === 'sqlite' ? 'SQLite WAL, synchronous=FULL' : 'PostgreSQL, fsync on, one transaction per commit',
    repetitions: `1 warm-up of ${WARMUP} + ${REPS} timed of ${ALLOCATIONS} allocations, each on a new pool; the median run by rate`,
  };
}

/** The same client and loops against a bare node:http JSON server in a process of its own. */
async function measureBareHttp(): Promise<Load> {
  const server = await startBareHttp();
  const client = new HttpIpam({ server: server.url, token: WRITER.token });
  progress(`bare node:http JSON server (${server.url}), ${CLIENTS} clients`);
  try {
    return await measure(client, 'bare');
  } finally {
    await client.close();
    server.stop();
  }
}

function versusBare(service: Figure, bare: Load): Figure {
  const share = (service.value as number) / bare.rate;
  return {
    figure: `${String(service.figure)}-vs-bare-http`,
    value: round(share),
    unit: 'ratio',
    ...judge(share, { atLeast: BARE_SHARE_TARGET }),
    baseline: round(bare.rate),
    baselineP50Ms: round(bare.p50Ms),
    baselineP99Ms: round(bare.p99Ms),
    baselineName: `a bare node:http JSON server (no store, no engine) answering the same client, same ${CLIENTS} loops, same run: the faster of its runs before and after the service`,
    ratio: round(share),
    ratioOf: `${String(service.figure)} allocations/s (${String(service.value)}) / bare requests/s`,
  };
}

/** The median repetition (by rate) of REPS runs, each on a pool of its own, after a warm-up. */
async function measure(api: IpamApi, tag: string): Promise<Load> {
  const runs: Load[] = [];
  for (let rep = -1; rep < REPS; rep++) {
    const pool = `${tag}-${rep + 1}`;
    await api.createPool({ name: pool, cidr: `10.${tag === 'http' ? 100 + rep + 1 : rep + 1}.0.0/16`, defaultPrefixLength: 29 });
    const load = await drive(api, pool, rep < 0 ? WARMUP : ALLOCATIONS);
    if (rep >= 0) runs.push(load);
  }
  const middle = median(runs.map((r) => r.rate));
  return runs.find((r) => r.rate === middle) ?? runs[0];
}

/** CLIENTS loops allocating `total` blocks between them, each timing its own requests. */
async function drive(api: IpamApi, pool: string, total: number): Promise<Load> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < total) {
        const owner = `o${next++}`;
        const t0 = performance.now();
        await api.allocate({ pool, owner });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { rate: total / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}
