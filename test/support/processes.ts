import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO = join(__dirname, '..', '..');

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Node arguments that run TypeScript through tsx. `--import` (not `--require tsx/cjs`) so that
 * dynamic import() of a .ts module (openStore's postgres/kubernetes entries, openIpam's HTTP
 * backend) resolves too: the CJS-only hook leaves import() to Node's ESM loader, which cannot
 * find an extensionless .ts path.
 */
export const TSX_ARGS = ['--import', pathToFileURL(require.resolve('tsx')).href];

/** Runs a TypeScript file of the repo in a fresh Node process (through tsx), with a deadline. */
export function runTs(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<ProcessResult> {
  return runNode([...TSX_ARGS, join(REPO, file), ...args], options);
}

export function runNode(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; input?: string } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface WorkerOutput {
  granted: { owner: string; cidr: string }[];
  errors: string[];
}

/**
 * Starts the allocation workers at once and waits for all of them (alloc-worker.ts, or another
 * worker printing WorkerOutput); a worker still running after `timeoutMs` is killed (a hang guard).
 */
export async function runAllocationWorkers(argsList: object[], worker = 'test/support/alloc-worker.ts', timeoutMs?: number): Promise<WorkerOutput[]> {
  const results = await Promise.all(argsList.map((args) => runTs(worker, [JSON.stringify(args)], { timeoutMs })));
  return results.map((r, i) => {
    if (r.code !== 0) throw new Error(`worker ${i} failed (${r.code ?? r.signal}): ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as WorkerOutput;
  });
}
