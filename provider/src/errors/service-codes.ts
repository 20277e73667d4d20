import { at, cases, entry, plain } from './define';
import { quote } from './text';

/**
 * The HTTP service (provider/src/server): requests refused before they reach the engine. Each is
 * a 4xx with a code, never a 500, and never changes state.
 */
export const SERVICE_CODES = {
  MALFORMED_JSON: entry(
    400,
    'Request body is not JSON',
    cases({
      utf8: () => at('body', 'not valid UTF-8; JSON is sent as UTF-8, so encode the body in UTF-8'),
      // The parser's own wording changes between Node versions; this message does not.
      json: () => at('body', 'not valid JSON; send one JSON value, e.g. {"prefixLength": 24}'),
    }),
  ),
  UNAUTHORIZED: entry(
    401,
    'Missing or unknown bearer token',
    cases({
      missing: () => at('authorization', 'send the header "Authorization: Bearer <token>"'),
      unknown: () => at('authorization', 'the bearer token is not one this service knows'),
    }),
  ),
  FORBIDDEN: entry(403, 'Token not allowed to do this', (p: { token: string }) =>
    at('authorization', `token "${p.token}" has scope "read"; this request changes state and needs "read-write"`),
  ),
  ROUTE_NOT_FOUND: entry(404, 'No such route', (p: { path: string }) => at('path', `${JSON.stringify(p.path)} is not a route of this service; see /openapi.json`)),
  METHOD_NOT_ALLOWED: entry(
    405,
    'Method not allowed on this route',
    cases({
      route: (p: { method: string; path: string; allowed: readonly string[] }) => at('method', `${p.method} is not allowed on ${p.path}; use ${p.allowed.join(' or ')}`),
      connect: () => at('method', 'CONNECT is not allowed; this service is not a proxy'),
    }),
  ),
  PAYLOAD_TOO_LARGE: entry(413, 'Request body too large', (p: { limit: number }) => at('body', `larger than the limit of ${p.limit} bytes`)),
  UNSUPPORTED_MEDIA_TYPE: entry(
    415,
    'Request body must be application/json',
    cases({
      type: (p: { type: string }) => at('content-type', `${quote(p.type)} is not accepted; send the body as application/json`),
      charset: (p: { charset: string }) =>
        at(
          'content-type',
          `charset ${quote(p.charset)} is not accepted; JSON is sent as UTF-8: encode the body in UTF-8 and declare application/json or application/json; charset=utf-8`,
        ),
    }),
  ),
  // HTTP framing, answered by the service itself where Node lets it answer at all.
  MALFORMED_REQUEST: entry(
    400,
    'Request is not valid HTTP/1.1',
    cases({
      parse: (p: { parserCode?: string }) => at('request', `not valid HTTP/1.1 (${p.parserCode ?? 'parse error'}); check the request line, headers and framing`),
      host: () => at('host', 'an HTTP/1.1 request needs a Host header'),
    }),
  ),
  REQUEST_TIMEOUT: entry(408, 'Request not received in time', () =>
    at('request', 'the headers or the body did not arrive in time; send the whole request at once'),
  ),
  HEADERS_TOO_LARGE: entry(431, 'Request headers too large', () => at('headers', 'larger than the limit of the service; send fewer or shorter headers')),
  // The client closed the connection before its request was whole: nobody reads the answer, but
  // the log and the metrics must say it was the client, not count it as a failure of the service.
  REQUEST_ABORTED: entry(400, 'Request cut off by the client', () => at('body', 'the connection closed before the whole body arrived')),
  // A bug, not a refusal: logged in full by the service, shown to the caller without details.
  INTERNAL_ERROR: entry(
    500,
    'Internal error',
    cases({
      service: () => plain('server: the request failed unexpectedly; the service log has the details'),
      /** The `ipam` command: the person running it is the one to report it, so the cause is shown. */
      command: (p: { cause: string }) => plain(`unexpected failure (a bug, please report it): ${p.cause}`),
    }),
  ),
} as const;
