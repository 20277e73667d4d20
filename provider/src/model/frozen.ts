import { AllocationRecord } from './records';

/**
 * Freezes an allocation record and its only nested value (labels). A frozen record can be held
 * by several owners at once (the engine's state, a store in the same process) without copies:
 * none of them can change it under the others.
 */
export function freezeRecord(record: AllocationRecord): AllocationRecord {
  if (record.labels !== undefined) Object.freeze(record.labels);
  return Object.freeze(record);
}

/** Whether freezeRecord was applied: the record and what it nests can be shared as they are. */
export function isFrozenRecord(record: AllocationRecord): boolean {
  return Object.isFrozen(record) && (record.labels === undefined || Object.isFrozen(record.labels));
}
