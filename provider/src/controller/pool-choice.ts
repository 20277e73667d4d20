import { errors } from '../errors';
import { AllocationInfo, AllocateInput } from '../model/api';
import { LabelSelector } from '../model/policy-types';
import { ReconcileInput } from './handler';

/**
 * Applied claims and client addresses may name their pool (parentPoolRef, poolRef) or give a
 * poolSelector over SubnetPools' labels. The pool a selector chose is kept in status.pool and
 * used from then on, so a claim never moves to another pool when labels change; the object's own
 * metadata.labels are the allocation's labels (a pool may require some).
 */
export function chosenPool(input: ReconcileInput, named: string | undefined): string | undefined {
  return named ?? (input.object.status?.pool as string | undefined);
}

/**
 * Allocates for the object in its named or already chosen pool, else in the pool its selector
 * chooses. `refField` is how the spec names its pool (parentPoolRef, poolRef).
 */
export async function allocateFor(
  input: ReconcileInput,
  [refField, named]: [string, string | undefined],
  selector: LabelSelector | undefined,
  request: Omit<AllocateInput, 'pool' | 'space' | 'creator'>,
): Promise<AllocationInfo> {
  const { ipam, namespace, creator, object } = input;
  if ((named === undefined) === (selector === undefined)) {
    throw errors.INVALID_INPUT({ case: 'pool-ref-or-selector', refField });
  }
  const base = { ...request, space: namespace, creator, labels: object.metadata.labels };
  const pool = chosenPool(input, named);
  if (pool !== undefined || selector === undefined) return ipam.allocate({ ...base, pool: pool! });
  return ipam.allocateBySelector({ ...base, poolSelector: selector });
}

/** How a message names where the object's block is: `pool "net"`, or `the pool chosen by its poolSelector`. */
export function poolWords(pool: string | undefined): string {
  return pool === undefined ? 'the pool chosen by its poolSelector' : `pool "${pool}"`;
}
