import { Store } from './store';

// Placeholder until the PostgreSQL store lands (issue: HTTP IPAM service and PostgreSQL).
export async function openPostgresStore(config: { url: string }): Promise<Store> {
  void config;
  throw new Error('the PostgreSQL store is not available in this build yet');
}
