import { AllocationRow, ImportOutcome, PoolRow } from '../../model/import';

/** What a file gave: rows to decide, and rows refused already while reading it (each with its line). */
export interface ParsedRows {
  pools: PoolRow[];
  allocations: AllocationRow[];
  refused: ImportOutcome[];
}

/** A refusal found while reading the file, in the shape the engine reports its own. */
export function readRefusal(line: number, record: ImportOutcome['record'], name: string, field: string, message: string, code: ImportOutcome['code'] = 'INVALID_INPUT'): ImportOutcome {
  return { line, record, name, action: 'refused', code, field, message };
}
