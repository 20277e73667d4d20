import { IncomingMessage, Server, ServerOptions as HttpServerOptions, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { IpamError, errors } from '../errors';
import { clientErrorProblem, rawProblemResponse } from './http-io';
import { RequestLog } from './log';

/**
 * How long a client may take and how many may connect. A client slower than these is answered
 * 408 REQUEST_TIMEOUT and disconnected, so a slow or idle client cannot hold a connection for
 * long; the time the service itself takes to answer is not limited by them.
 */
export interface ServiceLimits {
  /** The request line and every header must arrive within this, from the connection's start. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; more are closed as soon as they are accepted. */
  maxConnections: number;
  /** Request line plus headers, in bytes; more is 431 HEADERS_TOO_LARGE. */
  maxHeaderBytes: number;
}

export const DEFAULT_LIMITS: ServiceLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_024,
  maxHeaderBytes: 16 * 1024,
};

/** The options of Node's HTTP(S) server that enforce `limits`. */
export function httpServerOptions(limits: ServiceLimits): HttpServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    // Node checks the two timeouts above only this often (30 s by default, which let a slow
    // client hold its connection for up to a minute).
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    // Node would answer a missing Host with a bare 400; the service refuses it in the problem format.
    requireHostHeader: false,
  };
}

export interface ConnectionHooks {
  /** A request that never reached the request handler: log and count it. */
  unrouted(entry: RequestLog): void;
  /** A connection closed unanswered over the cap. */
  dropped(remoteAddress: string | undefined): void;
}

/**
 * The edges of HTTP below the request handler, where Node would answer with a bare status line
 * or nothing at all: parse errors and timeouts ('clientError'), CONNECT, and connections over
 * the cap ('drop'). Each gets a problem+json answer where the connection can still carry one,
 * and is logged once: here, or by the request in flight on that connection.
 */
export class ConnectionGuard {
  /** The response being written on each connection, so that a connection-level error does not corrupt it. */
  private readonly inFlight = new WeakMap<Socket, ServerResponse>();
  /** Why the service cut a connection (a timeout), for the request that was in flight on it. */
  private readonly cutReasons = new WeakMap<Socket, IpamError>();

  constructor(private readonly hooks: ConnectionHooks) {}

  install(server: Server, maxConnections: number): void {
    server.maxConnections = maxConnections;
    server.on('drop', (peer?: { remoteAddress?: string }) => this.hooks.dropped(peer?.remoteAddress));
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.clientError(error, socket));
    // Node closes a CONNECT without a word unless someone listens.
    server.on('connect', (request: IncomingMessage, socket: Socket) => {
      const refusal = errors.METHOD_NOT_ALLOWED({ case: 'connect' });
      this.hooks.unrouted({ method: 'CONNECT', path: request.url ?? '', route: 'unmatched', status: refusal.status, actor: '-', code: refusal.code });
      answerRaw(socket, refusal);
    });
  }

  /** The request handler brackets each request with begin and end. */
  begin(socket: Socket, response: ServerResponse): void {
    this.inFlight.set(socket, response);
  }

  end(socket: Socket, response: ServerResponse): void {
    if (this.inFlight.get(socket) === response) this.inFlight.delete(socket);
  }

  /** Why the service cut this connection while a request was in flight on it, if it did. */
  cutReason(socket: Socket): IpamError | undefined {
    return this.cutReasons.get(socket);
  }

  /**
   * An error on a connection outside any handler: a parse error, a timeout, the client gone.
   * Answered in the problem format when the connection can still carry an answer and no
   * response has started on it; logged here unless a request in flight logs it.
   */
  private clientError(error: NodeJS.ErrnoException, socket: Socket): void {
    const problem = clientErrorProblem(error);
    if (problem === undefined) {
      socket.destroy();
      return;
    }
    const response = this.inFlight.get(socket);
    if (response !== undefined) this.cutReasons.set(socket, problem);
    else this.hooks.unrouted({ method: '', path: '', route: 'unparsed', status: problem.status, actor: '-', code: problem.code });
    if (response?.headersSent === true) socket.destroy();
    else answerRaw(socket, problem);
  }
}

/** Answers on a socket that has no ServerResponse, then closes it once the answer is out (or after a second). */
function answerRaw(socket: Socket, problem: IpamError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rawProblemResponse(problem), () => socket.destroy());
  setTimeout(() => socket.destroy(), 1_000).unref();
}
