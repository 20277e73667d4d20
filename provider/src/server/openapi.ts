import { z } from 'zod';
import { ERROR_CATALOGUE, ERROR_CODES } from '../errors/catalogue';
import { NAMED_OUTPUTS } from '../model/outputs';
import { Route } from './route';
import { healthResponse, problemSchema, readyResponse } from './schemas';

/**
 * The OpenAPI 3.1 document of the service, generated from the route table and its zod schemas:
 * the very schemas that validate requests, and the zod descriptions of what each operation
 * returns (model/outputs.ts, whose types the engine's results have), so the document cannot say
 * one thing while the service checks or answers another. Built once per process.
 */
export function openApiDocument(routes: Route[], version: string): object {
  const results = responseSchemas(routes);
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, results.ofRoute.get(route));
  }
  for (const [path, summary, type, schema] of OPERATIONS_ENDPOINTS) {
    paths[path] = {
      get: {
        operationId: path.slice(1).replace(/[^a-z]/g, ''),
        summary,
        security: path === '/metrics' ? [{ bearer: [] }] : [],
        responses: {
          200: { description: summary, content: { [type]: schema === undefined ? {} : { schema: schema instanceof z.ZodType ? jsonSchema(schema, 'output') : schema } } },
          '4XX': PROBLEM,
          '5XX': PROBLEM,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'pulumi-ipam HTTP service',
      version,
      description:
        'IP address management over one shared store. Errors are application/problem+json with a `code` from the catalogue ' +
        '(components.schemas.ErrorCode) and a `message` naming the field. Tokens: "read" may call GET routes, "read-write" all.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ...results.components,
        ErrorCode: {
          type: 'string',
          enum: ERROR_CODES,
          description: ERROR_CODES.map((code) => `${code} (${ERROR_CATALOGUE[code].status}): ${ERROR_CATALOGUE[code].title}`).join('; '),
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

const OPERATIONS_ENDPOINTS: [string, string, string, (z.ZodType | object)?][] = [
  ['/healthz', 'The process is up', 'application/json', healthResponse],
  ['/readyz', 'The state backend answers (503 STORE_UNAVAILABLE when not)', 'application/json', readyResponse],
  ['/metrics', 'Prometheus metrics (needs a token when auth is on)', 'text/plain', { type: 'string' }],
  ['/openapi.json', 'This document', 'application/json', { type: 'object', description: 'an OpenAPI 3.1 document' }],
];

const PROBLEM = { description: 'Refused; nothing was changed', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

/**
 * The JSON Schemas of what the routes answer: the named result shapes (and the problem) as
 * components, referenced from wherever they occur; each route's own response schema, which is
 * a component's reference or (a list of them, a part of one) written in place.
 */
function responseSchemas(routes: Route[]): { components: Record<string, object>; ofRoute: Map<Route, object> } {
  const registry = z.registry<{ id: string }>();
  const named: [string, z.ZodType][] = [...Object.entries(NAMED_OUTPUTS), ['Problem', problemSchema]];
  for (const [id, schema] of named) registry.add(schema, { id });
  const componentIds = new Set(named.map(([id]) => id));
  const idOf = new Map<z.ZodType, string>();
  for (const route of routes) {
    if (route.response === undefined || idOf.has(route.response)) continue;
    const id = registry.get(route.response)?.id ?? `${route.operationId}Result`;
    if (!registry.has(route.response)) registry.add(route.response, { id });
    idOf.set(route.response, id);
  }
  const { schemas } = z.toJSONSchema(registry, { io: 'output', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  if ('__shared' in schemas) throw new Error('a result schema is reused without a name: give it one in model/outputs.ts NAMED_OUTPUTS');
  const plain = (id: string) => {
    const { $schema: _schema, $id: _id, ...rest } = schemas[id];
    return rest;
  };
  const components = Object.fromEntries([...componentIds].map((id) => [id, plain(id)]));
  const ofRoute = new Map<Route, object>();
  for (const route of routes) {
    if (route.response === undefined) continue;
    const id = idOf.get(route.response)!;
    ofRoute.set(route, componentIds.has(id) ? { $ref: `#/components/schemas/${id}` } : plain(id));
  }
  return { components, ofRoute };
}

function operation(route: Route, result: object | undefined): object {
  const parameters = [
    ...objectFields(route.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
    ...objectFields(route.query).map(([name, schema, required]) => ({ name, in: 'query', required, schema })),
  ];
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `Token scope: ${route.scope === 'write' ? 'read-write' : 'read'}.`,
    parameters,
    ...(route.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }),
    responses: {
      [route.status]: route.status === 204 ? { description: 'Done' } : { description: 'OK', content: { 'application/json': result === undefined ? {} : { schema: result } } },
      '4XX': PROBLEM,
      '5XX': PROBLEM,
    },
  };
}

/** [name, JSON schema, required] of each field of a zod object schema. */
function objectFields(schema: z.ZodType): [string, object, boolean][] {
  const json = jsonSchema(schema) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, field]) => [name, field, (json.required ?? []).includes(name)]);
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): object {
  // io "input": what a client sends (a query "limit" is a string of digits before it becomes a number).
  const { $schema, ...rest } = z.toJSONSchema(schema, { io }) as Record<string, unknown>;
  void $schema;
  return rest;
}
