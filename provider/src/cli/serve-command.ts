import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Ipam } from '../engine/ipam';
import { TokenAuth, TokenEntry, parseTokensEnv, readTokensFile } from '../server/auth';
import { DEFAULT_BODY_LIMIT } from '../server/http-io';
import { jsonLineLogger, logEvent } from '../server/log';
import { IpamServer } from '../server/server';
import { StoreConfig, openStore } from '../store/open';
import { UsageError, parseInteger } from './args';
import type { Command, CommandContext } from './commands';

/**
 * `ipam serve`: the HTTP IPAM service over a SQLite file (default ./ipam.db) or PostgreSQL
 * (--db postgres://...). Runs until SIGTERM or SIGINT, then shuts down gracefully: requests in
 * flight are answered, then the store is closed.
 */
export const serveCommand: Command = {
  path: ['serve'],
  usage: 'serve [--listen HOST:PORT] [--db FILE|postgres://...] (--tokens FILE | env IPAM_TOKENS | --no-auth) [--tls-cert F --tls-key F]',
  summary: 'run the HTTP IPAM service (JSON API, /openapi.json, /metrics) over SQLite or PostgreSQL',
  args: [],
  options: ['listen', 'db', 'tokens', 'no-auth', 'tls-cert', 'tls-key', 'max-body'],
  ownBackend: true,
  async run(ctx) {
    const { host, port } = parseListen(option(ctx, 'listen') ?? '127.0.0.1:8080');
    const auth = authFor(ctx, host);
    const tls = tlsFor(ctx);
    const store = await openStore(storeConfig(option(ctx, 'db') ?? './ipam.db'));
    const ipam = Ipam.create(store, { actor: 'ipam-serve' });
    const server = new IpamServer({
      ipam,
      auth,
      tls,
      bodyLimit: ctx.options['max-body'] === undefined ? DEFAULT_BODY_LIMIT : parseInteger(option(ctx, 'max-body')!, 'max-body'),
      log: jsonLineLogger(),
      version: packageVersion(),
    });
    const url = await server.listen(host, port);
    logEvent('listening', { url, store: store.kind, auth: auth === undefined ? 'off' : 'bearer', tls: tls !== undefined });
    const signal = await nextSignal(['SIGTERM', 'SIGINT']);
    logEvent('shutting down', { signal });
    await server.close();
    await store.close();
    logEvent('stopped');
    return { json: { stopped: true, url }, text: `ipam serve: stopped (${url})` };
  },
};

const option = (ctx: CommandContext, name: string): string | undefined => ctx.options[name] as string | undefined;

/** HOST:PORT of --listen (or of another option naming an address to listen on). */
export function parseListen(text: string, option = 'listen'): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) throw new UsageError(`--${option}: "${text}" is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080)`);
  return { host: match[1] ?? (match[2] === '' ? '0.0.0.0' : match[2]), port };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function authFor(ctx: CommandContext, host: string): TokenAuth | undefined {
  const file = option(ctx, 'tokens');
  const env = process.env.IPAM_TOKENS;
  if (ctx.options['no-auth'] === true) {
    if (file !== undefined) throw new UsageError('give --tokens FILE or --no-auth, not both');
    if (!isLoopback(host)) {
      throw new UsageError(`--no-auth is allowed only on a loopback address (127.0.0.1, ::1, localhost), not ${host}: anyone who can reach it could change every pool`);
    }
    return undefined;
  }
  let entries: TokenEntry[];
  if (file !== undefined) entries = readTokensFile(file);
  else if (env !== undefined && env.trim() !== '') entries = parseTokensEnv(env);
  else throw new UsageError('no tokens: give --tokens FILE or set IPAM_TOKENS (name:scope:token,...), or --no-auth on a loopback address');
  try {
    return new TokenAuth(entries);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function tlsFor(ctx: CommandContext): { cert: Buffer; key: Buffer } | undefined {
  const cert = option(ctx, 'tls-cert');
  const key = option(ctx, 'tls-key');
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new UsageError('TLS needs both --tls-cert FILE and --tls-key FILE');
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

/** postgres:// or postgresql:// URLs select PostgreSQL; anything else is a SQLite file path. */
export function storeConfig(db: string): StoreConfig {
  if (/^postgres(ql)?:\/\//.test(db)) return { type: 'postgres', url: db };
  return { type: 'sqlite', file: resolve(db) };
}

export function nextSignal(signals: NodeJS.Signals[]): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handlers = signals.map((signal) => {
      const handler = () => {
        signals.forEach((s, i) => process.off(s, handlers[i]));
        resolve(signal);
      };
      process.on(signal, handler);
      return handler;
    });
  });
}

/** The package version, found from here in the source tree and in dist/ alike. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pulumi-ipam') return pkg.version ?? '0.0.0';
    }
  }
  return '0.0.0';
}
