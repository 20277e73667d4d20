import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { Ipam } from '../engine/ipam';
import { IpamError, isIpamError } from '../errors';
import { TokenAuth } from './auth';
import { ConnectionGuard, DEFAULT_LIMITS, ServiceLimits, httpServerOptions } from './connections';
import { DEFAULT_BODY_LIMIT, readJsonBody, sendJson, sendProblem, validate } from './http-io';
import { RequestLog, RequestLogger } from './log';
import { ServiceMetrics } from './metrics';
import { annotateRequest, inRequestContext, startRequestSpan } from './tracing';
import { openApiDocument } from './openapi';
import { MethodNotAllowed, Router } from './router';
import { Scope } from './route';
import { ROUTES } from './routes';
import { WebAssets } from './web-assets';

export { DEFAULT_LIMITS } from './connections';
export type { ServiceLimits } from './connections';

export interface ServerOptions {
  /** The one engine of this process; each request runs as `ipam.as(token name)`. */
  ipam: Ipam;
  /** Bearer tokens; undefined serves without auth (the CLI allows that only on loopback). */
  auth?: TokenAuth;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  log?: RequestLogger;
  /** Service events other than requests (a connection dropped over the cap), as (message, fields). */
  events?: (msg: string, fields: Record<string, unknown>) => void;
  version?: string;
  /** Timeouts and caps of the HTTP layer; each defaults to DEFAULT_LIMITS. */
  limits?: Partial<ServiceLimits>;
}

const ANONYMOUS = 'anonymous';

/**
 * The HTTP IPAM service: the JSON API of routes.ts over one engine, plus /healthz, /readyz,
 * /metrics and /openapi.json. It keeps no state of its own (the engine's cache is checked
 * against the store on every batch), so replicas on one PostgreSQL are safe: correctness comes
 * from the store's compare-and-swap.
 */
export class IpamServer {
  private readonly server: Server;
  private readonly router = new Router(ROUTES);
  private readonly metrics: ServiceMetrics;
  private readonly openapi: string;
  private readonly actors = new Map<string, Ipam>();
  private readonly bodyLimit: number;
  private readonly log: RequestLogger;
  private readonly guard: ConnectionGuard;
  private readonly web = new WebAssets();
  private closing = false;
  private readonly unobserveEngine: () => void;

  constructor(private readonly options: ServerOptions) {
    this.metrics = new ServiceMetrics(options.ipam);
    this.unobserveEngine = options.ipam.observe(this.metrics.engine);
    this.openapi = JSON.stringify(openApiDocument(ROUTES, options.version ?? '0.0.0'));
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    this.log = options.log ?? (() => undefined);
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const handler = (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response);
    const httpOptions = httpServerOptions(limits);
    this.server = options.tls === undefined ? createServer(httpOptions, handler) : createHttpsServer({ ...options.tls, ...httpOptions }, handler);
    // Any Expect other than 100-continue: refused by dispatch in the problem format, not Node's bare 417.
    this.server.on('checkExpectation', handler);
    this.guard = new ConnectionGuard({
      unrouted: (entry) => {
        this.metrics.observeRequest(entry.method, entry.route, entry.status);
        this.log(entry);
      },
      dropped: (remoteAddress) => {
        this.metrics.observeDroppedConnection();
        options.events?.('connection dropped', { reason: `over the cap of ${limits.maxConnections} connections`, remoteAddress });
      },
    });
    this.guard.install(this.server, limits.maxConnections);
  }

  /** Starts listening; resolves with the base URL (port 0 picks a free port). */
  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(`${this.options.tls === undefined ? 'http' : 'https'}://${shownHost}:${address.port}`);
      });
    });
  }

  /**
   * Graceful shutdown: stop accepting connections, answer requests already in flight (their
   * responses close their connections), close idle keep-alive connections; after `graceMs`,
   * cut whatever is left.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    this.unobserveEngine();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const entry: RequestLog = { method: request.method ?? '', path: (request.url ?? '').split('?')[0], route: 'unmatched', status: 0, actor: '-' };
    const socket = request.socket;
    const span = startRequestSpan(request);
    this.guard.begin(socket, response);
    try {
      await inRequestContext(span, () => this.dispatch(request, response, entry));
    } catch (e) {
      // A body cut off by the service's own timeout is told as that timeout.
      const error = (isIpamError(e) && e.code === 'REQUEST_ABORTED' && this.guard.cutReason(socket)) || this.toIpamError(e, entry);
      entry.code = error.code;
      if (this.closing) response.shouldKeepAlive = false;
      if (!response.headersSent) {
        const headers: Record<string, string> = {};
        if (error instanceof MethodNotAllowed) headers.allow = error.allowed.join(', ');
        if (error.code === 'UNAUTHORIZED') headers['www-authenticate'] = 'Bearer';
        // A body left unread (refused before or while reading it) must not be parsed as the next request.
        if (!request.complete) response.shouldKeepAlive = false;
        sendProblem(response, error, headers);
      }
    } finally {
      this.guard.end(socket, response);
      entry.status = response.statusCode;
      entry.ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.metrics.observeRequest(entry.method, entry.route, entry.status);
      if (entry.code !== undefined) this.metrics.observeError(entry.route, entry.code);
      this.log(entry);
      span.end(entry);
    }
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse, entry: RequestLog): Promise<void> {
    const [path, search = ''] = (request.url ?? '/').split('?', 2);
    const method = request.method ?? 'GET';
    checkFraming(request);
    if ((method === 'GET' || method === 'HEAD') && this.web.has(path)) {
      entry.route = path === '/' ? '/' : '/ui';
      return this.web.send(path, method, response);
    }
    if (path in OPERATIONS_ROUTES) {
      entry.route = path;
      if (method !== 'GET') throw new MethodNotAllowed(method, path, ['GET']);
      return this.operations(path, request, response, entry);
    }
    const { route, params } = this.router.match(method, path);
    entry.route = route.path;
    const actor = this.authenticate(request, route.scope, entry);
    const body = await readJsonBody(request, this.bodyLimit);
    const input = {
      params: validate(route.params, params, 'path'),
      query: validate(route.query, Object.fromEntries(new URLSearchParams(search)), 'query'),
      // A route without a body schema takes none: an absent body passes as {} through an empty schema.
      body: route.body === undefined ? noBody(route.method, route.path, body) : validate(route.body, body ?? {}, 'body'),
    };
    annotateRequest(input.params);

    const api = this.as(actor);
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      const result = await route.handle(api, input);
      if (this.closing) response.shouldKeepAlive = false;
      sendJson(response, route.status, result);
    } catch (e) {
      outcome = isIpamError(e) ? e.code : 'INTERNAL_ERROR';
      throw e;
    } finally {
      if (route.operation !== undefined) {
        this.metrics.observeOperation(route.operation, outcome, Number(process.hrtime.bigint() - started) / 1e9);
      }
    }
  }

  private async operations(path: string, request: IncomingMessage, response: ServerResponse, entry: RequestLog): Promise<void> {
    switch (path) {
      case '/healthz':
        return sendJson(response, 200, { status: 'ok' });
      case '/readyz':
        try {
          await this.options.ipam.store.ping();
        } catch (e) {
          if (isIpamError(e) && e.code === 'STORE_UNAVAILABLE') throw e; // already says which backend and why
          throw new IpamError('STORE_UNAVAILABLE', `store: the ${this.options.ipam.store.kind} state backend does not answer: ${(e as Error).message}`);
        }
        return sendJson(response, 200, { status: 'ready', store: this.options.ipam.store.kind });
      case '/openapi.json':
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(this.openapi);
        return;
      case '/metrics': {
        this.authenticate(request, 'read', entry);
        const text = await this.metrics.registry.metrics();
        response.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(text);
        return;
      }
    }
  }

  /** The token's name (the audit trail's "who"), or "anonymous" without auth. */
  private authenticate(request: IncomingMessage, scope: Scope, entry: RequestLog): string {
    const name = this.options.auth === undefined ? ANONYMOUS : this.options.auth.authorize(request.headers.authorization, scope).name;
    entry.actor = name;
    return name;
  }

  private as(actor: string): Ipam {
    let api = this.actors.get(actor);
    if (api === undefined) {
      api = this.options.ipam.as(actor);
      this.actors.set(actor, api);
    }
    return api;
  }

  private toIpamError(e: unknown, entry: RequestLog): IpamError {
    if (isIpamError(e)) return e;
    entry.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    return new IpamError('INTERNAL_ERROR', 'server: the request failed unexpectedly; the service log has the details');
  }
}

/** What Node's parser lets through but the service refuses, in the problem format (Node's own answers have no body). */
function checkFraming(request: IncomingMessage): void {
  if (request.httpVersion === '1.1' && request.headers.host === undefined) {
    throw new IpamError('MALFORMED_REQUEST', 'host: an HTTP/1.1 request needs a Host header', 'host');
  }
  const expect = request.headers.expect;
  if (expect !== undefined && expect.toLowerCase() !== '100-continue') {
    throw new IpamError('INVALID_INPUT', `expect: ${JSON.stringify(expect)} is not supported; send no Expect header, or "100-continue"`, 'expect');
  }
}

function noBody(method: string, path: string, body: unknown): undefined {
  if (body !== undefined) throw new IpamError('INVALID_INPUT', `body: ${method} ${path} takes no body`, 'body');
  return undefined;
}

const OPERATIONS_ROUTES: Record<string, true> = { '/healthz': true, '/readyz': true, '/metrics': true, '/openapi.json': true };
