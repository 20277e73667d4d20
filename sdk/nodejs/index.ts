/**
 * pulumi-ipam: IP address management for Pulumi programs.
 *
 *   import * as ipam from "pulumi-ipam";
 *   const pool = new ipam.SubnetPool("corp", { cidr: "10.0.0.0/16", defaultPrefixLength: 24 });
 *   const web = new ipam.SubnetPoolClaim("web", { pool: pool.name });
 *
 * The state backend comes from stack config `ipam:*` (or IPAM_* variables): an embedded
 * SQLite file by default, an HTTP IPAM service (`ipam:server`, secret `ipam:token`), or
 * Kubernetes custom resources (`ipam:kubeconfig`, `ipam:namespace`).
 */
export { SubnetPool, SubnetPoolArgs, PoolQuota } from './subnet-pool';
export { SubnetPoolClaim, SubnetPoolClaimArgs } from './subnet-pool-claim';
export { SliceIpam, SliceIpamArgs, SliceClusterAllocation } from './slice-ipam';
export { ClientIp, ClientIpArgs } from './client-ip';
