import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ipam } from '../engine/ipam';
import { IpamError, errors } from '../errors';
import { POSTGRES_FATAL } from '../errors/backend-codes';
import { packageVersion } from '../package';
import { TokenAuth, TokenEntry, parseTokensEnv, readTokensFile } from '../server/auth';
import { DEFAULT_BODY_LIMIT } from '../server/http-io';
import { jsonLineLogger, logEvent, warnEvent } from '../server/log';
import { IpamServer } from '../server/server';
import { WaitingStore } from '../server/waiting-store';
import { StoreConfig, openStore } from '../backends/open-store';
import { Store } from '../engine/store';
import { UsageError, parseInteger } from './args';
import type { CommandContext, Output } from './command';
import { isLoopback, nextSignal, parseListen } from './process';

/**
 * `ipam serve`: the HTTP IPAM service over a SQLite file (default ./ipam.db) or PostgreSQL
 * (--db postgres://...). Runs until SIGTERM or SIGINT, then shuts down gracefully: requests in
 * flight are answered, then the store is closed. The command's table entry (commands.ts) loads
 * this module only when `serve` runs, so the other commands start without the HTTP service.
 */
export async function runServe(ctx: CommandContext): Promise<Output> {
  const { host, port } = parseListen(option(ctx, 'listen') ?? '127.0.0.1:8080');
  const auth = authFor(ctx, host);
  const tls = tlsFor(ctx);
  const limits = ctx.options['max-connections'] === undefined ? {} : { maxConnections: atLeastOne(option(ctx, 'max-connections')!, 'max-connections') };
  const bodyLimit = ctx.options['max-body'] === undefined ? DEFAULT_BODY_LIMIT : parseInteger(option(ctx, 'max-body')!, 'max-body');
  const signal = nextSignal(['SIGTERM', 'SIGINT']);
  const store = await openServiceStore(storeConfig(option(ctx, 'db') ?? './ipam.db'));
  let server: IpamServer | undefined;
  try {
    const ipam = Ipam.create(store, { actor: 'ipam-serve' });
    server = serverOrConfigError(() => new IpamServer({ ipam, auth, tls, bodyLimit, limits, log: jsonLineLogger(), events: (msg, fields) => warnEvent(msg, fields), version: packageVersion() }));
    const url = await server.listen(host, port).catch((e: NodeJS.ErrnoException) => {
      throw errors.CONFIG_INVALID({ case: 'listen', host, port, errno: e.code, cause: e.message });
    });
    logEvent('listening', { url, store: store.kind, auth: auth === undefined ? 'off' : 'bearer', tls: tls !== undefined });
    // A backend that is down at start is waited for (the service answers /readyz 503 meanwhile);
    // one that can never work (wrong password, no such database) stops the service.
    const stop = await Promise.race([signal, waitedFor(store)]);
    logEvent('shutting down', { signal: stop });
    await server.close();
    server = undefined;
    logEvent('stopped');
    return { json: { stopped: true, url }, text: `ipam serve: stopped (${url})` };
  } finally {
    await server?.close(1_000);
    await store.close();
  }
}

function atLeastOne(text: string, name: string): number {
  const n = parseInteger(text, name);
  if (n < 1) throw new UsageError(`--${name}: must be at least 1 (${text} would turn every client away)`);
  return n;
}

/** The store of the service: SQLite opened now; PostgreSQL opened in the background, waited for with backoff. */
async function openServiceStore(config: StoreConfig): Promise<Store> {
  if (config.type !== 'postgres') {
    try {
      return await openStore(config);
    } catch (e) {
      if (e instanceof IpamError) throw e;
      throw errors.CONFIG_INVALID({ case: 'state-file', db: config.type === 'sqlite' ? config.file : config.type, cause: (e as Error).message });
    }
  }
  return new WaitingStore('postgres', () => openStore(config), {
    onRetry: (error, attempt, delayMs) => warnEvent('store not ready', { store: 'postgres', attempt, retryInMs: delayMs, error: error.message }),
    fatal: postgresConfigError,
  });
}

/** Resolves never while the store works; rejects when a waited-for store turns out unusable. */
function waitedFor(store: Store): Promise<never> {
  if (!(store instanceof WaitingStore)) return new Promise<never>(() => undefined);
  return store.opened.then(() => {
    logEvent('store ready', { store: store.kind });
    return new Promise<never>(() => undefined);
  });
}

/** PostgreSQL errors that retrying cannot fix: the URL, the credentials or the database are wrong, or the driver is missing. */
function postgresConfigError(error: Error): IpamError | undefined {
  // Already a configuration error (the pg package not installed): no retry installs it.
  if (error instanceof IpamError && error.code === 'CONFIG_INVALID') return error;
  const code = (error as { code?: string }).code;
  if (code === undefined || POSTGRES_FATAL[code] === undefined) return undefined;
  return errors.CONFIG_INVALID({ case: 'postgres', pgCode: code, cause: error.message });
}

function serverOrConfigError(create: () => IpamServer): IpamServer {
  try {
    return create();
  } catch (e) {
    // The only way construction fails: a certificate or key that is not PEM, or that do not match.
    throw errors.CONFIG_INVALID({ case: 'tls', cause: (e as Error).message });
  }
}

const option = (ctx: CommandContext, name: string): string | undefined => ctx.options[name] as string | undefined;

/** HOST:PORT of --listen (or of another option naming an address to listen on). */


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
  // Refuses weak, duplicate or malformed entries with CONFIG_INVALID (exit 2).
  return new TokenAuth(entries);
}

function tlsFor(ctx: CommandContext): { cert: Buffer; key: Buffer } | undefined {
  const cert = option(ctx, 'tls-cert');
  const key = option(ctx, 'tls-key');
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new UsageError('TLS needs both --tls-cert FILE and --tls-key FILE');
  return { cert: readConfigFile(cert, 'tls-cert'), key: readConfigFile(key, 'tls-key') };
}

function readConfigFile(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw errors.CONFIG_INVALID({ case: 'unreadable-file', flag, file, cause: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
}

/** postgres:// or postgresql:// URLs select PostgreSQL; anything else is a SQLite file path. */
export function storeConfig(db: string): StoreConfig {
  if (/^postgres(ql)?:\/\//.test(db)) return { type: 'postgres', url: db };
  return { type: 'sqlite', file: resolve(db) };
}


