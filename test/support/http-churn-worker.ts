/**
 * One competing process in the crash-safety tests: `clients` concurrent loops through HttpIpam,
 * each allocating `perClient` owners and releasing every `releaseEvery`-th one right after it
 * was granted. Prints what the service acknowledged (grants and releases) as one JSON line;
 * an operation that was never acknowledged may or may not have happened, so it is only
 * counted as an error. Every loop is bounded; the process exits by itself.
 */
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { HttpWorkerArgs } from './http-alloc-worker';
import { WorkerOutput } from './processes';
import { workerMain } from './worker-loops';

export interface ChurnWorkerArgs extends HttpWorkerArgs {
  releaseEvery: number;
}

workerMain(async () => {
  const args = JSON.parse(process.argv[2]) as ChurnWorkerArgs;
  const apis = args.servers.map(
    (server) => new HttpIpam({ server, token: args.token, retries: args.retries, retryBaseMs: 50, retryMaxMs: args.retryMaxMs, timeoutMs: 10_000 }),
  );
  const output: WorkerOutput & { released: string[] } = { granted: [], released: [], errors: [] };
  await Promise.all(
    Array.from({ length: args.clients }, async (_, client) => {
      const api = apis[client % apis.length];
      for (let i = 0; i < args.perClient; i++) {
        const owner = `${args.worker}-c${client}-${i}`;
        try {
          output.granted.push({ owner, cidr: (await api.allocate({ pool: args.pool, owner })).cidr });
          if (i % args.releaseEvery === args.releaseEvery - 1) {
            await api.release({ pool: args.pool, owner });
            output.released.push(owner);
          }
        } catch (e) {
          output.errors.push(`${owner}: ${(e as Error).message}`);
        }
      }
    }),
  );
  await Promise.all(apis.map((api) => api.close()));
  return output;
});
