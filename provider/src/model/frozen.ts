import { AllocationRecord } from './records';

/**
 * Freezes an allocation record and its only nested value (labels). A frozen record can be held
 * by several owners at once (the engine's state, a store in the same process) without copies:
 * none of them can change it under the others.
 */
export function freezeRecord<T extends AllocationRecord>(record: T): T {
  if (record.labels !== undefined) Object.freeze(record.labels);
  return Object.freeze(record);
}

/** Whether freezeRecord was applied: the record and what it nests can be shared as they are. */
export function isFrozenRecord(record: AllocationRecord): boolean {
  return Object.isFrozen(record) && (record.labels === undefined || Object.isFrozen(record.labels));
}

/**
 * The data of an object as JSON.stringify takes it: what its toJSON gives, if it has one. The
 * engine's allocation records are its ledger entries, whose CIDR text is a getter that a
 * structuredClone or an Object.assign of the object itself would not see.
 */
export function plainData<T extends object>(value: T): T {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === 'function' ? (toJSON.call(value) as T) : value;
}
