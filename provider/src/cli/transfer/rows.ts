import { IpamError } from '../../errors';
import { AllocationRow, PoolRow, refusal } from '../../model/import';
import { ImportOutcome } from '../../model/import-result';

/** What a file gave: rows to decide, and rows refused already while reading it (each with its line). */
export interface ParsedRows {
  pools: PoolRow[];
  allocations: AllocationRow[];
  refused: ImportOutcome[];
}

/** A refusal found while reading the file, in the shape the engine reports its own; a line's refusal is about the file unless it names a field. */
export function readRefusal(line: number, record: ImportOutcome['record'], name: string, error: IpamError): ImportOutcome {
  return { line, record, name, field: 'file', ...refusal(error) };
}
