/**
 * Benchmark workers: TypeScript files under bench/workers, each in its own Node process (through
 * tsx, as the tests run theirs). A worker sets up, says it is ready, waits for "go" on stdin,
 * runs, and prints one JSON result line. The parent says "go" to all workers at once, so
 * several processes start their timed work together, and nobody times process start-up.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TSX_ARGS } from '../../test/support/processes';

const READY = 'ready';

/** Runs bench/workers/<name>.ts once per argument object; resolves with their results, in order. */
export async function runWorkers<T>(name: string, argsList: object[], timeoutMs = 300_000): Promise<T[]> {
  const workers = argsList.map((args, i) => startWorker<T>(name, args, `${name}#${i}`, timeoutMs));
  try {
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    return await Promise.all(workers.map((w) => w.result));
  } finally {
    for (const w of workers) w.stop();
  }
}

interface Worker<T> {
  ready: Promise<void>;
  go(): void;
  result: Promise<T>;
  stop(): void;
}

function startWorker<T>(name: string, args: object, label: string, timeoutMs: number): Worker<T> {
  const child = spawn(process.execPath, [...TSX_ARGS, join(__dirname, '..', 'workers', `${name}.ts`), JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d: Buffer) => process.stderr.write(`  [${label}] ${d.toString()}`));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) =>
    child.on('close', (code, signal) => reject(new Error(`worker ${label} ended (${code ?? signal}) before answering`))),
  );
  const nextLine = async (): Promise<string> => {
    const line = await Promise.race([lines.next(), exited]);
    if (line.done === true) return exited;
    return line.value;
  };
  const ready = nextLine().then((line) => {
    if (line !== READY) throw new Error(`worker ${label} said ${JSON.stringify(line)} instead of "${READY}"`);
  });
  const result = ready.then(async () => JSON.parse(await nextLine()) as T);
  // A failed worker rejects both; the caller awaits one of them, so the other must not go unhandled.
  ready.catch(() => undefined);
  result.catch(() => undefined);
  return {
    ready,
    go: () => child.stdin.write('go\n'),
    result,
    stop: () => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Worker side: announce readiness and wait for the parent's "go". */
export async function readyThenWait(): Promise<void> {
  process.stdout.write(`${READY}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'go') return;
  }
  throw new Error('stdin closed before "go"');
}

/** Worker side: the one result line, then exit. */
export function answer(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}
