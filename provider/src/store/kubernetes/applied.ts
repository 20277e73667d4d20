import { PoolRecord } from '../../model/records';

/**
 * Objects a person or a GitOps tool applied (kubectl apply, Argo CD, Flux), which the in-cluster
 * controller (`ipam controller`) reconciles, as opposed to the objects pulumi-ipam derives from
 * a namespace's ledger (those carry the label app.kubernetes.io/managed-by=pulumi-ipam).
 *
 * What the controller records in the ledger for an applied object has the creator
 * `k8s:<namespace>/<Kind>/<name>`. The applied object is the view of that record: the derived
 * objects skip it, so one allocation never shows as two objects, and the derived writer never
 * rewrites (or deletes) a spec that a person or GitOps tool owns.
 */
export type AppliedKind = 'SubnetPool' | 'SubnetPoolClaim' | 'SliceIpam' | 'ClientIp';

const PREFIX = 'k8s:';

export function appliedCreator(namespace: string, kind: AppliedKind, name: string): string {
  return `${PREFIX}${namespace}/${kind}/${name}`;
}

/** Whether a record was made for an applied object (its creator says so). */
export function isApplied(record: { creator?: string }): boolean {
  return record.creator?.startsWith(PREFIX) === true;
}

/**
 * Whether a pool or slice is shown by the applied SubnetPool or SliceIpam of its own name (a
 * pool carved by an applied SubnetPoolClaim is not: it still gets a derived SubnetPool, which
 * is what other claims name as their parent).
 */
export function isShownByAppliedPool(space: string, record: PoolRecord): boolean {
  const kind: AppliedKind = record.kind === 'slice' ? 'SliceIpam' : 'SubnetPool';
  return record.creator === appliedCreator(space, kind, record.name);
}
