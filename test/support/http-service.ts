/**
 * Running the HTTP IPAM service in tests: in this process (API tests, to inspect the store
 * behind it) or as a real `ipam serve` child process (concurrency, kill -9, replicas).
 * Always on 127.0.0.1 with a port picked by the OS.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { TokenAuth, TokenEntry } from '../../provider/src/server/auth';
import { RequestLog } from '../../provider/src/server/log';
import { IpamServer, ServerOptions } from '../../provider/src/server/server';
import { Store } from '../../provider/src/engine/store';
import { REPO, TSX_ARGS } from './processes';

export const WRITER: TokenEntry = { name: 'ci-writer', scope: 'read-write', token: 'w-0123456789abcdef0123456789abcdef' };
export const READER: TokenEntry = { name: 'dashboard', scope: 'read', token: 'r-0123456789abcdef0123456789abcdef' };

export interface InProcessService {
  url: string;
  server: IpamServer;
  ipam: Ipam;
  logs: RequestLog[];
  close(): Promise<void>;
}

/** The service over `store` (or over options.ipam), in this process, with the WRITER and READER tokens unless `auth` says otherwise. */
export async function startInProcess(store: Store, options: Partial<ServerOptions> = {}): Promise<InProcessService> {
  const ipam = options.ipam ?? Ipam.create(store);
  const logs: RequestLog[] = [];
  const server = new IpamServer({ auth: new TokenAuth([WRITER, READER]), log: (e) => logs.push(e), ...options, ipam });
  const url = await server.listen('127.0.0.1', 0);
  return {
    url,
    server,
    ipam,
    logs,
    async close() {
      await server.close(1_000);
      await store.close();
    },
  };
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Everything the service wrote to stderr so far (JSON lines). */
  stderr(): string;
  /** SIGTERM and wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** kill -9: no shutdown at all. */
  kill9(): Promise<void>;
}

/** `ipam serve` as a child process, on a free loopback port unless `listen` names one; resolves once it listens. */
export function startServeProcess(db: string, options: { listen?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ServiceProcess> {
  const args = [...TSX_ARGS, join(REPO, 'provider/src/cli/main.ts'), 'serve', '--listen', options.listen ?? '127.0.0.1:0', '--db', db];
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, IPAM_TOKENS: `${WRITER.name}:${WRITER.scope}:${WRITER.token}`, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let listening = false;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ipam serve did not start within 30 s:\n${stderr}`));
    }, 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Look for the line once: a busy service logs a line per request.
      const found = listening ? null : /"msg":"listening","url":"([^"]+)"/.exec(stderr);
      if (found !== null) {
        listening = true;
        clearTimeout(timer);
        resolve({
          url: found[1],
          child,
          stderr: () => stderr,
          async stop() {
            child.kill('SIGTERM');
            return exited;
          },
          async kill9() {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    child.stdout!.resume();
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`ipam serve exited (${code}) before listening:\n${stderr}`));
    });
  });
}
