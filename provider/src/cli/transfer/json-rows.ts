import { IpamError, errors } from '../../errors';
import { ALLOCATION_FIELDS, AllocationRow, EXPORT_FORMAT, POOL_FIELDS, PoolRow } from '../../model/import';
import { ImportOutcome } from '../../model/import-result';
import { ParsedRows, readRefusal } from './rows';


/**
 * The JSON that `ipam export` writes: `{"format": "pulumi-ipam/v1", "pools": [...], "allocations": [...]}`.
 * Each row keeps the line its object starts on (export writes one object per line), and a
 * field that is not one of a row's fields is refused on that line, not passed on unread.
 */
export function parseExportJson(text: string): ParsedRows {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw errors.INVALID_INPUT({ case: 'import-not-json', cause: (e as Error).message });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document) || (document as { format?: unknown }).format !== EXPORT_FORMAT) {
    const format = typeof document === 'object' && document !== null ? (document as { format?: unknown }).format : undefined;
    throw errors.INVALID_INPUT({ case: 'import-format', format, reads: EXPORT_FORMAT });
  }
  const { pools = [], allocations = [] } = document as { pools?: unknown; allocations?: unknown };
  for (const [name, list] of [['pools', pools], ['allocations', allocations]] as const) {
    if (!Array.isArray(list)) throw errors.INVALID_INPUT({ case: 'import-list', list: name });
  }
  const lines = elementLines(text);
  const parsed: ParsedRows = { pools: [], allocations: [], refused: [] };
  (pools as unknown[]).forEach((value, i) => {
    const row = checkRow(value, lines.pools[i], 'pool', POOL_FIELDS, parsed.refused);
    if (row !== undefined) parsed.pools.push(row as unknown as PoolRow);
  });
  (allocations as unknown[]).forEach((value, i) => {
    const row = checkRow(value, lines.allocations[i], 'allocation', ALLOCATION_FIELDS, parsed.refused);
    if (row !== undefined) parsed.allocations.push(row as unknown as AllocationRow);
  });
  return parsed;
}

function checkRow(value: unknown, line: number, record: 'pool' | 'allocation', fields: readonly string[], refused: ImportOutcome[]): Record<string, unknown> | undefined {
  const refuse = (error: IpamError): undefined => {
    refused.push(readRefusal(line, record, '', error));
    return undefined;
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse(errors.INVALID_INPUT({ case: 'row-shape', record }));
  const unknown = Object.keys(value).find((key) => !fields.includes(key));
  if (unknown !== undefined) return refuse(errors.INVALID_INPUT({ case: 'row-field', field: unknown, record, fields }));
  const row = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
  return { line, ...row };
}

/**
 * The line on which each element of the top-level "pools" and "allocations" arrays starts: a
 * scan that follows only strings and nesting, after JSON.parse has accepted the text.
 */
function elementLines(text: string): { pools: number[]; allocations: number[] } {
  const found: Record<string, number[]> = { pools: [], allocations: [] };
  const stack: string[] = [];
  let line = 1;
  let lastString = '';
  let key = '';
  let current: number[] | undefined;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line += 1;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (expecting) {
      expecting = false;
      if (c !== ']') current!.push(line);
    }
    switch (c) {
      case '"': {
        let j = i + 1;
        while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        lastString = text.slice(i + 1, j);
        i = j;
        break;
      }
      case ':':
        if (stack.length === 1) key = lastString;
        break;
      case '{':
      case '[':
        stack.push(c);
        if (c === '[' && stack.length === 2 && (key === 'pools' || key === 'allocations')) {
          current = found[key];
          expecting = true;
        }
        break;
      case '}':
      case ']':
        stack.pop();
        if (stack.length === 1) current = undefined;
        break;
      case ',':
        if (stack.length === 2 && current !== undefined) expecting = true;
        break;
    }
  }
  return { pools: found.pools, allocations: found.allocations };
}
