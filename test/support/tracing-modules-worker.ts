/**
 * Runs the whole allocation flow in one fresh process (the CLI's tracing start, the HTTP
 * service over a SQLite file, the HTTP client, the engine, a Pulumi provider call) under the
 * environment it is given, then prints which @opentelemetry packages that process loaded.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { handler } from '../../provider/src/dynamic/handlers';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { startTracing } from '../../provider/src/telemetry/start';
import { WRITER, startInProcess } from './http-service';

async function main(): Promise<void> {
  const tracing = startTracing(process.env);
  const dir = mkdtempSync(join(tmpdir(), 'ipam-tracing-modules-'));
  const service = await startInProcess(new SqliteStore(join(dir, 'state.db')));
  const client = new HttpIpam({ server: service.url, token: WRITER.token });
  await client.createPool({ space: 'lab', name: 'edge', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
  await client.allocate({ space: 'lab', pool: 'edge', owner: 'a' });
  await handler('SubnetPool').check({}, { name: 'p', space: 'lab', cidr: '10.1.0.0/16' });
  await client.close();
  await service.close();
  await tracing?.shutdown();
  const loaded = Object.keys(require.cache)
    .map((path) => /node_modules\/(@opentelemetry\/[^/]+)\//.exec(path)?.[1])
    .filter((name): name is string => name !== undefined);
  process.stdout.write(`${JSON.stringify([...new Set(loaded)].sort())}\n`);
}

void main();
