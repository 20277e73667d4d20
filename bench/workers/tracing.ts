/**
 * One process measuring the allocation paths with tracing as its arguments say: off (no OTEL_*:
 * what everybody gets by default) or on (OTLP/HTTP protobuf to the parent's loopback sink,
 * every span sampled and exported). Each run allocates ALLOCATIONS /29s with CLIENTS concurrent
 * callers through the in-process engine (memory store), then through the HTTP service (in this
 * process, memory store) and its client; prints the median rate of each over REPS runs.
 */
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamApi } from '../../provider/src/model/api';
import { IpamServer } from '../../provider/src/server/server';
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
}

export interface TracingWorkerResult {
  engine: number;
  http: number;
  traced: boolean;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as TracingWorkerArgs;
  if (args.endpoint !== undefined) Object.assign(process.env, { OTEL_EXPORTER_OTLP_ENDPOINT: args.endpoint, OTEL_BSP_MAX_QUEUE_SIZE: '65536' });
  const tracing = startTracing(process.env);
  const engine = Ipam.create(new MemoryStore());
  const server = new IpamServer({ ipam: Ipam.create(new MemoryStore()) });
  const client = new HttpIpam({ server: await server.listen('127.0.0.1', 0) });
  await readyThenWait();
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
  answer({ engine: median(engineRates), http: median(httpRates), traced: tracing !== undefined } satisfies TracingWorkerResult);
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
