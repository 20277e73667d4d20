/**
 * Raw bytes over a loopback TCP connection, for what fetch will not send: broken framing, bad
 * header values, a body cut off, a client that trickles. Every exchange is bounded: the socket
 * is destroyed after `timeoutMs` whatever happens.
 */
import { Socket, connect } from 'node:net';

export interface RawAnswer {
  /** 0 when the connection closed without an answer. */
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  /** From connecting to the close (or the deadline). */
  ms: number;
  /** False when the deadline cut the exchange. */
  closedByServer: boolean;
}

export interface RawOptions {
  /** Written after `chunks` as separate writes, `pauseMs` apart (a slow client). */
  chunks?: (string | Buffer)[];
  pauseMs?: number;
  /** Destroy our side this long after the last write (a client that gives up mid-request). */
  abortAfterMs?: number;
  timeoutMs?: number;
}

export function rawExchange(base: string, request: string | Buffer, options: RawOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
    const received: Buffer[] = [];
    let settled = false;
    const finish = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ ...parseAnswer(Buffer.concat(received).toString('latin1')), ms: Date.now() - started, closedByServer });
    };
    const deadline = setTimeout(() => finish(false), options.timeoutMs ?? 5_000);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', async () => {
      socket.write(request);
      for (const chunk of options.chunks ?? []) {
        await new Promise((r) => setTimeout(r, options.pauseMs ?? 0));
        if (socket.destroyed) return;
        socket.write(chunk);
      }
      if (options.abortAfterMs !== undefined) setTimeout(() => finish(false), options.abortAfterMs);
    });
  });
}

function parseAnswer(text: string): Omit<RawAnswer, 'ms' | 'closedByServer'> {
  // An interim "100 Continue" (Expect: 100-continue) comes before the answer: skip it.
  while (/^HTTP\/1\.[01] 1\d\d /.test(text) && text.includes('\r\n\r\n')) text = text.slice(text.indexOf('\r\n\r\n') + 4);
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return { status: 0, headers: {}, body: undefined, text };
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyText = text.slice(split + 4);
  let body: unknown;
  try {
    body = bodyText === '' ? undefined : JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body, text };
}
