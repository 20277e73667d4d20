/**
 * One competing process in the HTTP concurrency tests: `clients` concurrent loops of
 * `perClient` allocations each, through HttpIpam against the service at `server` (several
 * servers: client i uses server i mod n, like a load balancer). Prints what was acknowledged
 * as one JSON line. Every loop is bounded; the process exits by itself.
 */
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { WorkerOutput } from './processes';

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

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as HttpWorkerArgs;
  const apis = args.servers.map(
    (server) => new HttpIpam({ server, token: args.token, retries: args.retries, retryBaseMs: 50, retryMaxMs: args.retryMaxMs, timeoutMs: 10_000 }),
  );
  const output: WorkerOutput = { granted: [], errors: [] };
  await Promise.all(
    Array.from({ length: args.clients }, async (_, client) => {
      const api = apis[client % apis.length];
      for (let i = 0; i < args.perClient; i++) {
        const owner = `${args.worker}-c${client}-${i}`;
        try {
          output.granted.push({ owner, cidr: (await api.allocate({ pool: args.pool, owner })).cidr });
        } catch (e) {
          output.errors.push(`${owner}: ${(e as Error).message}`);
        }
      }
    }),
  );
  await Promise.all(apis.map((api) => api.close()));
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
