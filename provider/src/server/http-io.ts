import { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ERROR_CATALOGUE, IpamError, quote } from '../errors';

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
    request.on('error', (e) => {
      failed = true;
      reject(e);
    });
    request.on('end', () => {
      if (failed) return;
      if (size === 0) return resolve(undefined);
      const [type, ...parameters] = (request.headers['content-type'] ?? '').split(';').map((part) => part.trim().toLowerCase());
      if (type !== 'application/json') {
        return reject(
          new IpamError('UNSUPPORTED_MEDIA_TYPE', `content-type: ${quote(type)} is not accepted; send the body as application/json`, 'content-type'),
        );
      }
      const charsetProblem = refusedCharset(parameters);
      if (charsetProblem !== undefined) return reject(charsetProblem);
      let text: string;
      try {
        text = UTF8.decode(Buffer.concat(chunks));
      } catch {
        return reject(new IpamError('MALFORMED_JSON', 'body: not valid UTF-8; JSON is sent as UTF-8, so encode the body in UTF-8', 'body'));
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        // The parser's own wording changes between Node versions; this message does not.
        reject(new IpamError('MALFORMED_JSON', 'body: not valid JSON; send one JSON value, e.g. {"prefixLength": 24}', 'body'));
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
  return new IpamError(
    'UNSUPPORTED_MEDIA_TYPE',
    `content-type: charset ${quote(charset)} is not accepted; JSON is sent as UTF-8: encode the body in UTF-8 and declare application/json or application/json; charset=utf-8`,
    'content-type',
  );
}

function tooLarge(limit: number): IpamError {
  return new IpamError('PAYLOAD_TOO_LARGE', `body: larger than the limit of ${limit} bytes`, 'body');
}

/** Validates `value` against a zod schema; the first issue becomes an INVALID_INPUT naming its field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const field = [...issue.path.map(String), issue.keys[0]].join('.');
    const known = schemaKeys(schema);
    const hint = known.length === 0 ? `${where} takes no fields here` : `${where} fields are: ${known.join(', ')}`;
    throw new IpamError('INVALID_INPUT', `${field}: unknown field; ${hint}`, field);
  }
  const field = issue.path.length === 0 ? where : issue.path.map(String).join('.');
  const message = issue.message.replace(/^Invalid input: /, '');
  throw new IpamError('INVALID_INPUT', `${field}: ${message}`, field);
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

/** RFC 9457 problem details, plus the catalogue's `code` and the `message`/`field` that IpamError carries. */
export function sendProblem(response: ServerResponse, error: IpamError, headers: Record<string, string> = {}): void {
  const body = {
    type: `urn:pulumi-ipam:error:${error.code}`,
    title: ERROR_CATALOGUE[error.code].title,
    status: error.status,
    code: error.code,
    message: error.message,
    detail: error.message,
    ...(error.field === undefined ? {} : { field: error.field }),
  };
  const text = JSON.stringify(body);
  response
    .writeHead(error.status, { 'content-type': 'application/problem+json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
    .end(text);
}
