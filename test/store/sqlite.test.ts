import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { storeContract } from './contract';

storeContract('sqlite file', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ipam-sqlite-')), 'state.db');
  return {
    open: async () => new SqliteStore(file),
    reopen: async () => new SqliteStore(file),
    processConfig: () => ({ type: 'sqlite', file }),
    enforcesUniqueBlocks: true,
  };
});
