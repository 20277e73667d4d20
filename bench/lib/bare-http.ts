import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TSX_ARGS } from '../../test/support/processes';

/** Starts bench/workers/bare-http.ts; resolves with its URL once it listens. */
export async function startBareHttp(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [...TSX_ARGS, join(__dirname, '..', 'workers', 'bare-http.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const exited = new Promise<never>((_, reject) => child.on('close', (code) => reject(new Error(`bare HTTP server ended (${code}) before listening`))));
  const first = createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  try {
    const line = await Promise.race([first, exited]);
    if (line.done === true) throw new Error('bare HTTP server printed nothing');
    return { url: line.value, stop };
  } catch (e) {
    stop();
    throw e;
  }
}
