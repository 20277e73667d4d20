import { AllocationRecord, AuditEvent, PoolRecord } from '../../model/records';

/**
 * The content of a namespace's IpamLedger, decoded (ledger.ts says how it is stored).
 *
 * `revisions` remembers, per pool, the version of the last commit that changed what the pool's
 * derived objects show (its record, its allocations, its child pools). A derived object that
 * reflects an older version is stale: that is how an interrupted write is found and repaired.
 */
export interface LedgerSpec {
  version: number;
  pools: PoolRecord[];
  allocations: AllocationRecord[];
  revisions: Record<string, number>;
  /** The most recent audit events of the space, oldest first. */
  audit: AuditEvent[];
}
