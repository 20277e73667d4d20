import { LedgerAllocation, PoolLedger } from '../../../allocator/pool-ledger';
import { SpaceState } from '../../../engine/space-state';
import { sliceInfo } from '../../../engine/slice-ops';
import { allocationInfo, poolInfo } from '../../../engine/views';
import { PoolInfo } from '../../../model/api';
import { AllocationRecord } from '../../../model/records';
import { parseCidr } from '../../../net/cidr';
import { isApplied } from '../../../store/kubernetes/applied';
import { LedgerSpec } from '../../../store/kubernetes/ledger';
import { memberObjectName } from './names';

/**
 * What the cluster should show for one pool of a ledger: its own object (SubnetPool, or
 * SliceIpam for a KubeSlice slice) and its members (a SubnetPoolClaim per block and per child
 * pool carved by a claim, a ClientIp per host address). Pure: computed from the ledger and the
 * time, with the engine's own views (poolInfo, sliceInfo, allocationInfo), so `kubectl get`
 * shows the figures `ipam pool show` prints. Condition times come from the records, not from
 * the clock, so an unchanged pool yields an identical object and nothing is rewritten.
 */
export type DerivedKind = 'SubnetPool' | 'SliceIpam' | 'SubnetPoolClaim' | 'ClientIp';

export interface DesiredObject {
  kind: DerivedKind;
  name: string;
  pool: string;
  /** Which record it shows: memberKey() of an allocation or a claimed child pool; the pool's name for a pool. */
  key: string;
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}

export interface DesiredPool {
  object: DesiredObject;
  members: DesiredObject[];
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** What a pool's member object shows: an allocation (by owner key) or a claimed child pool (by name). */
export const memberKey = {
  allocation: (owner: string): string => JSON.stringify(['allocation', owner]),
  childPool: (name: string): string => JSON.stringify(['pool', name]),
};

/** The pools of a ledger, with allocations and children, as the engine holds them. */
export function ledgerState(spec: LedgerSpec): SpaceState {
  const state = new SpaceState();
  state.catchUp({ version: spec.version, full: true, pools: spec.pools, deletedPools: [], allocations: spec.allocations, deletedAllocations: [] });
  return state;
}

/** `onlyMembers`: the memberKeys of the members wanted (the ones a commit changed); absent, all of them. */
export function desiredPool(space: string, state: SpaceState, name: string, revision: number, nowMs: number, onlyMembers?: ReadonlySet<string>): DesiredPool {
  const ledger = state.ledger(name)!;
  if (ledger.record.kind === 'slice') {
    const { allocatedSubnets, availableSubnets, totalSubnets, sliceSubnet, subnetSize, gracePeriodHours } = sliceInfo(space, ledger, nowMs);
    return {
      object: {
        kind: 'SliceIpam',
        name,
        pool: name,
        key: name,
        spec: { sliceSubnet, subnetSize, gracePeriodHours },
        status: {
          ...creatorOf(ledger.record),
          ledgerVersion: revision,
          allocatedSubnets: allocatedSubnets.map((a) => ({ ...a, allocatedAt: seconds(a.allocatedAt), ...(a.releasedAt === undefined ? {} : { releasedAt: seconds(a.releasedAt) }) })),
          availableSubnets,
          totalSubnets,
        },
      },
      members: [],
    };
  }
  return { object: subnetPool(space, ledger, revision, nowMs), members: members(space, state, ledger, onlyMembers) };
}

/** Utilization as `ipam pool list` prints it. */
const percent = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** The figures a SubnetPool's status shows, as `ipam pool show` computes them (from the engine's view, never stored). */
export function poolFigures(info: PoolInfo): Record<string, unknown> {
  const { total, allocated, free, utilization, liveAllocations, releasedAllocations } = info.stats;
  return { total, allocated, free, utilization: percent(utilization), liveAllocations, releasedAllocations, children: info.children };
}

function subnetPool(space: string, ledger: PoolLedger, revision: number, nowMs: number): DesiredObject {
  const info = poolInfo(space, ledger, nowMs);
  const record = ledger.record;
  const spec: Record<string, unknown> = { cidr: record.cidr, strategy: record.strategy, reserved: record.reserved, gracePeriodSeconds: record.gracePeriodSeconds };
  if (record.parent !== undefined) spec.parentRef = { name: record.parent };
  if (record.gateway !== undefined) spec.gateway = record.gateway;
  if (record.defaultPrefixLength !== undefined) spec.defaultPrefixLength = record.defaultPrefixLength;
  if (record.owner !== undefined) spec.claimOwner = record.owner;
  if (record.description !== undefined) spec.description = record.description;
  const ready: Condition = {
    type: 'Ready',
    status: 'True',
    reason: 'CIDRAssigned',
    message: `${record.cidr} is assigned${record.parent === undefined ? '' : ` from pool "${record.parent}"`}`,
    lastTransitionTime: seconds(record.createdAt),
  };
  return {
    kind: 'SubnetPool',
    name: record.name,
    pool: record.name,
    key: record.name,
    spec,
    status: { ...creatorOf(record), phase: 'Ready', ledgerVersion: revision, ...poolFigures(info), conditions: [ready] },
  };
}

function members(space: string, state: SpaceState, ledger: PoolLedger, only?: ReadonlySet<string>): DesiredObject[] {
  const pool = ledger.record.name;
  const claimed = state.childrenOf(pool).filter((child) => child.record.owner !== undefined && !isApplied(child.record));
  const byName = new Map<string, DesiredObject | undefined>();
  const add = (object: DesiredObject) => {
    // A child pool's claim and a block of the same owner key would share a name: keep both.
    const name = byName.has(object.name) ? memberObjectName(pool, object.key) : object.name;
    byName.set(name, only === undefined || only.has(object.key) ? { ...object, name } : undefined);
  };
  // What the controller holds for an applied SubnetPoolClaim or ClientIp is shown by that object.
  for (const entry of ledger.allocations.values()) {
    if (isApplied(entry.record)) continue;
    if (only === undefined || only.has(memberKey.allocation(entry.record.owner))) add(entry.record.kind === 'host' ? clientIp(space, ledger, entry) : blockClaim(entry.record));
    // An allocation not drawn still holds its name where a child pool's claim could want it.
    else if (claimed.length > 0) byName.set(memberObjectName(pool, entry.record.owner), undefined);
  }
  for (const child of claimed) add(childPoolClaim(pool, child));
  return [...byName.values()].filter((object): object is DesiredObject => object !== undefined);
}

function blockClaim(record: AllocationRecord): DesiredObject {
  const status: Record<string, unknown> = { ...creatorOf(record), phase: record.status === 'allocated' ? 'Bound' : 'Released', cidr: record.cidr, allocatedAt: seconds(record.allocatedAt) };
  if (record.releasedAt !== undefined) status.releasedAt = seconds(record.releasedAt);
  status.conditions = [boundCondition(record)];
  return {
    kind: 'SubnetPoolClaim',
    name: memberObjectName(record.pool, record.owner),
    pool: record.pool,
    key: memberKey.allocation(record.owner),
    spec: { parentPoolRef: record.pool, desiredBlockSize: parseCidr(record.cidr).prefix, owner: record.owner },
    status,
  };
}

function childPoolClaim(pool: string, child: PoolLedger): DesiredObject {
  const owner = child.record.owner!;
  const at = seconds(child.record.createdAt);
  return {
    kind: 'SubnetPoolClaim',
    name: memberObjectName(pool, owner),
    pool,
    key: memberKey.childPool(child.record.name),
    spec: { parentPoolRef: pool, desiredBlockSize: child.cidr.prefix, owner },
    status: {
      ...creatorOf(child.record),
      phase: 'Bound',
      cidr: child.record.cidr,
      boundPoolName: child.record.name,
      allocatedAt: at,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Bound', message: `bound to SubnetPool "${child.record.name}" (${child.record.cidr})`, lastTransitionTime: at }],
    },
  };
}

function clientIp(space: string, ledger: PoolLedger, entry: LedgerAllocation): DesiredObject {
  const record = entry.record;
  const info = allocationInfo(space, ledger, entry);
  const status: Record<string, unknown> = {
    ...creatorOf(record),
    phase: record.status === 'allocated' ? 'Bound' : 'Released',
    address: info.address,
    cidr: record.cidr,
    netmask: info.netmask,
    allocatedAt: seconds(record.allocatedAt),
  };
  if (info.gateway !== undefined) status.gateway = info.gateway;
  if (record.releasedAt !== undefined) status.releasedAt = seconds(record.releasedAt);
  return { kind: 'ClientIp', name: memberObjectName(record.pool, record.owner), pool: record.pool, key: memberKey.allocation(record.owner), spec: { poolRef: record.pool, owner: record.owner }, status };
}

function boundCondition(record: AllocationRecord): Condition {
  return record.status === 'allocated'
    ? { type: 'Ready', status: 'True', reason: 'Bound', message: `${record.cidr} is held by "${record.owner}"`, lastTransitionTime: seconds(record.allocatedAt) }
    : {
        type: 'Ready',
        status: 'False',
        reason: 'Released',
        message: `${record.cidr} was released and is held for "${record.owner}" until its grace period ends`,
        lastTransitionTime: seconds(record.releasedAt!),
      };
}

/** Who created the record, for `kubectl get -o wide` (absent on records made before creators). */
function creatorOf(record: { creator?: string }): { creator?: string } {
  return record.creator === undefined ? {} : { creator: record.creator };
}

/** Kubernetes times are RFC 3339 to the second; the ledger keeps milliseconds. */
export function seconds(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}
