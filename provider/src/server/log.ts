import { LogFields, LogWrite, jsonLinesLogger } from '../log';

/**
 * Structured request logs: one JSON object per request, written by the service to stderr. They
 * carry the token's name (never the token: headers are not logged at all), the route pattern,
 * status, duration and, for a refusal, the error code.
 */
export interface RequestLog {
  method: string;
  /** The path as sent, without the query string. */
  path: string;
  /** The route pattern it matched ("unmatched" when none), a bounded set for metrics. */
  route: string;
  status: number;
  /** The token name, "anonymous" without auth, "-" before authentication. */
  actor: string;
  ms?: number;
  code?: string;
  /** Stack of an unexpected failure (INTERNAL_ERROR); shown to operators, never to callers. */
  error?: string;
}

export type RequestLogger = (entry: RequestLog) => void;

/** Writes each entry as one JSON line, with time and level, to a stream (stderr by default). */
export function jsonLineLogger(write?: LogWrite): RequestLogger {
  const log = jsonLinesLogger(write);
  return (entry) => log(entry.status >= 500 ? 'error' : entry.status >= 400 ? 'warn' : 'info', 'request', { ...entry });
}

/** Service events other than requests (listening, shutting down), in the same JSON-lines form. */
export function logEvent(msg: string, fields: LogFields = {}, write?: LogWrite): void {
  jsonLinesLogger(write)('info', msg, fields);
}

/** An event an operator should look at (the store not answering, connections dropped over the cap). */
export function warnEvent(msg: string, fields: LogFields = {}, write?: LogWrite): void {
  jsonLinesLogger(write)('warn', msg, fields);
}
