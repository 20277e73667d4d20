import { IpamApi } from '../model/api';
import { AppliedKind } from '../store/kubernetes/applied';
import { KubeObject } from '../store/kubernetes/resources';
import { ObjectEvent } from './events';
import { Status } from './conditions';

/**
 * What the controller does for one kind of applied object. `apply` brings the ledger in line
 * with the object's spec through the engine and returns the status to show, with the Events of
 * the steps it took (computed from the previous status, so a pass that changes nothing records
 * nothing). `release` gives back what the object held, when it is deleted; it throws the
 * engine's POOL_IN_USE while a pool still has allocations or child pools.
 * `failed` is the status to show when the engine refused the spec.
 */
export interface ReconcileInput {
  ipam: IpamApi;
  object: KubeObject;
  namespace: string;
  /** The creator recorded in the ledger: `k8s:<namespace>/<Kind>/<name>`. */
  creator: string;
  now: Date;
}

interface Applied {
  status: Status;
  events: ObjectEvent[];
}

export interface KindHandler {
  kind: AppliedKind;
  plural: string;
  reconcile(input: ReconcileInput): Promise<Applied>;
  /** Returns the Events of what was released. */
  release(input: ReconcileInput): Promise<ObjectEvent[]>;
  /** The status for a refusal: `waiting` when the object waits for another (its parent pool). */
  failed(input: ReconcileInput, message: string, waiting: boolean): Status;
}

export const specOf = (object: KubeObject): Record<string, unknown> => (object.spec ?? {}) as Record<string, unknown>;

/** The spec of an object whose owner key defaults to its name (a claim, a client address). */
export function specWithOwner<T extends { owner?: string }>(input: ReconcileInput): T & { owner: string } {
  const spec = specOf(input.object) as unknown as T;
  return { ...spec, owner: spec.owner ?? input.object.metadata.name };
}
