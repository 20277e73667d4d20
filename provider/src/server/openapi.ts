import { z } from 'zod';
import { ERROR_CATALOGUE, ERROR_CODES } from '../errors';
import { Route } from './route';
import { problemSchema } from './schemas';

/**
 * The OpenAPI 3.1 document of the service, generated from the route table and its zod schemas:
 * the very schemas that validate requests, so the document cannot say one thing while the
 * service checks another. Built once per process.
 */
export function openApiDocument(routes: Route[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  for (const [path, summary, type] of OPERATIONS_ENDPOINTS) {
    paths[path] = {
      get: {
        operationId: path.slice(1).replace(/[^a-z]/g, ''),
        summary,
        security: path === '/metrics' ? [{ bearer: [] }] : [],
        responses: { 200: { description: summary, content: { [type]: {} } } },
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
        Problem: jsonSchema(problemSchema),
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

const OPERATIONS_ENDPOINTS: [string, string, string][] = [
  ['/healthz', 'The process is up', 'application/json'],
  ['/readyz', 'The state backend answers (503 STORE_UNAVAILABLE when not)', 'application/json'],
  ['/metrics', 'Prometheus metrics (needs a token when auth is on)', 'text/plain'],
  ['/openapi.json', 'This document', 'application/json'],
];

function operation(route: Route): object {
  const parameters = [
    ...objectFields(route.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
    ...objectFields(route.query).map(([name, schema, required]) => ({ name, in: 'query', required, schema })),
  ];
  const problem = { description: 'Refused; nothing was changed', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `Token scope: ${route.scope === 'write' ? 'read-write' : 'read'}.`,
    parameters,
    ...(route.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }),
    responses: {
      [route.status]: route.status === 204 ? { description: 'Done' } : { description: 'OK', content: { 'application/json': {} } },
      '4XX': problem,
      '5XX': problem,
    },
  };
}

/** [name, JSON schema, required] of each field of a zod object schema. */
function objectFields(schema: z.ZodType): [string, object, boolean][] {
  const json = jsonSchema(schema) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, field]) => [name, field, (json.required ?? []).includes(name)]);
}

function jsonSchema(schema: z.ZodType): object {
  // io "input": what a client sends (a query "limit" is a string of digits before it becomes a number).
  const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  void $schema;
  return rest;
}
