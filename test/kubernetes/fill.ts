import { createHash } from 'node:crypto';
import { Store, StoreWrite } from '../../provider/src/engine/store';
import { AllocationRecord } from '../../provider/src/model/records';
import { formatCidr } from '../../provider/src/net/cidr';
import { allocationRecord, poolRecord } from '../support/records';

/**
 * A namespace filled to a given number of allocations through the store's own commit path, in
 * batched commits, with records shaped like real ones: Pulumi resources' blocks (owner keys
 * with a random part, a creator per stack, about 10% released) and VPN peers' host addresses
 * (owner keys with a longer random part). First-fit hands out addresses in the order they are
 * asked for, so allocation times grow with the address: 10 minutes apart on average, each
 * off by a random 0 to 20 minutes. The fill pools sit in 100.64.0.0/10, away from
 * the 10.x pools the Store contract and the reference scenarios use.
 */
export const FILL_POOLS = { blocks: poolRecord('fill-blocks', '100.64.0.0/11', { defaultPrefixLength: 28 }), peers: poolRecord('fill-peers', '100.96.0.0/16', { gateway: '100.96.0.1' }) };
/** Three blocks for every two peers. */
export const blockCount = (count: number): number => Math.ceil((count * 3) / 5);

const START = Date.parse('2026-01-01T00:00:00.000Z');
const BLOCKS_START = 0x64400000;
const PEERS_START = 0x64600002;

const digest = (i: number): string => createHash('sha256').update(String(i)).digest('hex');
const MAX_STEP_MS = 20 * 60_000;

/** When record i of its pool was allocated. */
const allocatedAt = (i: number, hash: string): string => new Date(START + i * (MAX_STEP_MS / 2) + (parseInt(hash.slice(0, 8), 16) % MAX_STEP_MS)).toISOString();

export function fillRecord(i: number, count: number): AllocationRecord {
  const blocks = blockCount(count);
  if (i >= blocks) return peerRecord(i - blocks);
  return blockRecord(i, parseInt(digest(i).slice(8, 10), 16) < 26);
}

/** The i-th block of a Pulumi resource (about 10% of the fill's are released). */
export function blockRecord(i: number, released: boolean): AllocationRecord {
  const hash = digest(i);
  const at = allocatedAt(i, hash);
  return allocationRecord(FILL_POOLS.blocks.name, `pulumi:team-${i % 23}/env-${i % 5}/subnet-${hash.slice(10, 18)}`, formatCidr({ family: 4, start: BigInt(BLOCKS_START + i * 16), prefix: 28 }), {
    allocatedAt: at,
    creator: `pulumi:team-${i % 23}/env-${i % 5}`,
    ...(released ? { status: 'released' as const, releasedAt: new Date(Date.parse(at) + 86_400_000 + (i % 1000) * 60_000).toISOString() } : {}),
  });
}

/** The i-th VPN peer's host address. */
export function peerRecord(i: number): AllocationRecord {
  const hash = digest(-1 - i);
  return allocationRecord(FILL_POOLS.peers.name, `peer-${hash.slice(10, 22)}`, formatCidr({ family: 4, start: BigInt(PEERS_START + i), prefix: 32 }), {
    kind: 'host',
    allocatedAt: allocatedAt(i, hash),
    creator: 'cli:vpn-admin',
  });
}

/** Commits the fill pools and `count` allocations to `space` (empty before), `batch` records a commit. Returns the version reached. */
export async function fillSpace(store: Store, space: string, count: number, batch = 5_000): Promise<number> {
  let version = (await store.read(space)).version;
  const commit = async (writes: StoreWrite[]) => {
    const result = await store.commit({ space, expectedVersion: version, writes, audit: [] });
    if (!result.ok) throw new Error(`fill of ${space}: lost the compare-and-swap at version ${version}`);
    version = result.version;
  };
  await commit([{ type: 'savePool', pool: FILL_POOLS.blocks }, { type: 'savePool', pool: FILL_POOLS.peers }]);
  for (let from = 0; from < count; from += batch) {
    const to = Math.min(count, from + batch);
    await commit(Array.from({ length: to - from }, (_, k) => ({ type: 'saveAllocation' as const, allocation: fillRecord(from + k, count) })));
  }
  return version;
}
