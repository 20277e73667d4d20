import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ConsistencyReport } from '../allocator/consistency';
import { checkName, checkOwner, checkSpace } from '../engine/validate';
import { IpamError, ipamErrorFromJSON } from '../errors';
import {
  AllocateInput,
  AllocationInfo,
  Availability,
  AvailabilityInput,
  CreatePoolInput,
  FindResult,
  IpamApi,
  OwnerRef,
  PoolInfo,
  PoolRef,
  SliceInfo,
  SliceInput,
  SliceRef,
  UpdatePoolInput,
} from '../model/api';
import { AuditEvent } from '../model/records';

export interface HttpIpamOptions {
  /** Base URL of the service, e.g. https://ipam.example.net:8443 */
  server: string;
  token?: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Extra attempts after the first, on connection errors, timeouts and 5xx answers. */
  retries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Extra CA certificate(s) to trust for https (NODE_EXTRA_CA_CERTS works too). */
  ca?: string | Buffer;
}

/** A status and its body: parsed JSON, the text when it is not JSON, undefined when empty. */
interface Answer {
  status: number;
  body: unknown;
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: object;
  /** A 404 with this code on a retried attempt means an earlier attempt did the job (deletes). */
  doneIfRetryFinds?: string;
}

/**
 * IpamApi over the HTTP IPAM service. The server runs the same engine, so callers see the
 * same results and the same typed errors (rebuilt from the problem+json body: same code, same
 * message) as in process.
 *
 * Failures of the connection (refused, reset, timed out) and 5xx answers are retried a bounded
 * number of times with full-jitter exponential backoff. That is safe for every operation:
 * allocations are idempotent by owner key, creates return what exists when the definition is
 * the same, releases of a released owner change nothing, and a delete retried after it already
 * happened counts as done. 4xx answers are final.
 */
export class HttpIpam implements IpamApi {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(private readonly options: HttpIpamOptions) {
    // Keep-alive: one connection per concurrent caller, reused for every request after it.
    this.httpAgent = new HttpAgent({ keepAlive: true });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, ca: options.ca });
    this.base = options.server.replace(/\/+$/, '');
    this.headers = options.token === undefined ? { accept: 'application/json' } : { accept: 'application/json', authorization: `Bearer ${options.token}` };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 4;
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 2_000;
  }

  async createPool(input: CreatePoolInput): Promise<PoolInfo> {
    const { space, ...body } = input;
    return this.call({ method: 'POST', path: `/v1/spaces/${seg(checkSpace(space))}/pools`, body });
  }

  async updatePool(input: UpdatePoolInput): Promise<PoolInfo> {
    const { space, pool, ...body } = input;
    return this.call({ method: 'PATCH', path: poolPath({ space, pool }), body });
  }

  async deletePool(ref: PoolRef): Promise<void> {
    await this.call({ method: 'DELETE', path: poolPath(ref), doneIfRetryFinds: 'POOL_NOT_FOUND' });
  }

  async getPool(ref: PoolRef & { prefixLength?: number }): Promise<PoolInfo> {
    return this.call({ method: 'GET', path: poolPath(ref), query: { prefixLength: ref.prefixLength } });
  }

  async listPools(filter: { space?: string } = {}): Promise<PoolInfo[]> {
    const path = filter.space === undefined ? '/v1/pools' : `/v1/spaces/${seg(checkSpace(filter.space))}/pools`;
    return this.call({ method: 'GET', path });
  }

  async allocate(input: AllocateInput): Promise<AllocationInfo> {
    const { space, pool, owner, ...body } = input;
    return this.call({ method: 'PUT', path: ownerPath({ space, pool, owner }), body });
  }

  async release(input: OwnerRef): Promise<AllocationInfo> {
    return this.call({ method: 'POST', path: `${ownerPath(input)}/release` });
  }

  async getAllocation(input: OwnerRef): Promise<AllocationInfo | undefined> {
    try {
      return await this.call<AllocationInfo>({ method: 'GET', path: ownerPath(input) });
    } catch (e) {
      if (e instanceof IpamError && e.code === 'ALLOCATION_NOT_FOUND') return undefined;
      throw e;
    }
  }

  async listAllocations(ref: PoolRef): Promise<AllocationInfo[]> {
    return this.call({ method: 'GET', path: `${poolPath(ref)}/allocations` });
  }

  async isAvailable(input: AvailabilityInput): Promise<Availability> {
    return this.call({ method: 'GET', path: `${poolPath(input)}/availability`, query: { cidr: input.cidr } });
  }

  async find(input: { ip: string; space?: string }): Promise<FindResult[]> {
    return this.call({ method: 'GET', path: '/v1/find', query: { ip: input.ip, space: input.space } });
  }

  async check(ref: PoolRef): Promise<ConsistencyReport> {
    return this.call({ method: 'GET', path: `${poolPath(ref)}/check` });
  }

  async listAudit(ref: PoolRef & { limit?: number }): Promise<AuditEvent[]> {
    return this.call({ method: 'GET', path: `${poolPath(ref)}/audit`, query: { limit: ref.limit } });
  }

  async syncSlice(input: SliceInput): Promise<SliceInfo> {
    const { namespace, name, ...body } = input;
    return this.call({ method: 'PUT', path: slicePath({ namespace, name }), body });
  }

  async getSlice(ref: SliceRef): Promise<SliceInfo> {
    return this.call({ method: 'GET', path: slicePath(ref) });
  }

  async deleteSlice(ref: SliceRef): Promise<void> {
    await this.call({ method: 'DELETE', path: slicePath(ref), doneIfRetryFinds: 'POOL_NOT_FOUND' });
  }

  async close(): Promise<void> {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async call<T>(call: Call): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retries;
      let response: Answer;
      try {
        response = await this.send(call);
      } catch (e) {
        // No answer at all (refused, reset, timed out, TLS refused): worth another attempt.
        if (!last) {
          await this.backoff(attempt);
          continue;
        }
        throw this.unreachable(e);
      }
      if (response.status < 300) return response.body as T;
      if (response.status >= 500 && !last) {
        await this.backoff(attempt);
        continue;
      }
      const error =
        ipamErrorFromJSON(response.body) ??
        new IpamError(
          response.status >= 500 ? 'STORE_UNAVAILABLE' : 'INVALID_INPUT',
          `server: ${this.options.server} answered ${call.method} ${call.path} with HTTP ${response.status} and no problem details; is it an ipam service?`,
          'server',
        );
      if (attempt > 0 && error.code === call.doneIfRetryFinds) return undefined as T;
      throw error;
    }
  }

  /**
   * One attempt with node:http(s) directly: the JSON body out, the status and body back.
   * Rejects only when there is no complete answer; the timeout is per attempt, counted while
   * the connection is idle (as a socket timeout), and fails with ECONNABORTED.
   */
  private send(call: Call): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${this.base}${call.path}${queryString(call.query)}`);
      const body = call.body === undefined ? undefined : JSON.stringify(call.body);
      const headers: Record<string, string | number> = { ...this.headers };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const https = url.protocol === 'https:';
      const request = (https ? httpsRequest : httpRequest)(
        url,
        { method: call.method, headers, agent: https ? this.httpsAgent : this.httpAgent },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) }));
        },
      );
      request.setTimeout(this.timeoutMs, () =>
        request.destroy(Object.assign(new Error(`timeout of ${this.timeoutMs}ms exceeded`), { code: 'ECONNABORTED' })),
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  private backoff(attempt: number): Promise<void> {
    const cap = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt);
    return new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
  }

  private unreachable(e: unknown): IpamError {
    const code = (e as { code?: unknown } | null)?.code;
    const reason = typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
    return new IpamError('STORE_UNAVAILABLE', `server: cannot reach the IPAM service at ${this.options.server} (${reason}) after ${this.retries + 1} attempts`, 'server');
  }
}

// Path parameters are checked here with the engine's own rules, so a bad name fails with the
// same message as in process instead of becoming a path the server cannot route.
const seg = encodeURIComponent;
const poolPath = (ref: PoolRef): string => `/v1/spaces/${seg(checkSpace(ref.space))}/pools/${seg(checkName(ref.pool, 'pool'))}`;
const ownerPath = (ref: OwnerRef): string => `${poolPath(ref)}/allocations/${seg(checkOwner(ref.owner))}`;
const slicePath = (ref: SliceRef): string => `/v1/namespaces/${seg(checkSpace(ref.namespace, 'namespace'))}/slices/${seg(checkName(ref.name, 'name'))}`;

/** "?a=1&b=x" of the defined entries, or "" when there are none. */
function queryString(query: Call['query']): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The body as JSON when it parses, else the text itself (a proxy's HTML page), undefined when empty. */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
