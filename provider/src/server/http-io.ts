import { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { IpamError, errors, messageFor } from '../errors';
import { ERROR_CATALOGUE } from '../errors/catalogue';
import { HTTP_HINTS } from './hints';

/**
 * Reading requests and writing responses: bodies bounded in size, JSON only, and every
 * refusal as application/problem+json carrying the catalogue's code, status and a message that
 * names the field.
 */

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * The request body parsed as JSON, or undefined when there is none. Stops reading, and
 * refuses, as soon as the body passes `limit` bytes, so a huge body costs no memory.
 */
export function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    // The client closed the connection mid-body (or the service cut it: see clientErrorProblem).
    // Its fault, not ours: a 4xx in the log and the metrics, never a 500 that pages someone.
    request.on('error', () => {
      failed = true;
      reject(errors.REQUEST_ABORTED());
    });
    request.on('end', () => {
      if (failed) return;
      if (size === 0) return resolve(undefined);
      const [type, ...parameters] = (request.headers['content-type'] ?? '').split(';').map((part) => part.trim().toLowerCase());
      if (type !== 'application/json') {
        return reject(
          errors.UNSUPPORTED_MEDIA_TYPE({ case: 'type', type }),
        );
      }
      const charsetProblem = refusedCharset(parameters);
      if (charsetProblem !== undefined) return reject(charsetProblem);
      let text: string;
      try {
        text = UTF8.decode(Buffer.concat(chunks));
      } catch {
        return reject(errors.MALFORMED_JSON({ case: 'utf8' }));
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        // The parser's own wording changes between Node versions; this message does not.
        reject(errors.MALFORMED_JSON({ case: 'json' }));
      }
    });
  });
}

/** Decodes UTF-8 or throws: a body with bytes that are not UTF-8 is refused, not patched with U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON on the wire is UTF-8 (RFC 8259 8.1). A body declared in another charset would be
 * decoded wrongly (latin1 "é" read as UTF-8 is U+FFFD), so it is refused, naming the header.
 */
function refusedCharset(parameters: string[]): IpamError | undefined {
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"(.*)"$/, '$1');
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return undefined;
  return errors.UNSUPPORTED_MEDIA_TYPE({ case: 'charset', charset });
}

function tooLarge(limit: number): IpamError {
  return errors.PAYLOAD_TOO_LARGE({ limit });
}

/** Validates `value` against a zod schema; the first issue becomes an INVALID_INPUT naming its field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const field = [...issue.path.map(String), issue.keys[0]].join('.');
    throw errors.INVALID_INPUT({ case: 'unknown-field', field, where, known: schemaKeys(schema) });
  }
  const field = issue.path.length === 0 ? where : issue.path.map(String).join('.');
  // zod's own words for the shape (its issue messages and the schema's descriptions), without
  // the generic lead zod puts before them: library text, not a message of ours taken apart.
  throw errors.INVALID_INPUT({ case: 'schema', field, issue: issue.message.replace(/^Invalid input: /, '') });
}

function schemaKeys(schema: z.ZodType): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204) {
    response.writeHead(204, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
    .end(text);
}

function problemBody(error: IpamError): Record<string, unknown> {
  return {
    type: `urn:pulumi-ipam:error:${error.code}`,
    title: ERROR_CATALOGUE[error.code].title,
    status: error.status,
    code: error.code,
    message: error.message,
    // What a person reads: the message, then the hint as the request that helps (GET .../pools).
    detail: messageFor(error, HTTP_HINTS),
    ...(error.field === undefined ? {} : { field: error.field }),
    // As structure too: a client (the ipam command over HTTP) words it its own way.
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  };
}

/** RFC 9457 problem details, plus the catalogue's `code` and the `message`/`field` that IpamError carries. */
export function sendProblem(response: ServerResponse, error: IpamError, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(problemBody(error));
  response
    .writeHead(error.status, { 'content-type': 'application/problem+json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
    .end(text);
}

/**
 * The problem to answer for an error Node's HTTP parser or its timers raise on a connection
 * (the server's 'clientError'), or undefined when the client is gone and nothing can be said.
 * Node would otherwise answer a bare status line with no body.
 */
export function clientErrorProblem(error: NodeJS.ErrnoException): IpamError | undefined {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
    case 'HPE_INVALID_EOF_STATE': // the connection ended mid-request: nobody waits for an answer
      return undefined;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errors.REQUEST_TIMEOUT();
    case 'HPE_HEADER_OVERFLOW':
      return errors.HEADERS_TOO_LARGE();
    default:
      return errors.MALFORMED_REQUEST({ case: 'parse', parserCode: error.code });
  }
}

/** A whole HTTP/1.1 response carrying `error` as problem+json, for a socket without a ServerResponse. */
export function rawProblemResponse(error: IpamError): string {
  const text = JSON.stringify(problemBody(error));
  return [
    `HTTP/1.1 ${error.status} ${ERROR_CATALOGUE[error.code].title}`,
    'content-type: application/problem+json; charset=utf-8',
    `content-length: ${Buffer.byteLength(text)}`,
    'connection: close',
    '',
    text,
  ].join('\r\n');
}
