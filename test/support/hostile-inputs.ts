/**
 * Hostile inputs, as data: every face of pulumi-ipam (the `ipam` command, the HTTP API, the
 * Pulumi provider's check) must refuse each one with the same code, naming the same field, and
 * change nothing. Each row is an IpamApi operation with its input; a face translates it into
 * its own terms (a command line, a request, resource inputs) and runs it against the state that
 * HOSTILE_SETUP leaves. test/server/hostile-input.test.ts runs the table through the CLI and
 * the HTTP API.
 */
import { AllocateInput, CreatePoolInput, PoolRef, SliceInput, UpdatePoolInput } from '../../provider/src/model/api';
import { ErrorCode } from '../../provider/src/errors';

export type HostileOperation =
  | { operation: 'create pool'; input: CreatePoolInput }
  | { operation: 'update pool'; input: UpdatePoolInput }
  | { operation: 'allocate'; input: AllocateInput }
  | { operation: 'pool statistics'; input: PoolRef & { prefixLength: number } }
  | { operation: 'find'; input: { ip: string } }
  | { operation: 'slice sync'; input: SliceInput };

export type HostileInput = HostileOperation & {
  description: string;
  code: ErrorCode;
  /** The field the refusal names; its message starts with "<field>: ". */
  field: string;
};

/**
 * The state every row runs against, built through the face under test: in address space
 * "default" the pool "v4" 10.50.0.0/24 (default /28) with owner "web" on 10.50.0.0/28, and in
 * namespace "kubeslice" the slice "blue" 10.1.0.0/16 (/24 per cluster) with cluster "c1".
 */
export const HOSTILE_SETUP: HostileOperation[] = [
  { operation: 'create pool', input: { name: 'v4', cidr: '10.50.0.0/24', defaultPrefixLength: 28 } },
  { operation: 'allocate', input: { pool: 'v4', owner: 'web' } },
  { operation: 'slice sync', input: { namespace: 'kubeslice', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['c1'] } },
];

const blue = (clusters: string[]): SliceInput => ({ namespace: 'kubeslice', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters });

/** A label object holding the key "__proto__" as its own key, as JSON.parse gives it. */
const protoLabels = (): Record<string, string> => JSON.parse('{"__proto__": "x"}') as Record<string, string>;

export const HOSTILE_INPUTS: HostileInput[] = [
  // IPv6 that aliases IPv4: it would hand out 10.50.0.7 a second time, as ::ffff:a32:7.
  { description: 'an IPv4-mapped IPv6 pool beside its IPv4 twin', operation: 'create pool', input: { name: 'mapped', cidr: '::ffff:10.50.0.0/120' }, code: 'INVALID_CIDR', field: 'cidr' },
  { description: 'an IPv4-compatible IPv6 pool', operation: 'create pool', input: { name: 'compat', cidr: '::10.0.0.0/104' }, code: 'INVALID_CIDR', field: 'cidr' },
  { description: 'an IPv6 pool reaching into the IPv4 aliases', operation: 'create pool', input: { name: 'wide', cidr: '::/64' }, code: 'INVALID_CIDR', field: 'cidr' },
  { description: 'an IPv4-mapped block asked of an IPv4 pool', operation: 'allocate', input: { pool: 'v4', owner: 'db', cidr: '::ffff:10.50.0.16/124' }, code: 'INVALID_CIDR', field: 'cidr' },
  { description: 'an IPv4-mapped address asked of an IPv4 pool', operation: 'allocate', input: { pool: 'v4', owner: 'db', kind: 'host', address: '::ffff:10.50.0.7' }, code: 'INVALID_ADDRESS', field: 'address' },
  { description: 'a gateway written as an IPv4-mapped address', operation: 'create pool', input: { name: 'gw', cidr: '10.90.0.0/24', gateway: '::ffff:10.90.0.1' }, code: 'INVALID_ADDRESS', field: 'gateway' },
  { description: 'looking up an IPv4-mapped address', operation: 'find', input: { ip: '::ffff:10.50.0.7' }, code: 'INVALID_ADDRESS', field: 'ip' },
  // Text that reads two ways.
  { description: 'a prefix length with a leading zero', operation: 'allocate', input: { pool: 'v4', owner: 'db', cidr: '10.50.0.16/028' }, code: 'INVALID_CIDR', field: 'cidr' },
  { description: 'a reserved range with a third part', operation: 'update pool', input: { pool: 'v4', reserved: ['10.50.0.200-10.50.0.210-10.50.0.220'] }, code: 'INVALID_INPUT', field: 'reserved[0]' },
  // Names that Kubernetes refuses (an empty DNS label).
  { description: 'a pool name with an empty DNS label', operation: 'create pool', input: { name: 'a..b', cidr: '10.60.0.0/24' }, code: 'INVALID_INPUT', field: 'name' },
  { description: 'a pool name with "-" next to "."', operation: 'create pool', input: { name: 'a.-b', cidr: '10.60.0.0/24' }, code: 'INVALID_INPUT', field: 'name' },
  { description: 'a slice name with an empty DNS label', operation: 'slice sync', input: { ...blue(['c1']), name: 'red..x', sliceSubnet: '10.2.0.0/16' }, code: 'INVALID_INPUT', field: 'name' },
  // Owner keys and cluster names a terminal would render as something else.
  { description: 'an owner key with a C1 CSI (a terminal escape)', operation: 'allocate', input: { pool: 'v4', owner: 'x\u009b2J' }, code: 'INVALID_INPUT', field: 'owner' },
  { description: 'an owner key with a bidi override', operation: 'allocate', input: { pool: 'v4', owner: 'bew\u202e' }, code: 'INVALID_INPUT', field: 'owner' },
  { description: 'an owner key with a zero-width space, posing as "web"', operation: 'allocate', input: { pool: 'v4', owner: 'we\u200bb' }, code: 'INVALID_INPUT', field: 'owner' },
  { description: 'a cluster name with a bidi isolate', operation: 'slice sync', input: blue(['c1', '\u2066c2']), code: 'INVALID_INPUT', field: 'clusters[1]' },
  { description: 'a cluster name with a C1 control', operation: 'slice sync', input: blue(['c1\u0085']), code: 'INVALID_INPUT', field: 'clusters[0]' },
  { description: 'a pool description with a C1 CSI', operation: 'create pool', input: { name: 'described', cidr: '10.80.0.0/24', description: 'lab\u009b2J' }, code: 'INVALID_INPUT', field: 'description' },
  { description: 'a label value with a bidi override', operation: 'allocate', input: { pool: 'v4', owner: 'db', labels: { team: 'ten\u202e' } }, code: 'INVALID_INPUT', field: 'labels.team' },
  { description: 'a label key with a zero-width joiner', operation: 'update pool', input: { pool: 'v4', labels: { 'te\u200dam': 'net' } }, code: 'INVALID_INPUT', field: 'labels' },
  // Fields that were accepted and ignored, or answered about nothing.
  { description: 'statistics for a block size the pool cannot hold', operation: 'pool statistics', input: { pool: 'v4', prefixLength: 99 }, code: 'INVALID_PREFIX_LENGTH', field: 'prefixLength' },
  { description: 'a root pool given a prefixLength', operation: 'create pool', input: { name: 'root', cidr: '10.70.0.0/16', prefixLength: 24 }, code: 'INVALID_INPUT', field: 'prefixLength' },
  { description: 'a root pool given prefer', operation: 'create pool', input: { name: 'root', cidr: '10.70.0.0/16', prefer: '10.70.1.0/24' }, code: 'INVALID_INPUT', field: 'prefer' },
  { description: 'a root pool given an owner', operation: 'create pool', input: { name: 'root', cidr: '10.70.0.0/16', owner: 'team-a' }, code: 'INVALID_INPUT', field: 'owner' },
  { description: 'a child pool whose cidr and prefixLength disagree', operation: 'create pool', input: { name: 'child', parent: 'v4', cidr: '10.50.0.64/26', prefixLength: 27 }, code: 'INVALID_PREFIX_LENGTH', field: 'prefixLength' },
  { description: 'a label key "__proto__" on a pool', operation: 'create pool', input: { name: 'labelled', cidr: '10.80.0.0/24', labels: protoLabels() }, code: 'INVALID_INPUT', field: 'labels.__proto__' },
  { description: 'a label key "__proto__" on an allocation', operation: 'allocate', input: { pool: 'v4', owner: 'db', labels: protoLabels() }, code: 'INVALID_INPUT', field: 'labels.__proto__' },
];
