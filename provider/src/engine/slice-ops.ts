import { PoolLedger } from '../allocator/pool-ledger';
import { validateGracePeriodHours, validateSliceSubnet, validateSubnetSize } from '../model/slice-rules';
import { poolStats } from '../allocator/stats';
import { errors } from '../errors';
import { ActingFor, SliceInfo, SliceInput, SliceRef } from '../model/api';
import { formatCidr } from '../net/cidr';
import { allocate, release } from './allocation-ops';
import { assertCreator } from './creators';
import { createPool, subjectOf, updatePool } from './pool-ops';
import { SpaceTx } from './space-tx';
import { checkName, checkOwner } from '../model/validate';

/**
 * A KubeSlice slice is a pool of kind "slice" in the address space named after the
 * slice's namespace: the slice subnet is the pool, each cluster is an owner. Syncing a slice is
 * one operation, so adding and removing clusters commits atomically:
 *   - listed clusters get a subnet (sequential, first-fit), or keep theirs;
 *   - a cluster that comes back within the grace period gets its old subnet;
 *   - clusters no longer listed are released, their subnet held for the grace period.
 */
export function syncSlice(tx: SpaceTx, input: SliceInput): string {
  const name = checkName(input.name, 'name');
  const slice = validateSliceSubnet(input.sliceSubnet);
  const subnetSize = validateSubnetSize(input.subnetSize, slice);
  const graceHours = validateGracePeriodHours(input.gracePeriodHours);
  const clusters = checkClusters(input.clusters);
  const existing = tx.state.ledger(name);
  const creator = input.creator;
  if (existing === undefined) {
    createPool(
      tx,
      { name, cidr: formatCidr(slice), defaultPrefixLength: subnetSize, gracePeriodSeconds: graceHours * 3600, strategy: 'first-fit', creator },
      'slice',
    );
  } else {
    // Another stack's slice of the same name would release this one's clusters on every sync.
    if (existing.record.kind === 'slice') assertCreator(existing.record, input, 'change', subjectOf(tx, existing.record), 'slice');
    checkSameSlice(existing, name, formatCidr(slice), subnetSize);
    if (existing.record.gracePeriodSeconds !== graceHours * 3600) {
      updatePool(tx, { pool: name, gracePeriodSeconds: graceHours * 3600, creator });
    }
  }
  for (const cluster of clusters) allocate(tx, { pool: name, owner: cluster, prefixLength: subnetSize, creator });
  const listed = new Set(clusters);
  for (const entry of tx.pool(name).inAddressOrder()) {
    if (entry.record.status === 'allocated' && !listed.has(entry.record.owner)) release(tx, { pool: name, owner: entry.record.owner, creator });
  }
  return name;
}

export function deleteSlice(tx: SpaceTx, ref: SliceRef & ActingFor): void {
  const ledger = sliceLedger(tx, ref);
  assertCreator(ledger.record, ref, 'delete', subjectOf(tx, ledger.record));
  for (const { owner } of ledger.inAddressOrder()) tx.removeAllocation(ledger.record.name, owner, 'delete-pool');
  tx.removePool(ledger.record.name);
}

export function sliceLedger(tx: SpaceTx, ref: SliceRef): PoolLedger {
  const ledger = tx.state.ledger(checkName(ref.name, 'name'));
  if (ledger === undefined) {
    throw errors.POOL_NOT_FOUND({ case: 'slice', slice: String(ref.name), namespace: tx.space });
  }
  if (ledger.record.kind !== 'slice') {
    throw errors.POOL_NOT_FOUND({ case: 'not-a-slice', name: String(ref.name), namespace: tx.space });
  }
  return ledger;
}

/** The slice as KubeSlice's SliceIpam status shows it. */
export function sliceInfo(namespace: string, ledger: PoolLedger, nowMs: number): SliceInfo {
  const subnetSize = ledger.record.defaultPrefixLength!;
  const blocks = poolStats(ledger, nowMs, subnetSize).blocks!;
  const allocations = ledger.inAddressOrder();
  return {
    namespace,
    name: ledger.record.name,
    ...(ledger.record.creator === undefined ? {} : { creator: ledger.record.creator }),
    sliceSubnet: ledger.record.cidr,
    subnetSize,
    gracePeriodHours: ledger.record.gracePeriodSeconds / 3600,
    allocatedSubnets: allocations.map(({ record }) => ({
      clusterName: record.owner,
      subnet: record.cidr,
      status: record.status === 'allocated' ? 'Allocated' : 'Released',
      allocatedAt: record.allocatedAt,
      ...(record.releasedAt === undefined ? {} : { releasedAt: record.releasedAt }),
    })),
    availableSubnets: Number(blocks.available),
    totalSubnets: Number(blocks.total),
  };
}

function checkClusters(value: unknown): string[] {
  if (!Array.isArray(value)) throw errors.INVALID_INPUT({ case: 'clusters-shape' });
  const seen = new Set<string>();
  return value.map((cluster, i) => {
    const name = checkOwner(cluster, `clusters[${i}]`);
    if (seen.has(name)) {
      throw errors.INVALID_INPUT({ case: 'duplicate-cluster', index: i, cluster: name, field: `clusters[${i}]` });
    }
    seen.add(name);
    return name;
  });
}

function checkSameSlice(existing: PoolLedger, name: string, sliceSubnet: string, subnetSize: number): void {
  const record = existing.record;
  if (record.kind !== 'slice') {
    throw errors.POOL_EXISTS({ case: 'slice-name', name });
  }
  if (record.cidr !== sliceSubnet || record.defaultPrefixLength !== subnetSize) {
    const field = record.cidr !== sliceSubnet ? 'sliceSubnet' : 'subnetSize';
    throw errors.POOL_EXISTS({ case: 'slice-fixed', field, name, cidr: record.cidr, subnetSize: record.defaultPrefixLength });
  }
}
