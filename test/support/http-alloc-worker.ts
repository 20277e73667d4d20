/**
 * One competing process in the HTTP concurrency tests: `clients` concurrent loops of
 * `perClient` allocations each, through HttpIpam against the service at `server` (several
 * servers: client i uses server i mod n, like a load balancer). Prints what was acknowledged
 * as one JSON line. Every loop is bounded; the process exits by itself.
 */
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { allocationLoops, workerMain } from './worker-loops';

export interface HttpWorkerArgs {
  servers: string[];
  token: string;
  pool: string;
  worker: string;
  clients: number;
  perClient: number;
  /** Client retry budget: the kill -9 test needs enough to outlast a restart. */
  retries?: number;
  retryMaxMs?: number;
}

workerMain(async () => {
  const args = JSON.parse(process.argv[2]) as HttpWorkerArgs;
  const apis = args.servers.map(
    (server) => new HttpIpam({ server, token: args.token, retries: args.retries, retryBaseMs: 50, retryMaxMs: args.retryMaxMs, timeoutMs: 10_000 }),
  );
  const output = await allocationLoops(args, (client, owner) => apis[client % apis.length].allocate({ pool: args.pool, owner }));
  await Promise.all(apis.map((api) => api.close()));
  return output;
});
