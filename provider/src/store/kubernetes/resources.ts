/**
 * The custom resources of crds/, as the store names them. One API group, v1alpha1, all
 * namespaced: a namespace is an address space.
 */
export const GROUP = 'ipam.pulumi-ipam.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export type ResourceKind = 'IpamLedger' | 'SubnetPool' | 'SliceIpam' | 'SubnetPoolClaim' | 'ClientIp';

export const PLURAL: Record<ResourceKind, string> = {
  IpamLedger: 'ipamledgers',
  SubnetPool: 'subnetpools',
  SliceIpam: 'sliceipams',
  SubnetPoolClaim: 'subnetpoolclaims',
  ClientIp: 'clientips',
};

/** The one ledger object of a namespace: the source of truth of its address space. */
export const LEDGER_NAME = 'ledger';

/**
 * Kept on the ledger (so a stray `kubectl delete ipamledger` cannot wipe an address space) and
 * on every SubnetPool and SliceIpam (so deleting a pool in use waits until it is empty).
 */
export const FINALIZER = `${GROUP}/ledger`;

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'pulumi-ipam';
/** On every derived object: the pool it belongs to, for listing a pool's objects by label. */
export const POOL_LABEL = `${GROUP}/pool`;
/**
 * On every derived object: the ledger version it was written from. A writer holding an older
 * ledger never overwrites or deletes an object written from a newer one (concurrent writers).
 */
export const LEDGER_VERSION_ANNOTATION = `${GROUP}/ledger-version`;

interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface KubeObject<Spec = Record<string, unknown>, Status = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
}
