import { withDriver } from './driver';
import { MemoryStore } from './memory';
import { SqliteStore, SqliteSync } from './sqlite';
import { Store } from '../engine/store';

/** Where the state lives, as plain data, so it can be passed to another process or read from config. */
export type StoreConfig =
  | { type: 'memory' }
  | { type: 'sqlite'; file: string; synchronous?: SqliteSync }
  | { type: 'postgres'; url: string }
  | { type: 'kubernetes'; kubeconfig?: string; context?: string; namespace?: string };

export async function openStore(config: StoreConfig): Promise<Store> {
  switch (config.type) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite':
      return new SqliteStore(config.file, { synchronous: config.synchronous });
    case 'postgres':
      return (await withDriver('postgres', () => import('./postgres'))).openPostgresStore(config);
    case 'kubernetes':
      return (await withDriver('kubernetes', () => import('./kubernetes'))).openKubernetesStore(config);
  }
}
