/**
 * One competing process in the concurrency tests: opens the store described on argv, runs
 * `clients` concurrent allocation loops of `perClient` allocations each on one pool, and prints
 * what it was granted as one JSON line. Every loop is bounded; the process exits by itself.
 */
import { Ipam } from '../../provider/src/engine/ipam';
import { openStore, StoreConfig } from '../../provider/src/store/open';

interface WorkerArgs {
  store: StoreConfig;
  space?: string;
  pool: string;
  worker: string;
  clients: number;
  perClient: number;
  prefixLength?: number;
  host?: boolean;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as WorkerArgs;
  const ipam = Ipam.create(await openStore(args.store), { actor: args.worker });
  const granted: { owner: string; cidr: string }[] = [];
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: args.clients }, async (_, client) => {
      for (let i = 0; i < args.perClient; i++) {
        const owner = `${args.worker}-c${client}-${i}`;
        try {
          const a = await ipam.allocate(
            args.host
              ? { space: args.space, pool: args.pool, owner, kind: 'host' }
              : { space: args.space, pool: args.pool, owner, prefixLength: args.prefixLength },
          );
          granted.push({ owner, cidr: a.cidr });
        } catch (e) {
          errors.push(`${owner}: ${(e as Error).message}`);
        }
      }
    }),
  );
  await ipam.close();
  process.stdout.write(`${JSON.stringify({ granted, errors })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
