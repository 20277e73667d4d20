import { z } from 'zod';
import { IpamApi } from '../model/api';

/**
 * One route of the HTTP API: method, path, the scope a token needs, and the zod schemas of its
 * path parameters, query and body (validated by the server, described by the OpenAPI document).
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Scope = 'read' | 'write';
/** What the metrics count and time; absent for routes that are not allocations or releases. */
export type Operation = 'allocate' | 'release';

export interface Route<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: Method;
  /** Path pattern with {name} parameters, as OpenAPI writes it. */
  path: string;
  operationId: string;
  summary: string;
  scope: Scope;
  params: z.ZodType<P>;
  query: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** 200 with the result as JSON, or 204 with no body (deletes). */
  status: 200 | 204;
  /** The shape of the result of a 200 (the OpenAPI document's response schema); none for a 204. */
  response?: z.ZodType<R>;
  operation?: Operation;
  handle(api: IpamApi, request: { params: P; query: Q; body: B }): Promise<R>;
}

// Keeps each route's parameter and result types tied to its schemas, then erases them for the table.
export function route<P, Q, B = undefined, R = void>(definition: Route<P, Q, B, R>): Route {
  return definition as unknown as Route;
}
