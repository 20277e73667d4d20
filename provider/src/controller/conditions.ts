import { ErrorCode, IpamError } from '../errors';
import { Condition, seconds } from '../backends/kubernetes/projection/desired';
import { KubeObject } from '../store/kubernetes/resources';

export { seconds };

/**
 * The Ready condition of an applied object, and how engine refusals are told to a person: the
 * reasons of the SubnetPool design (Bound, ClaimPending, Error on a claim; CIDRAssigned,
 * WaitingParent, Error on a pool) and the Event reason of each refusal.
 */
export type Status = Record<string, unknown>;

export function conditionsOf(status: Status | undefined): Condition[] {
  return (status?.conditions as Condition[] | undefined) ?? [];
}

/** A condition; its lastTransitionTime is kept when its status did not change (Kubernetes' convention). */
export function condition(previous: Status | undefined, type: string, status: Condition['status'], reason: string, message: string, now: Date): Condition {
  const before = conditionsOf(previous).find((c) => c.type === type);
  const time = before !== undefined && before.status === status ? before.lastTransitionTime : seconds(now.toISOString());
  return { type, status, reason, message, lastTransitionTime: time };
}

/** The Event reason of an engine refusal. */
export function eventReason(code: ErrorCode): string {
  switch (code) {
    case 'POOL_EXHAUSTED':
    case 'LEDGER_TOO_LARGE':
      return 'Exhausted';
    case 'POOL_OVERLAP':
    case 'CIDR_UNAVAILABLE':
    case 'SLICE_SUBNET_CONFLICT':
      return 'Overlap';
    case 'CREATOR_MISMATCH':
    case 'OWNER_CONFLICT':
    case 'POOL_EXISTS':
      return 'Conflict';
    case 'POOL_IN_USE':
      return 'DeletionBlocked';
    default:
      return 'Invalid';
  }
}

/** Refusals that a later change elsewhere may lift: the object waits rather than fails. */
export function isWaitingFor(e: IpamError): boolean {
  return e.code === 'POOL_NOT_FOUND' && (e.field === 'pool' || e.field === 'parent');
}

/** Failures of the backend (not of the request): the reconcile is retried with backoff. */
export function isTransient(e: unknown): boolean {
  return !(e instanceof IpamError) || e.code === 'CONTENTION' || e.code === 'STORE_UNAVAILABLE';
}

/**
 * The status of an object the controller could not bring in line: Pending while it waits for
 * something that does not exist yet (`waiting`: what, and the Ready reason to show), Error
 * otherwise; the rest of its status as it was.
 */
export function failedStatus(object: KubeObject, now: Date, message: string, waiting?: { what: string; reason: string }): Status {
  const why = waiting === undefined ? message : `waiting for ${waiting.what}: ${message}`;
  return {
    ...(object.status ?? {}),
    phase: waiting === undefined ? 'Error' : 'Pending',
    message: why,
    observedGeneration: object.metadata.generation,
    conditions: [condition(object.status, 'Ready', 'False', waiting?.reason ?? 'Error', why, now)],
  };
}
