/**
 * One process measuring the allocation paths with tracing as its arguments say: off (no OTEL_*:
 * what everybody gets by default) or on (OTLP/HTTP protobuf to the parent's loopback sink,
 * every span sampled and exported). Each run allocates ALLOCATIONS /29s with CLIENTS concurrent
 * callers through the in-process engine (memory store), then through the HTTP service (in this
 * process, memory store) and its client; prints the median rate of each over REPS runs.
 */
import { IncomingMessage } from 'node:http';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { EngineInstrumentation } from '../../provider/src/engine/instrumentation';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamApi } from '../../provider/src/model/api';
import { IpamServer } from '../../provider/src/server/server';
import { annotateRequest, inRequestContext, startRequestSpan } from '../../provider/src/server/tracing';
import { MemoryStore } from '../../provider/src/store/memory';
import { startTracing } from '../../provider/src/telemetry/start';
import { median } from '../lib/measure';
import { answer, readyThenWait } from '../lib/workers';

export interface TracingWorkerArgs {
  /** The sink's URL with tracing on; absent with tracing off. */
  endpoint?: string;
  allocations: number;
  clients: number;
  reps: number;
  /** With tracing off: first time the tracing hooks of one HTTP allocation alone, this many loops per repetition. */
  hookLoops?: number;
}

export interface TracingWorkerResult {
  engine: number;
  http: number;
  traced: boolean;
  /** Seconds of tracing hooks per HTTP allocation, when hookLoops was given. */
  hookSeconds?: number;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as TracingWorkerArgs;
  if (args.endpoint !== undefined) Object.assign(process.env, { OTEL_EXPORTER_OTLP_ENDPOINT: args.endpoint, OTEL_BSP_MAX_QUEUE_SIZE: '65536' });
  const tracing = startTracing(process.env);
  const engine = Ipam.create(new MemoryStore());
  const server = new IpamServer({ ipam: Ipam.create(new MemoryStore()) });
  const client = new HttpIpam({ server: await server.listen('127.0.0.1', 0) });
  await readyThenWait();
  const hookSeconds = args.hookLoops === undefined ? undefined : await hookSecondsPerAllocation(args.hookLoops);
  const engineRates: number[] = [];
  const httpRates: number[] = [];
  for (let rep = -1; rep < args.reps; rep++) {
    const e = await rate(engine, `e${rep + 1}`, rep + 1, args);
    const h = await rate(client, `h${rep + 1}`, rep + 1, args);
    if (rep < 0) continue; // the warm-up
    engineRates.push(e);
    httpRates.push(h);
  }
  await client.close();
  await server.close();
  await tracing?.shutdown();
  answer({ engine: median(engineRates), http: median(httpRates), traced: tracing !== undefined, hookSeconds } satisfies TracingWorkerResult);
}

/** The hooks of one HTTP allocation with no SDK registered, timed alone: request span, operation context, batch and commit. */
async function hookSecondsPerAllocation(loops: number): Promise<number> {
  const instrumentation = new EngineInstrumentation();
  const request = { method: 'PUT', headers: {} } as IncomingMessage;
  const entry = { method: 'PUT', path: '/v1/spaces/s/pools/p/allocations/o', route: '/v1/spaces/{space}/pools/{pool}/allocations/{owner}', status: 200, actor: 'a' };
  const params = { space: 's', pool: 'p', owner: 'o' };
  const commitRequest = { space: 's', expectedVersion: 1, writes: [], audit: [] };
  const committed = Promise.resolve({ ok: true as const, version: 2 });
  const once = async () => {
    const span = startRequestSpan(request);
    await inRequestContext(span, async () => {
      annotateRequest(params);
      const queued = [instrumentation.queuedIn()];
      await instrumentation.batch('s', queued, async () => {
        await instrumentation.commit(commitRequest, 'memory', () => committed);
      });
    });
    span.end(entry);
  };
  for (let i = 0; i < loops / 10; i++) await once();
  const runs: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const started = performance.now();
    for (let i = 0; i < loops; i++) await once();
    runs.push((performance.now() - started) / 1000 / loops);
  }
  return median(runs);
}

async function rate(api: IpamApi, pool: string, n: number, args: TracingWorkerArgs): Promise<number> {
  await api.createPool({ name: pool, cidr: `10.${n}.0.0/16`, defaultPrefixLength: 29 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: args.clients }, async () => {
      while (next < args.allocations) await api.allocate({ pool, owner: `o${next++}` });
    }),
  );
  return args.allocations / ((performance.now() - started) / 1000);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
