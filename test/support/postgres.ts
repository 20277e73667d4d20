/**
 * A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl from Debian's
 * postgresql package, in a temp dir, on 127.0.0.1 and a free port, trust auth, removed after.
 *
 * PostgreSQL refuses to run as root, so when we are root the cluster belongs to the `postgres`
 * user (which the Debian package creates) and every server command runs through runuser.
 * When the binaries are absent, a developer's machine skips with a clear message; CI (env CI
 * set) fails instead, because CI must run these tests for real (.ci/run installs postgresql).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface PostgresCluster {
  /** Connection URL of the `postgres` database; use createDatabase() for isolated state. */
  url: string;
  port: number;
  /** A fresh empty database on the cluster; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** An outage: stops the server (fast shutdown, open connections are cut), keeping its data and port. */
  pause(): void;
  /** Ends the outage: starts the server again on the same port with the same data. */
  resume(): void;
  stop(): void;
}

export interface ClusterOptions {
  /** Keep fsync on (benchmarks measure durable commits); tests turn it off for speed. */
  durable?: boolean;
  /** Listen on this port (a test that starts a client before the server); default a free one. */
  port?: number;
}

export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? undefined : join(root, versions[0], 'bin');
}

export const POSTGRES_MISSING =
  'PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; install them with `apt-get install -y postgresql` to run the PostgreSQL tests';

/**
 * For a mocha `before` hook: the cluster, or skips the suite (developer machine without
 * PostgreSQL) or throws (CI), so a missing install can never pass CI silently.
 */
export async function clusterOrSkip(context: Mocha.Context, options: ClusterOptions = {}): Promise<PostgresCluster> {
  if (postgresBinDir() === undefined) {
    if (process.env.CI) throw new Error(`CI is set: ${POSTGRES_MISSING}`);
    console.warn(`    skipped: ${POSTGRES_MISSING}`);
    context.skip();
  }
  return startCluster(options);
}

export async function startCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'ipam-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  // The server's cwd must be a directory the postgres user can enter: the temp dir.
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`);
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = options.port ?? (await freePort());
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=200',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  const start = (): void => run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
  start();

  let stopped = false;
  let paused = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', stop);
    try {
      if (!paused) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test run that dies must not leave a server behind.
  process.on('exit', stop);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    stop,
    pause() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      paused = true;
    },
    resume() {
      start();
      paused = false;
    },
    async createDatabase(name: string): Promise<string> {
      if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name}: lowercase letters, digits and _ only`);
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
  };
}

/** A port nobody listens on right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
