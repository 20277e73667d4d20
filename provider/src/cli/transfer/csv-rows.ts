import { errors, isIpamError } from '../../errors';
import { AllocationRow, PoolRow } from '../../model/import';
import { CsvRecord, csvField } from './csv';
import { CSV_COLUMNS } from './formats';
import { ParsedRows, readRefusal } from './rows';

const COLUMN_NAMES = CSV_COLUMNS.map(([name]) => name);

type Cell = (row: Record<string, unknown>, value: string, line: number) => void;
const text = (key: string): Cell => (row, value) => (row[key] = value);
const whole = (key: string, column: string): Cell => (row, value) => {
  if (!/^(0|[1-9]\d*)$/.test(value)) throw errors.INVALID_INPUT({ case: 'whole-number', column, value });
  row[key] = Number(value);
};
const CELLS: Record<string, Cell> = {
  space: text('space'),
  cidr: text('cidr'),
  owner: text('owner'),
  parent: text('parent'),
  kind: text('kind'),
  status: text('status'),
  strategy: text('strategy'),
  gateway: text('gateway'),
  reserved: (row, value) => (row.reserved = value.split(/\s+/).filter(Boolean)),
  default_prefix_length: whole('defaultPrefixLength', 'default_prefix_length'),
  grace_period_seconds: whole('gracePeriodSeconds', 'grace_period_seconds'),
  created_at: text('createdAt'),
  allocated_at: text('allocatedAt'),
  released_at: text('releasedAt'),
  creator: text('creator'),
  description: text('description'),
  labels: (row, value) => (row.labels = parseLabelCell(value)),
};

export function isGenericHeader(header: string[]): boolean {
  return header.map((h) => h.trim()).includes('record');
}

export function parseGenericCsv(records: CsvRecord[]): ParsedRows {
  const [header, ...body] = records;
  const columns = header.fields.map((h) => h.trim());
  const unknown = columns.find((c) => !COLUMN_NAMES.includes(c));
  if (unknown !== undefined) throw errors.INVALID_INPUT({ case: 'csv-unknown-column', line: header.line, column: unknown, columns: COLUMN_NAMES });
  for (const required of ['record', 'pool', 'cidr']) {
    if (!columns.includes(required)) throw errors.INVALID_INPUT({ case: 'csv-missing-column', line: header.line, column: required });
  }
  const parsed: ParsedRows = { pools: [], allocations: [], refused: [] };
  for (const { line, fields } of body) {
    const cells = new Map(columns.map((c, i) => [c, (fields[i] ?? '').trim()]));
    const record = cells.get('record');
    const name = cells.get(record === 'pool' ? 'pool' : 'owner') ?? '';
    const kind = record === 'pool' ? 'pool' : 'allocation';
    if (fields.length !== columns.length) {
      parsed.refused.push(readRefusal(line, kind, name, errors.INVALID_INPUT({ case: 'csv-field-count', fields: fields.length, columns: columns.length })));
      continue;
    }
    if (record !== 'pool' && record !== 'allocation') {
      parsed.refused.push(readRefusal(line, kind, name, errors.INVALID_INPUT({ case: 'record-type', record })));
      continue;
    }
    const row: Record<string, unknown> = { line };
    row[record === 'pool' ? 'name' : 'pool'] = cells.get('pool');
    try {
      for (const [column, value] of cells) if (value !== '' && CELLS[column] !== undefined) CELLS[column](row, value, line);
    } catch (e) {
      if (!isIpamError(e)) throw e;
      parsed.refused.push(readRefusal(line, kind, name, e));
      continue;
    }
    if (record === 'pool') parsed.pools.push(row as unknown as PoolRow);
    else parsed.allocations.push(row as unknown as AllocationRow);
  }
  return parsed;
}

function parseLabelCell(value: string): Record<string, string> {
  const pairs = value.split(';').filter((pair) => pair.trim() !== '');
  return Object.fromEntries(
    pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw errors.INVALID_INPUT({ case: 'label-pair', pair });
      return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
    }),
  );
}

/** The export as CSV, with the same columns the import reads. */
export function exportCsv(pools: PoolRow[], allocations: AllocationRow[]): string {
  const labels = (l: Record<string, string> | undefined) => (l === undefined ? '' : Object.entries(l).map(([k, v]) => `${k}=${v}`).join(';'));
  const rows = [
    ...pools.map((p): Record<string, unknown> => ({
      record: 'pool', space: p.space, pool: p.name, cidr: p.cidr, owner: p.owner, parent: p.parent, kind: p.kind, strategy: p.strategy, gateway: p.gateway,
      reserved: p.reserved?.join(' '), default_prefix_length: p.defaultPrefixLength, grace_period_seconds: p.gracePeriodSeconds,
      created_at: p.createdAt, creator: p.creator, description: p.description, labels: labels(p.labels),
    })),
    ...allocations.map((a): Record<string, unknown> => ({
      record: 'allocation', space: a.space, pool: a.pool, cidr: a.cidr, owner: a.owner, kind: a.kind, status: a.status,
      allocated_at: a.allocatedAt, released_at: a.releasedAt, creator: a.creator, description: a.description, labels: labels(a.labels),
    })),
  ];
  const lines = [COLUMN_NAMES.join(','), ...rows.map((row) => COLUMN_NAMES.map((c) => csvField(row[c] === undefined ? '' : String(row[c]))).join(','))];
  return `${lines.join('\n')}\n`;
}
