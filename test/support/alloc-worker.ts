/**
 * One competing process in the concurrency tests: opens the store described on argv, runs
 * `clients` concurrent allocation loops of `perClient` allocations each on one pool, and prints
 * what it was granted as one JSON line. Every loop is bounded; the process exits by itself.
 */
import { BackendConfig, openBackend } from '../../provider/src/backends/open';
import { allocationLoops, workerMain } from './worker-loops';

interface WorkerArgs {
  store: BackendConfig;
  space?: string;
  pool: string;
  worker: string;
  clients: number;
  perClient: number;
  prefixLength?: number;
  host?: boolean;
}

workerMain(async () => {
  const args = JSON.parse(process.argv[2]) as WorkerArgs;
  const ipam = await openBackend(args.store, { actor: args.worker });
  const output = await allocationLoops(args, (_, owner) =>
    ipam.allocate(
      args.host
        ? { space: args.space, pool: args.pool, owner, kind: 'host' }
        : { space: args.space, pool: args.pool, owner, prefixLength: args.prefixLength },
    ),
  );
  await ipam.close();
  return output;
});
