/**
 * Child process of bench/figures/sqlite.ts: one of several processes allocating from one pool in
 * one SQLite file at the same time. It opens the file and loads the pool before saying ready, so
 * the timed part is allocation only, and reports its own start and end (wall clock, so the
 * parent can line the processes up) and any failed allocations.
 */
import { Ipam } from '../../provider/src/engine/ipam';
import { SqliteStore, SqliteSync } from '../../provider/src/store/sqlite';
import { answer, readyThenWait } from '../lib/workers';
import { Shape, allocateConcurrently } from '../lib/pools';

export interface SqliteWorkerArgs {
  file: string;
  synchronous: SqliteSync;
  shape: Shape;
  owners: string;
  count: number;
  clients: number;
}

export interface SqliteWorkerResult {
  startedAt: number;
  endedAt: number;
  allocated: number;
  errors: string[];
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as SqliteWorkerArgs;
  const ipam = Ipam.create(new SqliteStore(args.file, { synchronous: args.synchronous }), { actor: args.owners });
  await ipam.getPool({ pool: 'bench' });
  await readyThenWait();
  const errors: string[] = [];
  const startedAt = performance.timeOrigin + performance.now();
  await allocateConcurrently(ipam, args.shape, args.count, args.owners, args.clients, errors);
  const endedAt = performance.timeOrigin + performance.now();
  await ipam.close();
  const result: SqliteWorkerResult = { startedAt, endedAt, allocated: args.count - errors.length, errors: errors.slice(0, 5) };
  answer(result);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
