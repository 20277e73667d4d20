import { isDeepStrictEqual } from 'node:util';
import { DerivedKind } from './desired';

/**
 * The spec fields that the CRDs (crds/*.yaml) declare immutable with `self == oldSelf`: the API
 * server refuses (422 Invalid) an update that changes one. A member object whose record took a
 * new shape under the same name (an owner released its block and came back asking for another
 * size) is therefore deleted and created again, not replaced. Pools never need this: the engine
 * refuses a different definition under a pool's name while the pool exists.
 */
export const IMMUTABLE_SPEC_FIELDS: Record<DerivedKind, readonly string[]> = {
  SubnetPool: ['cidr', 'parentRef'],
  SliceIpam: ['sliceSubnet', 'subnetSize'],
  SubnetPoolClaim: ['parentPoolRef', 'desiredBlockSize', 'owner', 'poolName', 'poolSelector'],
  ClientIp: ['poolRef', 'owner', 'poolSelector'],
};

/** Whether writing `desired` over `current` would change a field the API server keeps as it was. */
export function changesImmutableField(kind: DerivedKind, current: Record<string, unknown> | undefined, desired: Record<string, unknown>): boolean {
  return IMMUTABLE_SPEC_FIELDS[kind].some((field) => current?.[field] !== undefined && desired[field] !== undefined && !isDeepStrictEqual(current[field], desired[field]));
}
