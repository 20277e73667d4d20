import { z } from 'zod';
import { errors } from '../errors';
import { allocationInfoSchema, availabilitySchema, findResultSchema, poolInfoSchema, sliceInfoSchema } from '../model/outputs';
import { auditEventSchema } from '../model/records';
import { consistencyReportSchema } from '../model/reports';
import { importResultSchema } from '../model/import-result';
import {
  allocateBody,
  auditQuery,
  availabilityQuery,
  backendQuery,
  backendResponse,
  createPoolBody,
  creatorQuery,
  emptyQuery,
  findQuery,
  getPoolQuery,
  importBody,
  listPoolsQuery,
  noParams,
  ownerParams,
  poolParams,
  selectorAllocateBody,
  sliceParams,
  spaceOwnerParams,
  spaceParams,
  syncSliceBody,
  updatePoolBody,
} from './schemas';
import { Route, route } from './route';
import { VIEW_ROUTES } from './view-routes';

/**
 * The JSON API: one entry per IpamApi operation. Each route names its path, the token scope it
 * needs, and the zod schemas of its path parameters, query, body and result; the server
 * validates against them and the OpenAPI document is generated from them. Handlers only
 * translate the validated request into one IpamApi call: no decisions are made here.
 */
const POOL = '/v1/spaces/{space}/pools/{pool}';
const SLICE = '/v1/namespaces/{namespace}/slices/{name}';

export const ROUTES: Route[] = [
  route({
    method: 'GET', path: '/v1/backend', operationId: 'backend', summary: 'The id and kind of the store behind the service (per namespace on Kubernetes)',
    scope: 'read', params: noParams, query: backendQuery, status: 200, response: backendResponse,
    handle: async (api, { query }) => {
      const { id, kind } = await api.backend({ space: query.space });
      return { id, kind };
    },
  }),
  route({
    method: 'GET', path: '/v1/pools', operationId: 'listAllPools', summary: 'List the pools of every address space (or of ?space=)',
    scope: 'read', params: noParams, query: listPoolsQuery, status: 200, response: z.array(poolInfoSchema),
    handle: (api, { query }) => api.listPools({ space: query.space }),
  }),
  route({
    method: 'GET', path: '/v1/spaces/{space}/pools', operationId: 'listPools', summary: 'List the pools of an address space',
    scope: 'read', params: spaceParams, query: emptyQuery, status: 200, response: z.array(poolInfoSchema),
    handle: (api, { params }) => api.listPools({ space: params.space }),
  }),
  route({
    method: 'POST', path: '/v1/spaces/{space}/pools', operationId: 'createPool',
    summary: 'Create a pool (idempotent: the same definition returns the existing pool)',
    scope: 'write', params: spaceParams, query: emptyQuery, body: createPoolBody, status: 200, response: poolInfoSchema,
    handle: (api, { params, body }) => api.createPool({ ...body, space: params.space }),
  }),
  route({
    method: 'POST', path: '/v1/spaces/{space}/import', operationId: 'importRecords',
    summary: 'Bring in pools and allocations (ipam import): each row decided, refusals with their line; nothing written when one is refused unless skipInvalid',
    scope: 'write', params: spaceParams, query: emptyQuery, body: importBody, status: 200, response: importResultSchema,
    handle: (api, { params, body }) => api.importRecords({ ...body, space: params.space }),
  }),
  route({
    method: 'GET', path: POOL, operationId: 'getPool', summary: 'A pool with its statistics',
    scope: 'read', params: poolParams, query: getPoolQuery, status: 200, response: poolInfoSchema,
    handle: (api, { params, query }) => api.getPool({ ...params, prefixLength: query.prefixLength }),
  }),
  route({
    method: 'PATCH', path: POOL, operationId: 'updatePool', summary: 'Change what may change in place (never the CIDR or parent)',
    scope: 'write', params: poolParams, query: emptyQuery, body: updatePoolBody, status: 200, response: poolInfoSchema,
    handle: (api, { params, body }) => api.updatePool({ ...body, ...params }),
  }),
  route({
    method: 'DELETE', path: POOL, operationId: 'deletePool', summary: 'Delete a pool; refused while it has live allocations or child pools',
    scope: 'write', params: poolParams, query: creatorQuery, status: 204,
    handle: (api, { params, query }) => api.deletePool({ ...params, creator: query.creator }),
  }),
  route({
    method: 'GET', path: `${POOL}/allocations`, operationId: 'listAllocations', summary: 'The allocations of a pool, live and released',
    scope: 'read', params: poolParams, query: emptyQuery, status: 200, response: z.array(allocationInfoSchema),
    handle: (api, { params }) => api.listAllocations(params),
  }),
  route({
    method: 'PUT', path: `${POOL}/allocations/{owner}`, operationId: 'allocate',
    summary: 'Allocate a block or a host address for an owner (idempotent: the owner gets its block back)',
    scope: 'write', params: ownerParams, query: emptyQuery, body: allocateBody, status: 200, response: allocationInfoSchema, operation: 'allocate',
    handle: (api, { params, body }) => api.allocate({ ...body, ...params }),
  }),
  route({
    method: 'PUT', path: '/v1/spaces/{space}/allocations/{owner}', operationId: 'allocateBySelector',
    summary: "Allocate for an owner from a pool chosen by its labels (poolSelector); the answer's pool is the one chosen",
    scope: 'write', params: spaceOwnerParams, query: emptyQuery, body: selectorAllocateBody, status: 200, response: allocationInfoSchema, operation: 'allocate',
    handle: (api, { params, body }) => api.allocateBySelector({ ...body, ...params }),
  }),
  route({
    method: 'GET', path: `${POOL}/allocations/{owner}`, operationId: 'getAllocation', summary: "An owner's allocation",
    scope: 'read', params: ownerParams, query: emptyQuery, status: 200, response: allocationInfoSchema,
    handle: async (api, { params }) => {
      const found = await api.getAllocation(params);
      if (found === undefined) {
        // The same absence as a release of an unknown owner, in the same words.
        throw errors.ALLOCATION_NOT_FOUND({ case: 'owner', space: params.space, pool: params.pool, owner: params.owner });
      }
      return found;
    },
  }),
  route({
    method: 'POST', path: `${POOL}/allocations/{owner}/release`, operationId: 'release',
    summary: "Release an owner's allocation; its block is held for the owner during the grace period",
    scope: 'write', params: ownerParams, query: creatorQuery, status: 200, response: allocationInfoSchema, operation: 'release',
    handle: (api, { params, query }) => api.release({ ...params, creator: query.creator }),
  }),
  route({
    method: 'GET', path: `${POOL}/availability`, operationId: 'isAvailable', summary: 'Could a new owner get this block or address now?',
    scope: 'read', params: poolParams, query: availabilityQuery, status: 200, response: availabilitySchema,
    handle: (api, { params, query }) => api.isAvailable({ ...params, cidr: query.cidr }),
  }),
  route({
    method: 'GET', path: `${POOL}/check`, operationId: 'check', summary: 'Check the stored allocations for overlaps, duplicate owners and strays',
    scope: 'read', params: poolParams, query: emptyQuery, status: 200, response: consistencyReportSchema,
    handle: (api, { params }) => api.check(params),
  }),
  route({
    method: 'GET', path: `${POOL}/audit`, operationId: 'listAudit', summary: 'Who allocated and released what, newest first',
    scope: 'read', params: poolParams, query: auditQuery, status: 200, response: z.array(auditEventSchema),
    handle: (api, { params, query }) => api.listAudit({ ...params, limit: query.limit }),
  }),
  route({
    method: 'GET', path: '/v1/find', operationId: 'find', summary: 'Which pools hold an address, and which allocation',
    scope: 'read', params: noParams, query: findQuery, status: 200, response: z.array(findResultSchema),
    handle: (api, { query }) => api.find(query),
  }),
  route({
    method: 'PUT', path: SLICE, operationId: 'syncSlice',
    summary: 'Create or update a KubeSlice slice: listed clusters get subnets, others are released',
    scope: 'write', params: sliceParams, query: emptyQuery, body: syncSliceBody, status: 200, response: sliceInfoSchema,
    handle: (api, { params, body }) => api.syncSlice({ ...body, ...params }),
  }),
  route({
    method: 'GET', path: SLICE, operationId: 'getSlice', summary: 'A slice with its cluster subnets',
    scope: 'read', params: sliceParams, query: emptyQuery, status: 200, response: sliceInfoSchema,
    handle: (api, { params }) => api.getSlice(params),
  }),
  route({
    method: 'DELETE', path: SLICE, operationId: 'deleteSlice', summary: 'Delete a slice and all its cluster subnets',
    scope: 'write', params: sliceParams, query: creatorQuery, status: 204,
    handle: (api, { params, query }) => api.deleteSlice({ ...params, creator: query.creator }),
  }),
  ...VIEW_ROUTES,
];
