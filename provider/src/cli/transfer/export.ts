import { AllocationInfo, IpamApi, PoolInfo } from '../../model/api';
import { ALLOCATION_FIELDS, AllocationRow, EXPORT_FORMAT, ExportDocument, POOL_FIELDS, PoolRow } from '../../model/import';
import { AllocationRecord, PoolRecord } from '../../model/records';

/**
 * `ipam export`: every pool (parents first) and every allocation of a space, or of every space,
 * as rows that `ipam import` recreates exactly on any backend. Read through IpamApi, so it works
 * on every backend the command can open. The order is fixed (space, then the pool tree by name,
 * then allocations by address) and label keys are sorted, so two backends holding the same
 * state give the same bytes.
 */
export async function exportDocument(api: IpamApi, space?: string): Promise<ExportDocument> {
  const pools = orderedPools(await api.listPools({ space }));
  const allocations = await Promise.all(pools.map((pool) => api.listAllocations({ space: pool.space, pool: pool.name })));
  return { format: EXPORT_FORMAT, pools: pools.map(poolRow), allocations: allocations.flat().map(allocationRow) };
}

/** The document as text: one row per line, so a refusal on import can name the line of its row. */
export function exportJson(document: ExportDocument): string {
  const list = (rows: object[]) => (rows.length === 0 ? '[]' : `[\n${rows.map((row) => `    ${JSON.stringify(row)}`).join(',\n')}\n  ]`);
  return `{\n  "format": ${JSON.stringify(document.format)},\n  "pools": ${list(document.pools)},\n  "allocations": ${list(document.allocations)}\n}\n`;
}

/** The stored record a row recreates (what a snapshot of the space holds). */
export function poolRecordOf(row: PoolRow): PoolRecord {
  const { line: _line, space: _space, ...record } = row;
  return record as PoolRecord;
}

export function allocationRecordOf(row: AllocationRow): AllocationRecord {
  const { line: _line, space: _space, expiresAt: _expiresAt, ...record } = row;
  return record as AllocationRecord;
}

function poolRow(pool: PoolInfo): PoolRow {
  return pick(POOL_FIELDS, pool) as unknown as PoolRow;
}

function allocationRow(allocation: AllocationInfo): AllocationRow {
  return pick(ALLOCATION_FIELDS, { ...allocation, expiresAt: allocation.graceEndsAt }) as unknown as AllocationRow;
}

/** The row's fields in their fixed order, without absent ones, label keys sorted. */
function pick(fields: readonly string[], source: object): Record<string, unknown> {
  const values = source as Record<string, unknown>;
  return Object.fromEntries(
    fields.flatMap((field) => {
      const value = field === 'labels' ? sortedLabels(values.labels as Record<string, string> | undefined) : values[field];
      return value === undefined ? [] : [[field, value]];
    }),
  );
}

/** Pools of each space as a tree walk: roots by name, each followed by its children by name. */
function orderedPools(pools: PoolInfo[]): PoolInfo[] {
  const key = (space: string, name: string | undefined) => JSON.stringify([space, name ?? null]);
  const children = new Map<string, PoolInfo[]>();
  for (const pool of pools) {
    const parentKey = key(pool.space, pool.parent);
    if (!children.has(parentKey)) children.set(parentKey, []);
    children.get(parentKey)!.push(pool);
  }
  const byName = (a: PoolInfo, b: PoolInfo) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const ordered: PoolInfo[] = [];
  const walk = (pool: PoolInfo): void => {
    ordered.push(pool);
    for (const child of (children.get(key(pool.space, pool.name)) ?? []).sort(byName)) walk(child);
  };
  const spaces = [...new Set(pools.map((p) => p.space))].sort();
  for (const space of spaces) for (const root of (children.get(key(space, undefined)) ?? []).sort(byName)) walk(root);
  return ordered;
}

function sortedLabels(labels: Record<string, string> | undefined): Record<string, string> | undefined {
  return labels === undefined ? undefined : Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
