import { AllocationRecord, PoolRecord } from '../../provider/src/model/records';

/**
 * Store records as the engine writes them, for tests that put rows in a store directly (the
 * Store contract, rows a corrupting process left, records from before a field existed).
 */
export const poolRecord = (name: string, cidr: string, extra: Partial<PoolRecord> = {}): PoolRecord => ({
  name,
  cidr,
  strategy: 'first-fit',
  reserved: [],
  gracePeriodSeconds: 86400,
  kind: 'pool',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

export const allocationRecord = (pool: string, owner: string, cidr: string, extra: Partial<AllocationRecord> = {}): AllocationRecord => ({
  pool,
  owner,
  cidr,
  kind: 'prefix',
  status: 'allocated',
  allocatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});
