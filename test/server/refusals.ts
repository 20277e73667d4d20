/**
 * Requests the service must refuse, one per error code it can answer, each with the exact
 * status, code and message a user sees. The fixture (api.test.ts) holds, in space "default":
 * pool "net" 10.0.0.0/16 (default /24) with owner "web" on 10.0.0.0/24, pool "tiny"
 * 10.9.0.0/30 (gateway 10.9.0.1) whose one host 10.9.0.2 is held by "only", and in namespace
 * "kubeslice" the slice "blue" 10.1.0.0/16 /24 with cluster "c1".
 */
import { READER } from '../support/http-service';
import { RequestOptions } from './request';

export interface Refusal {
  title: string;
  method: string;
  path: string;
  options?: RequestOptions;
  status: number;
  code: string;
  message: string;
}

const NET = '/v1/spaces/default/pools/net';
const BLUE = '/v1/namespaces/kubeslice/slices/blue';
const slice = (body: object) => ({ body: { sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: ['c1'], ...body } });

export const REFUSALS: Refusal[] = [
  // Authentication and authorisation.
  { title: 'no token', method: 'GET', path: '/v1/pools', options: { token: null }, status: 401, code: 'UNAUTHORIZED', message: 'authorization: send the header "Authorization: Bearer <token>"' },
  { title: 'an unknown token', method: 'PUT', path: `${NET}/allocations/x`, options: { token: 'not-a-token-of-this-service' }, status: 401, code: 'UNAUTHORIZED', message: 'authorization: the bearer token is not one this service knows' },
  { title: 'a read token on a write route', method: 'PUT', path: `${NET}/allocations/x`, options: { token: READER.token }, status: 403, code: 'FORBIDDEN', message: 'authorization: token "dashboard" has scope "read"; this request changes state and needs "read-write"' },
  { title: 'a read token cannot delete a pool', method: 'DELETE', path: '/v1/spaces/default/pools/tiny', options: { token: READER.token }, status: 403, code: 'FORBIDDEN', message: 'authorization: token "dashboard" has scope "read"; this request changes state and needs "read-write"' },
  // Routing.
  { title: 'an unknown route', method: 'GET', path: '/v2/pools', status: 404, code: 'ROUTE_NOT_FOUND', message: 'path: "/v2/pools" is not a route of this service; see /openapi.json' },
  { title: 'a route one level too deep', method: 'GET', path: `${NET}/allocations/web/extra`, status: 404, code: 'ROUTE_NOT_FOUND', message: 'path: "/v1/spaces/default/pools/net/allocations/web/extra" is not a route of this service; see /openapi.json' },
  { title: 'a method the route does not have', method: 'DELETE', path: `${NET}/allocations/web`, status: 405, code: 'METHOD_NOT_ALLOWED', message: 'method: DELETE is not allowed on /v1/spaces/default/pools/net/allocations/web; use PUT or GET' },
  { title: 'POST on /healthz', method: 'POST', path: '/healthz', status: 405, code: 'METHOD_NOT_ALLOWED', message: 'method: POST is not allowed on /healthz; use GET' },
  // Bodies.
  { title: 'a body over the limit', method: 'PUT', path: `${NET}/allocations/x`, options: { body: { description: 'x'.repeat(70_000) } }, status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'body: larger than the limit of 65536 bytes' },
  { title: 'a body that is not JSON by content type', method: 'PUT', path: `${NET}/allocations/x`, options: { raw: 'prefixLength=24', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type: "application/x-www-form-urlencoded" is not accepted; send the body as application/json' },
  { title: 'malformed JSON', method: 'PUT', path: `${NET}/allocations/x`, options: { raw: '{"prefixLength":', headers: { 'content-type': 'application/json' } }, status: 400, code: 'MALFORMED_JSON', message: 'body: not valid JSON; send one JSON value, e.g. {"prefixLength": 24}' },
  { title: 'a wrong type', method: 'PUT', path: `${NET}/allocations/x`, options: { body: { prefixLength: '24' } }, status: 400, code: 'INVALID_INPUT', message: 'prefixLength: expected number, received string' },
  { title: 'a fraction where a whole number is due', method: 'PUT', path: `${NET}/allocations/x`, options: { body: { prefixLength: 24.5 } }, status: 400, code: 'INVALID_INPUT', message: 'prefixLength: expected int, received number' },
  { title: 'a misspelt field', method: 'PUT', path: `${NET}/allocations/x`, options: { body: { prefixlength: 24 } }, status: 400, code: 'INVALID_INPUT', message: 'prefixlength: unknown field; body fields are: kind, prefixLength, cidr, address, prefer, description, labels' },
  { title: 'a JSON array as body', method: 'POST', path: '/v1/spaces/default/pools', options: { body: ['net'] }, status: 400, code: 'INVALID_INPUT', message: 'body: expected object, received array' },
  { title: 'a missing required field', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { cidr: '10.50.0.0/16' } }, status: 400, code: 'INVALID_INPUT', message: 'name: expected string, received undefined' },
  { title: 'a body on a route that takes none', method: 'POST', path: `${NET}/allocations/web/release`, options: { body: {} }, status: 400, code: 'INVALID_INPUT', message: 'body: POST /v1/spaces/{space}/pools/{pool}/allocations/{owner}/release takes no body' },
  { title: 'an unknown query parameter', method: 'GET', path: '/v1/pools?spaces=default', status: 400, code: 'INVALID_INPUT', message: 'spaces: unknown field; query fields are: space' },
  { title: 'a query number that is not one', method: 'GET', path: `${NET}/audit?limit=ten`, status: 400, code: 'INVALID_INPUT', message: 'limit: give a whole number' },
  { title: 'a missing query parameter', method: 'GET', path: `${NET}/availability`, status: 400, code: 'INVALID_INPUT', message: 'cidr: expected string, received undefined' },
  { title: 'bad percent-encoding in the path', method: 'GET', path: `${NET}/allocations/%E0%A4%A`, status: 400, code: 'INVALID_INPUT', message: 'owner: "%E0%A4%A" is not valid percent-encoding' },
  { title: 'an invalid space name', method: 'GET', path: '/v1/spaces/Not_A_Space/pools', status: 400, code: 'INVALID_INPUT', message: 'space: "Not_A_Space" is not a valid address space name; use 1 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit' },
  // The engine's refusals, carried unchanged.
  { title: 'an unknown pool', method: 'PUT', path: '/v1/spaces/default/pools/nope/allocations/x', status: 404, code: 'POOL_NOT_FOUND', message: 'pool: no pool "nope" in address space "default"; list pools with `ipam pool list`' },
  { title: 'an owner without allocation', method: 'GET', path: `${NET}/allocations/ghost`, status: 404, code: 'ALLOCATION_NOT_FOUND', message: 'owner: pool "net" has no allocation for owner "ghost"; list them with `ipam allocations net`' },
  { title: 'releasing an owner without allocation', method: 'POST', path: `${NET}/allocations/ghost/release`, status: 404, code: 'ALLOCATION_NOT_FOUND', message: 'owner: pool "net" has no allocation for owner "ghost"; list them with `ipam allocations net`' },
  { title: 'a CIDR that is no CIDR', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { name: 'bad', cidr: '10.0.0.0/33' } }, status: 400, code: 'INVALID_CIDR', message: 'cidr: "10.0.0.0/33" has prefix /33, but IPv4 prefixes go from /0 to /32' },
  { title: 'a CIDR with host bits set', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { name: 'bad', cidr: '10.60.2.3/16' } }, status: 400, code: 'INVALID_CIDR', message: 'cidr: "10.60.2.3/16" has host bits set; the network is 10.60.0.0/16' },
  { title: 'an address that is no address', method: 'GET', path: '/v1/find?ip=10.0.0.300', status: 400, code: 'INVALID_ADDRESS', message: 'ip: "10.0.0.300" is not an IPv4 or IPv6 address; write it like 10.0.0.5 or 2001:db8::5' },
  { title: 'a prefix longer than the pool allows', method: 'PUT', path: `${NET}/allocations/x`, options: { body: { prefixLength: 8 } }, status: 400, code: 'INVALID_PREFIX_LENGTH', message: 'prefixLength: /8 cannot be carved from pool "net" (10.0.0.0/16); choose between /16 and /32' },
  { title: 'an IPv6 block in an IPv4 pool', method: 'PUT', path: `${NET}/allocations/x`, options: { body: { cidr: 'fd00::/64' } }, status: 400, code: 'FAMILY_MISMATCH', message: 'cidr: fd00::/64 is IPv6, but pool "net" (10.0.0.0/16) is IPv4' },
  { title: 'a block outside the pool', method: 'PUT', path: `${NET}/allocations/x`, options: { body: { cidr: '10.1.0.0/24' } }, status: 400, code: 'OUTSIDE_POOL', message: 'cidr: 10.1.0.0/24 is outside pool "net" (10.0.0.0/16)' },
  { title: 'a pool name taken with another definition', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { name: 'net', cidr: '10.70.0.0/16' } }, status: 409, code: 'POOL_EXISTS', message: 'name: pool "net" already exists with 10.0.0.0/16 and a different definition; choose another name, or change it with `ipam pool update`' },
  { title: 'an overlapping pool', method: 'POST', path: '/v1/spaces/default/pools', options: { body: { name: 'other', cidr: '10.0.5.0/24' } }, status: 409, code: 'POOL_OVERLAP', message: 'cidr: 10.0.5.0/24 overlaps pool "net" (10.0.0.0/16) in address space "default"; choose a range that does not overlap, or nest it with parent "net"' },
  { title: 'deleting a pool in use', method: 'DELETE', path: NET, status: 409, code: 'POOL_IN_USE', message: 'pool "net" still has 1 live allocation(s): "web" (10.0.0.0/24); release them first' },
  { title: 'an exhausted pool', method: 'PUT', path: '/v1/spaces/default/pools/tiny/allocations/late', options: { body: { kind: 'host' } }, status: 409, code: 'POOL_EXHAUSTED', message: 'pool "tiny" (10.9.0.0/30): no available subnets: no free host address left; release an allocation or use a larger pool' },
  { title: 'a block someone holds', method: 'PUT', path: `${NET}/allocations/x`, options: { body: { cidr: '10.0.0.0/24' } }, status: 409, code: 'CIDR_UNAVAILABLE', message: 'cidr: 10.0.0.0/24 in pool "net" is held by owner "web" (10.0.0.0/24); choose another or omit it' },
  { title: 'the gateway address', method: 'PUT', path: '/v1/spaces/default/pools/tiny/allocations/gw', options: { body: { kind: 'host', address: '10.9.0.1' } }, status: 409, code: 'RESERVED_ADDRESS', message: 'address: 10.9.0.1 is the gateway of pool "tiny"; choose another' },
  { title: 'an owner asking for a different block', method: 'PUT', path: `${NET}/allocations/web`, options: { body: { cidr: '10.0.9.0/24' } }, status: 409, code: 'OWNER_CONFLICT', message: 'owner: "web" already holds 10.0.0.0/24 (prefix) in pool "net" and now asks for 10.0.9.0/24; release it first or use another owner key' },
  // Seed 000's slice rules.
  { title: 'an empty slice subnet', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '' }), status: 400, code: 'SLICE_SUBNET_EMPTY', message: 'sliceSubnet: slice subnet cannot be empty' },
  { title: 'an IPv6 slice subnet', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: 'fd00::/48' }), status: 400, code: 'SLICE_SUBNET_IPV6', message: 'sliceSubnet: only IPv4 subnets are supported (got fd00::/48)' },
  { title: 'a public slice subnet', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '8.8.0.0/16' }), status: 400, code: 'SLICE_SUBNET_NOT_PRIVATE', message: 'sliceSubnet: slice subnet must be from private IP ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) (got 8.8.0.0/16)' },
  { title: 'a slice subnet too small', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '10.2.0.0/30' }), status: 400, code: 'SLICE_SUBNET_TOO_SMALL', message: 'sliceSubnet: slice subnet is too small, minimum /28 required (got 10.2.0.0/30)' },
  { title: 'a slice subnet too large', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '10.0.0.0/7' }), status: 400, code: 'SLICE_SUBNET_TOO_LARGE', message: 'sliceSubnet: slice subnet is too large, maximum /8 allowed (got 10.0.0.0/7)' },
  { title: 'a subnet size out of range', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ subnetSize: 31 }), status: 400, code: 'SUBNET_SIZE_INVALID', message: 'subnetSize: subnetSize must be between 16 and 30 (got 31)' },
  { title: 'a subnet size not longer than the slice', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ subnetSize: 16 }), status: 400, code: 'SUBNET_SIZE_TOO_SMALL', message: 'subnetSize: subnetSize must be greater than slice subnet prefix (/16 is not longer than /16)' },
  { title: 'a grace period over 7 days', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ gracePeriodHours: 169 }), status: 400, code: 'GRACE_PERIOD_INVALID', message: 'gracePeriodHours: grace period must be a whole number of hours from 1 to 168; grace period cannot exceed 7 days (got 169)' },
  { title: 'a slice subnet another slice uses', method: 'PUT', path: '/v1/namespaces/kubeslice/slices/green', options: slice({ sliceSubnet: '10.1.0.0/16' }), status: 409, code: 'SLICE_SUBNET_CONFLICT', message: 'sliceSubnet: Invalid value: "10.1.0.0/16": CIDR pool conflicts with existing slice \'blue\'. Each Dynamic IPAM slice must have a unique sliceSubnet to prevent overlapping IP allocations' },
  { title: 'a slice that cannot change its subnet', method: 'PUT', path: BLUE, options: slice({ sliceSubnet: '10.3.0.0/16' }), status: 409, code: 'POOL_EXISTS', message: 'sliceSubnet: slice "blue" exists with sliceSubnet 10.1.0.0/16 and subnetSize 24; these cannot change, delete the slice and create it again' },
];
