/**
 * The one catalogue of errors pulumi-ipam reports. Every layer (allocator, engine, stores,
 * HTTP service, CLI, Pulumi provider) throws IpamError with a code from here, so a user sees
 * the same code and message whichever way they reached the allocator, and the HTTP service
 * maps each code to its status without a table of its own.
 */
export const ERROR_CATALOGUE = {
  // Input that cannot be understood. Nothing was changed.
  INVALID_INPUT: { status: 400, title: 'Invalid input' },
  INVALID_CIDR: { status: 400, title: 'Invalid CIDR' },
  INVALID_ADDRESS: { status: 400, title: 'Invalid IP address' },
  INVALID_PREFIX_LENGTH: { status: 400, title: 'Invalid prefix length' },
  FAMILY_MISMATCH: { status: 400, title: 'Address family mismatch' },
  OUTSIDE_POOL: { status: 400, title: 'Outside the pool' },
  // KubeSlice's slice validation rules (its SliceIpam webhook), one code per rule.
  SLICE_SUBNET_EMPTY: { status: 400, title: 'Slice subnet missing' },
  SLICE_SUBNET_IPV6: { status: 400, title: 'IPv6 slice subnet' },
  SLICE_SUBNET_NOT_PRIVATE: { status: 400, title: 'Slice subnet not private' },
  SLICE_SUBNET_TOO_SMALL: { status: 400, title: 'Slice subnet too small' },
  SLICE_SUBNET_TOO_LARGE: { status: 400, title: 'Slice subnet too large' },
  SUBNET_SIZE_INVALID: { status: 400, title: 'Subnet size out of range' },
  SUBNET_SIZE_TOO_SMALL: { status: 400, title: 'Subnet size not longer than the slice prefix' },
  GRACE_PERIOD_INVALID: { status: 400, title: 'Grace period out of range' },

  // Things that do not exist.
  POOL_NOT_FOUND: { status: 404, title: 'Pool not found' },
  ALLOCATION_NOT_FOUND: { status: 404, title: 'Allocation not found' },

  // Requests that conflict with the state. Nothing was changed.
  POOL_EXISTS: { status: 409, title: 'Pool already exists' },
  POOL_OVERLAP: { status: 409, title: 'Pools overlap' },
  SLICE_SUBNET_CONFLICT: { status: 409, title: 'Slice subnet already used in this namespace' },
  POOL_IN_USE: { status: 409, title: 'Pool still in use' },
  POOL_EXHAUSTED: { status: 409, title: 'No free block left' },
  CIDR_UNAVAILABLE: { status: 409, title: 'Requested block is taken' },
  RESERVED_ADDRESS: { status: 409, title: 'Address is reserved' },
  OWNER_CONFLICT: { status: 409, title: 'Owner already holds a different block' },
  // A pool, slice or client address made by another stack (or CLI user, or token): not adopted,
  // changed or deleted unless the request opts in to sharing it.
  CREATOR_MISMATCH: { status: 409, title: 'Held by another creator' },
  // Pool policy (model/policy.ts): a pool's allocation rules and quotas refuse the request; the
  // message names the rule or quota and the pool. A pool selector no pool matches.
  POLICY_PREFIX_LENGTH: { status: 422, title: "Block size outside the pool's allocation rules" },
  POLICY_LABEL_MISSING: { status: 422, title: 'Claim lacks a label the pool requires' },
  POLICY_CREATOR_NOT_ALLOWED: { status: 422, title: 'Creator may not allocate from this pool' },
  QUOTA_EXCEEDED: { status: 409, title: 'Quota exceeded' },
  NO_MATCHING_POOL: { status: 404, title: 'No pool matches the selector' },
  // A Pulumi resource recorded in another backend instance than the one the provider talks to.
  BACKEND_MISMATCH: { status: 409, title: 'Resource is held by another backend' },

  // The HTTP service (provider/src/server): requests refused before they reach the engine.
  // Each is a 4xx with a code, never a 500, and never changes state.
  MALFORMED_JSON: { status: 400, title: 'Request body is not JSON' },
  UNAUTHORIZED: { status: 401, title: 'Missing or unknown bearer token' },
  FORBIDDEN: { status: 403, title: 'Token not allowed to do this' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed on this route' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Request body must be application/json' },
  // HTTP framing, answered by the service itself where Node lets it answer at all.
  MALFORMED_REQUEST: { status: 400, title: 'Request is not valid HTTP/1.1' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request not received in time' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  // The client closed the connection before its request was whole: nobody reads the answer, but
  // the log and the metrics must say it was the client, not count it as a failure of the service.
  REQUEST_ABORTED: { status: 400, title: 'Request cut off by the client' },
  // A bug, not a refusal: logged in full by the service, shown to the caller without details.
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },

  // The configuration a process starts with (flags, files, environment): tokens, TLS
  // certificate, listen address, kubeconfig. Fixed by whoever starts it, never by retrying; the
  // CLI exits 2. 500 if it ever reaches a client: the fault is on the server's side.
  CONFIG_INVALID: { status: 500, title: 'Invalid configuration' },

  // The state backend.
  CONTENTION: { status: 503, title: 'Too much contention' },
  STORE_UNAVAILABLE: { status: 503, title: 'State backend unavailable' },
  // Rows the backend holds contradict each other (two holders of one block): nothing is decided
  // on such a space until a person repairs it; `ipam check` lists what is wrong.
  STATE_CORRUPTED: { status: 500, title: 'Stored state is inconsistent' },
  LEDGER_TOO_LARGE: { status: 507, title: 'Address space ledger too large' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export class IpamError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The input field the error is about, when there is one (e.g. "cidr", "prefixLength"). */
  readonly field?: string;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'IpamError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.field = field;
  }

  toJSON(): { code: ErrorCode; message: string; field?: string } {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export function isIpamError(e: unknown): e is IpamError {
  return e instanceof IpamError;
}

/**
 * Characters that must never reach a terminal from user input: controls (C0, DEL and C1, whose
 * U+009B is the terminal's CSI), invisible formatting (bidi overrides and isolates, zero-width
 * spaces and joiners, the byte order mark), line and paragraph separators, lone surrogates.
 * Each can rewrite a terminal line or make one key look like another.
 */
export const UNSAFE_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const UNSAFE_CHARACTERS = new RegExp(UNSAFE_CHARACTER.source, 'gu');

/** "U+202E": how a message names a character a person cannot see. */
export function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A value a user gave, quoted for an error message: JSON, with every unsafe character escaped
 * as \uXXXX, so a refusal never carries a terminal escape or a bidi override to the screen.
 */
export function quote(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value); // a bigint or a cycle: JSON cannot write it
  }
  return escapeUnsafe(json);
}

/**
 * Text for a terminal: every unsafe character but the line feed written as \uXXXX (per UTF-16
 * unit, as JSON writes them, so JSON text stays the same JSON). For output built from stored
 * data, which may predate the input rules or come from another tool.
 */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (c) =>
    c === '\n' ? c : [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

/** Rebuilds an IpamError that crossed a process boundary (HTTP, child process) as JSON. */
export function ipamErrorFromJSON(body: unknown): IpamError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { code, message, field } = body as Record<string, unknown>;
  if (typeof code !== 'string' || !(code in ERROR_CATALOGUE) || typeof message !== 'string') return undefined;
  return new IpamError(code as ErrorCode, message, typeof field === 'string' ? field : undefined);
}
