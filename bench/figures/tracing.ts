/**
 * What tracing costs, as ratios measured in one run:
 *
 * - tracing-off-hook-share: the tracing hooks an HTTP allocation runs when OTEL_* is unset (the
 *   request span, its context, the engine's per-operation context capture, the batch and commit
 *   spans: all @opentelemetry/api no-ops), timed alone in a fresh process, as a share of the time of one
 *   allocation through the HTTP service measured in the same run with tracing off. That is
 *   the difference between tracing off and code without any tracing hooks. Target < 0.01.
 * - tracing-on-engine, tracing-on-http: allocation rates with every span sampled and exported
 *   (OTLP/HTTP protobuf to a loopback sink) over the rates with tracing off, each in fresh
 *   processes (the SDK is per process), alternated off/on.
 */
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Report, judge, round } from '../lib/figure';
import { median, progress } from '../lib/measure';
import { runWorkers } from '../lib/workers';
import type { TracingWorkerArgs, TracingWorkerResult } from '../workers/tracing';

const ARGS = { allocations: 4_000, clients: 16, reps: 3 };
const PAIRS = 3;
const HOOK_LOOPS = 200_000;

export async function run(report: Report): Promise<void> {
  const sink = await startSink();
  const off: TracingWorkerResult[] = [];
  const on: TracingWorkerResult[] = [];
  try {
    for (let pair = 0; pair < PAIRS; pair++) {
      progress(`pair ${pair + 1}/${PAIRS}: tracing off, then on`);
      // The first tracing-off process also times the hooks alone, before its allocations: in a
      // fresh process, as the service runs, not in this one after a dozen other figures (its
      // large heap made the same loop two to nine times slower).
      off.push((await runWorkers<TracingWorkerResult>('tracing', [{ ...ARGS, ...(pair === 0 ? { hookLoops: HOOK_LOOPS } : {}) } satisfies TracingWorkerArgs]))[0]);
      on.push((await runWorkers<TracingWorkerResult>('tracing', [{ ...ARGS, endpoint: sink.url } satisfies TracingWorkerArgs]))[0]);
    }
  } finally {
    await new Promise((resolve) => sink.server.close(resolve));
  }
  if (off.some((r) => r.traced) || on.some((r) => !r.traced)) throw new Error('a worker traced when it should not have, or the reverse');
  const offHttp = median(off.map((r) => r.http));
  const hookSeconds = off[0].hookSeconds;
  if (hookSeconds === undefined) throw new Error('the first tracing-off worker did not time the hooks');
  const share = hookSeconds * offHttp;
  report({
    figure: 'tracing-off-hook-share',
    value: round(hookSeconds * 1e9),
    unit: 'ns of tracing hooks per HTTP allocation (OTEL_* unset)',
    baseline: round(1e9 / offHttp),
    baselineName: `ns per allocation through the HTTP service, tracing off, ${ARGS.clients} clients, same run`,
    ratio: round(share),
    ...judge(share, { below: 0.01 }),
  });
  for (const path of ['engine', 'http'] as const) {
    const offRate = median(off.map((r) => r[path]));
    const onRate = median(on.map((r) => r[path]));
    report({
      figure: `tracing-on-${path}`,
      value: round(onRate),
      unit: 'allocations/s, every span exported',
      baseline: round(offRate),
      baselineName: `the same ${path === 'engine' ? 'in-process engine (memory store)' : 'HTTP service and client (memory store)'}, tracing off, same run`,
      ratio: round(onRate / offRate),
      otlpExportsReceived: sink.exports(),
      runs: `${PAIRS} off/on pairs of fresh processes, each the median of ${ARGS.reps} runs of ${ARGS.allocations} allocations, ${ARGS.clients} callers`,
    });
  }
}

/** A loopback OTLP/HTTP sink that accepts and drops every export, counting them. */
async function startSink(): Promise<{ url: string; server: Server; exports: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, exports: () => count };
}
