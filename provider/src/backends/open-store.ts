import { Store } from '../engine/store';
import { SqliteStore, SqliteSync } from '../store/sqlite';
import { withDriver } from './driver';

/**
 * The stores an engine of this process can run over, as plain data (so a worker process can be
 * given one): what `ipam serve` serves, and what the tests' competing processes open. The
 * Kubernetes backend is not among them: its store comes wired with its projection and kubectl
 * deletions, from ./kubernetes/open.ts, through openBackend.
 */
export type StoreConfig = { type: 'memory' } | { type: 'sqlite'; file: string; synchronous?: SqliteSync } | { type: 'postgres'; url: string };

export async function openStore(config: StoreConfig): Promise<Store> {
  switch (config.type) {
    case 'memory':
      // Loaded for this store only: it is never the CLI's, and it brings node:crypto along.
      return new (await import('../store/memory')).MemoryStore();
    case 'sqlite':
      return new SqliteStore(config.file, { synchronous: config.synchronous });
    case 'postgres':
      return (await withDriver('postgres', () => import('../store/postgres'))).openPostgresStore(config);
  }
}
