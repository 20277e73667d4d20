import { jitteredBackoff } from '../backoff';
import axios, { AxiosInstance, isAxiosError } from 'axios';
import { withTraceContext } from './trace-context';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ConsistencyReport } from '../model/reports';
import { checkName, checkOwner, checkSpace } from '../model/validate';
import { IpamError, errors, ipamErrorFromJSON } from '../errors';
import {
  ActingFor,
  AllocateInput,
  AllocationInfo,
  Availability,
  AvailabilityInput,
  BackendInfo,
  CreatePoolInput,
  FindResult,
  IpamApi,
  OwnerRef,
  PoolInfo,
  PoolRef,
  SelectorAllocateInput,
  SliceInfo,
  SliceInput,
  SliceRef,
  UpdatePoolInput,
} from '../model/api';
import { ImportInput } from '../model/import';
import { ImportResult } from '../model/import-result';
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
  private readonly http: AxiosInstance;
  private readonly agents: (HttpAgent | HttpsAgent)[];
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(private readonly options: HttpIpamOptions) {
    const httpAgent = new HttpAgent({ keepAlive: true });
    const httpsAgent = new HttpsAgent({ keepAlive: true, ca: options.ca });
    this.agents = [httpAgent, httpsAgent];
    this.retries = options.retries ?? 4;
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 2_000;
    this.http = axios.create({
      baseURL: options.server.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? 30_000,
      httpAgent,
      httpsAgent,
      maxRedirects: 0,
      proxy: false,
      validateStatus: () => true,
      headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
    });
  }

  async createPool(input: CreatePoolInput): Promise<PoolInfo> {
    const { space, ...body } = input;
    return this.call({ method: 'POST', path: `/v1/spaces/${seg(checkSpace(space))}/pools`, body });
  }

  async updatePool(input: UpdatePoolInput): Promise<PoolInfo> {
    const { space, pool, ...body } = input;
    return this.call({ method: 'PATCH', path: poolPath({ space, pool }), body });
  }

  async deletePool(ref: PoolRef & ActingFor): Promise<void> {
    await this.call({ method: 'DELETE', path: poolPath(ref), query: { creator: ref.creator }, doneIfRetryFinds: 'POOL_NOT_FOUND' });
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

  async allocateBySelector(input: SelectorAllocateInput): Promise<AllocationInfo> {
    const { space, owner, ...body } = input;
    return this.call({ method: 'PUT', path: `/v1/spaces/${seg(checkSpace(space))}/allocations/${seg(checkOwner(owner))}`, body });
  }

  async release(input: OwnerRef & ActingFor): Promise<AllocationInfo> {
    return this.call({ method: 'POST', path: `${ownerPath(input)}/release`, query: { creator: input.creator } });
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

  /** One request per call: the caller (ipam import) sends rows in batches that fit the service's --max-body. */
  async importRecords(input: ImportInput): Promise<ImportResult> {
    const { space, ...body } = input;
    return this.call({ method: 'POST', path: `/v1/spaces/${seg(checkSpace(space))}/import`, body });
  }

  async syncSlice(input: SliceInput): Promise<SliceInfo> {
    const { namespace, name, ...body } = input;
    return this.call({ method: 'PUT', path: slicePath({ namespace, name }), body });
  }

  async getSlice(ref: SliceRef): Promise<SliceInfo> {
    return this.call({ method: 'GET', path: slicePath(ref) });
  }

  async deleteSlice(ref: SliceRef & ActingFor): Promise<void> {
    await this.call({ method: 'DELETE', path: slicePath(ref), query: { creator: ref.creator }, doneIfRetryFinds: 'POOL_NOT_FOUND' });
  }

  /** The service's store, as the service names it; the location is the service itself. */
  async backend(ref: { space?: string }): Promise<BackendInfo> {
    const info = await this.call<BackendInfo>({ method: 'GET', path: '/v1/backend', query: { space: checkSpace(ref.space) } });
    return { id: info.id, kind: info.kind, location: `the IPAM service at ${this.options.server} (${info.kind})` };
  }

  async close(): Promise<void> {
    for (const agent of this.agents) agent.destroy();
  }

  private async call<T>(call: Call): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retries;
      let response;
      try {
        response = await this.http.request({
          method: call.method,
          url: call.path,
          params: definedOnly(call.query),
          // Serialised here, not by axios: its object handling drops a "__proto__" key, which
          // the service must see to refuse it by name (labels.__proto__) like the engine does.
          data: call.body === undefined ? undefined : JSON.stringify(call.body),
          headers: withTraceContext(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        });
      } catch (e) {
        if (!last && isAxiosError(e) && e.response === undefined) {
          await this.backoff(attempt);
          continue;
        }
        throw this.unreachable(e);
      }
      if (response.status < 300) return response.data as T;
      if (response.status >= 500 && !last) {
        await this.backoff(attempt);
        continue;
      }
      const answer = { case: 'no-problem-details' as const, server: this.options.server, method: call.method, path: call.path, status: response.status };
      const error =
        ipamErrorFromJSON(response.data) ?? (response.status >= 500 ? errors.STORE_UNAVAILABLE(answer) : errors.INVALID_INPUT(answer));
      if (attempt > 0 && error.code === call.doneIfRetryFinds) return undefined as T;
      throw error;
    }
  }

  private backoff(attempt: number): Promise<void> {
    const delay = jitteredBackoff(attempt, { baseMs: this.retryBaseMs, maxMs: this.retryMaxMs });
    return new Promise((resolve) => setTimeout(resolve, delay));
  }

  private unreachable(e: unknown): IpamError {
    const reason = isAxiosError(e) ? (e.code ?? e.message) : e instanceof Error ? e.message : String(e);
    return errors.STORE_UNAVAILABLE({ case: 'service-unreachable', server: this.options.server, cause: reason, attempts: this.retries + 1 });
  }
}

// Path parameters are checked here with the engine's own rules, so a bad name fails with the
// same message as in process instead of becoming a path the server cannot route.
const seg = encodeURIComponent;
const poolPath = (ref: PoolRef): string => `/v1/spaces/${seg(checkSpace(ref.space))}/pools/${seg(checkName(ref.pool, 'pool'))}`;
const ownerPath = (ref: OwnerRef): string => `${poolPath(ref)}/allocations/${seg(checkOwner(ref.owner))}`;
const slicePath = (ref: SliceRef): string => `/v1/namespaces/${seg(checkSpace(ref.namespace, 'namespace'))}/slices/${seg(checkName(ref.name, 'name'))}`;

function definedOnly(query: Call['query']): Record<string, string | number> | undefined {
  if (query === undefined) return undefined;
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string | number>;
}
