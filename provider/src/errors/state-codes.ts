import { at, cases, entry, plain } from './define';
import { Holder, Subject, describe } from './subjects';
import { listSome } from './text';
import { TRANSFER_CASES } from './transfer-cases';

/** Acts a creator check refuses, and the way out that needs no sharing. */
export type CreatorAct = 'adopt' | 'change' | 'delete' | 'release';
export type Rename = 'client-id' | 'owner-key' | 'slice';
const RENAME: Record<Rename, string> = {
  'client-id': 'choose another clientId',
  'owner-key': 'choose another owner key',
  slice: 'give the slice another name or namespace',
};

/** The size asked for: a host address, or a block of a prefix length. */
export type Wanted = { kind: 'host' } | { kind: 'prefix'; prefixLength: number };
const wantedText = (w: Wanted) => (w.kind === 'host' ? 'host address' : `/${w.prefixLength}`);

/** A special address a host cannot have, by what it is. */
export type SpecialAddress = 'network' | 'Subnet-Router anycast' | 'broadcast';

export const STATE_CODES = {
  // Things that do not exist.
  POOL_NOT_FOUND: entry(
    404,
    'Pool not found',
    cases({
      pool: (p: { field: string; pool: string; space: string }) =>
        at(p.field, `no pool "${p.pool}" in address space "${p.space}"`, { kind: 'list-pools', space: p.space }),
      slice: (p: { slice: string; namespace: string }) =>
        at('name', `no slice "${p.slice}" in namespace "${p.namespace}"`, { kind: 'list-slices', namespace: p.namespace }),
      'not-a-slice': (p: { name: string; namespace: string }) => at('name', `"${p.name}" in namespace "${p.namespace}" is a pool, not a slice`),
      ...TRANSFER_CASES.POOL_NOT_FOUND,
    }),
  ),
  ALLOCATION_NOT_FOUND: entry(
    404,
    'Allocation not found',
    cases({
      owner: (p: { space: string; pool: string; owner: string }) =>
        at('owner', `pool "${p.pool}" has no allocation for owner "${p.owner}"`, { kind: 'list-allocations', space: p.space, pool: p.pool }),
      /** A Pulumi resource whose allocation the backend no longer holds. */
      gone: (p: { subject: Subject; field: string }) =>
        plain(
          `${describe(p.subject)} is gone from the backend; run \`pulumi refresh\`, then \`pulumi up\` ${p.subject.type === 'client-address' ? 'allocates' : 'claims'} it again`,
          p.field,
        ),
    }),
  ),

  // Requests that conflict with the state. Nothing was changed.
  POOL_EXISTS: entry(
    409,
    'Pool already exists',
    cases({
      pool: (p: { pool: string; cidr: string; parent?: string; space: string }) =>
        at(
          'name',
          `pool "${p.pool}" already exists with ${p.cidr}${p.parent === undefined ? '' : ` in parent "${p.parent}"`} and a different definition`,
          { kind: 'rename-or-update-pool', space: p.space, pool: p.pool },
        ),
      'slice-name': (p: { name: string }) => at('name', `a pool named "${p.name}" already exists in this namespace; give the slice another name`),
      'slice-fixed': (p: { field: 'sliceSubnet' | 'subnetSize'; name: string; cidr: string; subnetSize?: number }) =>
        at(p.field, `slice "${p.name}" exists with sliceSubnet ${p.cidr} and subnetSize ${p.subnetSize}; these cannot change, delete the slice and create it again`),
      ...TRANSFER_CASES.POOL_EXISTS,
    }),
  ),
  POOL_OVERLAP: entry(409, 'Pools overlap', (p: { field: string; cidr: string; other: { kind: string; name: string; cidr: string }; space: string }) =>
    at(
      p.field,
      `${p.cidr} overlaps ${p.other.kind} "${p.other.name}" (${p.other.cidr}) in address space "${p.space}"; choose a range that does not overlap${p.other.kind === 'pool' ? `, or nest it with parent "${p.other.name}"` : ''}`,
    ),
  ),
  SLICE_SUBNET_CONFLICT: entry(409, 'Slice subnet already used in this namespace', (p: { cidr: string; slice: string }) =>
    at(
      'sliceSubnet',
      `Invalid value: "${p.cidr}": CIDR pool conflicts with existing slice '${p.slice}'. Each Dynamic IPAM slice must have a unique sliceSubnet to prevent overlapping IP allocations`,
    ),
  ),
  POOL_IN_USE: entry(
    409,
    'Pool still in use',
    cases({
      children: (p: { pool: string; children: { name: string; cidr: string }[] }) =>
        plain(`pool "${p.pool}" still has child pool(s) ${listSome(p.children.map((c) => `"${c.name}" (${c.cidr})`))}; delete them first`, 'pool'),
      allocations: (p: { pool: string; live: { owner: string; cidr: string }[] }) =>
        plain(`pool "${p.pool}" still has ${p.live.length} live allocation(s): ${listSome(p.live.map((a) => `"${a.owner}" (${a.cidr})`))}; release them first`, 'pool'),
    }),
  ),
  POOL_EXHAUSTED: entry(409, 'No free block left', (p: { pool: string; cidr: string; wanted: Wanted; inGrace: bigint }) =>
    plain(
      `pool "${p.pool}" (${p.cidr}): no available subnets: no free ${wantedText(p.wanted)} left` +
        `${p.inGrace > 0n ? `; ${p.inGrace} address(es) are released but held for their owners' grace period` : ''}; release an allocation or use a larger pool`,
    ),
  ),
  CIDR_UNAVAILABLE: entry(
    409,
    'Requested block is taken',
    cases({
      /** A block or address asked for that an owner or a child pool holds. */
      held: (p: { field: string; block: string; pool: string; holder: Exclude<Holder, { type: 'reserved' }> }) => {
        const holder =
          p.holder.type === 'child'
            ? `child pool "${p.holder.name}" (${p.holder.cidr})`
            : `owner "${p.holder.owner}" (${p.holder.cidr}${p.holder.released === true ? ', released, in its grace period' : ''})`;
        return at(p.field, `${p.block} in pool "${p.pool}" is held by ${holder}; choose another or omit it`);
      },
      /** A new reserved range or gateway of a pool on a block someone holds. */
      reservation: (p: { field: string; block: string; holder: Exclude<Holder, { type: 'reserved' }> }) => {
        const holder = p.holder.type === 'child' ? `child pool "${p.holder.name}"` : `the allocation of owner "${p.holder.owner}"`;
        return at(p.field, `${p.block} overlaps ${holder} (${p.holder.cidr}); release it first or reserve another range`);
      },
    }),
  ),
  RESERVED_ADDRESS: entry(
    409,
    'Address is reserved',
    cases({
      special: (p: { field: string; address: string; what: SpecialAddress; cidr: string }) =>
        at(p.field, `${p.address} is the ${p.what} address of ${p.cidr} and cannot be given to a host`),
      reserved: (p: { field: string; block: string; pool: string; holder: Extract<Holder, { type: 'reserved' }> }) =>
        at(p.field, `${p.block} is ${p.holder.gateway ? 'the gateway of' : `reserved (${p.holder.cidr}) in`} pool "${p.pool}"; choose another`),
      'gateway-not-host': (p: { address: string; cidr: string }) => at('gateway', `${p.address} is the network or broadcast address of ${p.cidr}; give a host address`),
    }),
  ),
  OWNER_CONFLICT: entry(
    409,
    'Owner already holds a different block',
    cases({
      /** A request for another block than the one the owner holds. */
      request: (p: { owner: string; held: { cidr: string; kind: string }; pool: string; wanted: { cidr: string } | Wanted }) => {
        const wanted = 'cidr' in p.wanted ? p.wanted.cidr : p.wanted.kind === 'host' ? 'a host address' : `a /${p.wanted.prefixLength}`;
        return at(
          'owner',
          `"${p.owner}" already holds ${p.held.cidr} (${p.held.kind}) in pool "${p.pool}" and now asks for ${wanted}; release it first or use another owner key`,
        );
      },
      ...TRANSFER_CASES.OWNER_CONFLICT,
    }),
  ),
  // A pool, slice or client address made by another stack (or CLI user, or token): not adopted,
  // changed or deleted unless the request opts in to sharing it.
  CREATOR_MISMATCH: entry(409, 'Held by another creator', (p: { subject: Subject; creator: string; requester: string; act: CreatorAct; rename?: Rename }) => {
    const rename = p.rename === undefined ? undefined : RENAME[p.rename];
    const fix =
      p.act === 'adopt'
        ? `${rename ?? 'choose another name'}, or set adopt: true to share it (it stays its creator's to change and delete)`
        : `only its creator can ${p.act} it${rename === undefined ? '' : `; ${rename}`}`;
    return plain(`${describe(p.subject)} was created by ${p.creator}, not by ${p.requester}; ${fix}`, 'creator');
  }),
  // A Pulumi resource recorded in another backend instance than the one the provider talks to.
  BACKEND_MISMATCH: entry(409, 'Resource is held by another backend', (p: { subject: Subject; recorded: string; location: string; currentId?: string }) =>
    plain(
      `${describe(p.subject)} was created in backend ${p.recorded}, but the provider is configured for ${p.location}, ` +
        `${p.currentId === undefined ? 'which holds no IPAM state here' : `whose backend id is ${p.currentId}`}. ` +
        'Point the stack at the backend that holds it (stack config ipam:state, ipam:server or ipam:kubeconfig, as when it was created); ' +
        'if that backend is gone for good, forget the resource with `pulumi state delete`',
      'backendId',
    ),
  ),
} as const;
