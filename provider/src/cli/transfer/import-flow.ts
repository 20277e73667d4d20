import { parentsFirst, importRows } from '../../engine/import-ops';
import { SpaceState } from '../../engine/space-state';
import { SpaceTx } from '../../engine/space-tx';
import { errors, importedBefore, isIpamError } from '../../errors';
import { IpamApi } from '../../model/api';
import { AllocationRow, ExportDocument, PoolRow } from '../../model/import';
import { ImportOutcome } from '../../model/import-result';
import { parseCidr } from '../../net/cidr';
import { parseCsv } from './csv';
import { isGenericHeader, parseGenericCsv } from './csv-rows';
import { allocationRecordOf, exportDocument, poolRecordOf } from './export';
import { parseExportJson } from './json-rows';
import { ImportFormat } from './formats';
import { detectNetbox, netboxSpaces, parseNetboxAddresses, parseNetboxPrefixes } from './netbox';
import { Progress } from './progress';
import { ParsedRows } from './rows';


export interface ImportOptions {
  /** The space of rows that name none. */
  space: string;
  format?: ImportFormat;
  dryRun: boolean;
  skipInvalid: boolean;
  progress: Progress;
  /** Who the local check decides as (creators default to it), as the backend will. */
  actor: string;
  /** Rows per request at first; halved while the service answers that a request is too large. */
  chunkRows?: number;
}

export interface ImportReport {
  dryRun: boolean;
  written: boolean;
  created: number;
  unchanged: number;
  refused: number;
  /** What was (or, on a dry run, would be) created, by line. */
  changes: ImportOutcome[];
  /** Every refused row, by line. */
  refusals: ImportOutcome[];
  /** Why the import stopped part way: a row accepted by the check was refused when written. */
  stopped?: string;
}

/**
 * `ipam import`, in two phases:
 *   1. check: read the file, then decide every row with the engine's own rules against a
 *      snapshot of each address space it touches (read through IpamApi, so on any backend),
 *      which finds every conflict, with its line, before anything is written;
 *   2. write: unless it is a dry run, or a row was refused without --skip-invalid, send the rows
 *      in batches; the backend decides each batch again against the current state and commits it
 *      with one compare-and-swap, so its invariants hold even with other writers at work.
 */
export async function importText(api: IpamApi, text: string, options: ImportOptions): Promise<ImportReport> {
  const snapshots = new Map<string, Promise<ExportDocument>>();
  const snapshot = (space: string) => {
    if (!snapshots.has(space)) snapshots.set(space, exportDocument(api, space));
    return snapshots.get(space)!;
  };
  const parsed = await readRows(text, options.format, options.space, snapshot);
  const bySpace = groupBySpace(parsed, options.space);
  const report: ImportReport = { dryRun: options.dryRun, written: false, created: 0, unchanged: 0, refused: 0, changes: [], refusals: [...parsed.refused] };
  const refusedRows = new Set<object>();
  for (const [space, rows] of bySpace) {
    const check = await checkAgainst(await snapshot(space), space, rows, options.actor);
    report.created += check.created;
    report.unchanged += check.unchanged;
    report.changes.push(...check.changes);
    report.refusals.push(...check.refusals);
    check.refusedRows.forEach((row) => refusedRows.add(row));
  }
  report.refused = report.refusals.length;
  byLine(report.changes);
  byLine(report.refusals);
  if (options.dryRun || (report.refused > 0 && !options.skipInvalid)) return report;

  Object.assign(report, { created: 0, unchanged: 0 });
  const total = [...bySpace.values()].reduce((sum, rows) => sum + rows.pools.length + rows.allocations.length, 0) - refusedRows.size;
  let done = 0;
  for (const [space, rows] of bySpace) {
    const pools = parentsFirst(rows.pools).filter((row) => !refusedRows.has(row));
    const allocations = rows.allocations.filter((row) => !refusedRows.has(row));
    const batches = batchesOf(pools, allocations, options.chunkRows ?? 5_000);
    for (let batch = batches.next(); batch !== undefined; ) {
      let result;
      try {
        result = await api.importRecords({ space, pools: batch.pools, allocations: batch.allocations, skipInvalid: options.skipInvalid });
      } catch (e) {
        if (isIpamError(e) && e.code === 'PAYLOAD_TOO_LARGE' && batch.size > 1) {
          batch = batches.retrySmaller();
          continue;
        }
        throw partway(e, done, total);
      }
      report.created += result.created;
      report.unchanged += result.unchanged;
      if (!result.written) {
        const late = result.outcomes.filter((o) => o.action === 'refused');
        report.refusals.push(...late);
        report.refused += late.length;
        report.stopped = `another writer changed address space "${space}" after the check: ${late.length} line(s) were refused when written; ${done} of ${total} lines were imported before them. Importing the file again is safe (imported lines are left unchanged)`;
        report.written = done > 0;
        byLine(report.refusals);
        return report;
      }
      // With --skip-invalid, a row the check accepted may still be refused now: report it too.
      for (const outcome of result.outcomes) if (outcome.action === 'refused') report.refusals.push(outcome);
      done += batch.pools.length + batch.allocations.length;
      options.progress.update(done, total);
      batch = batches.next();
    }
  }
  options.progress.done();
  report.refused = report.refusals.length;
  report.written = true;
  byLine(report.refusals);
  return report;
}

async function readRows(text: string, format: ImportFormat | undefined, space: string, snapshot: (space: string) => Promise<ExportDocument>): Promise<ParsedRows> {
  if (format === 'json' || (format === undefined && text.trimStart().startsWith('{'))) return parseExportJson(text);
  const records = parseCsv(text);
  if (records.length === 0) throw errors.INVALID_INPUT({ case: 'import-empty' });
  const header = records[0].fields;
  const chosen = format ?? (isGenericHeader(header) ? 'csv' : detectNetbox(header));
  switch (chosen) {
    case 'csv':
      return parseGenericCsv(records);
    case 'netbox-prefixes':
      return parseNetboxPrefixes(records, space);
    case 'netbox-ip-addresses': {
      const pools = new Map<string, { name: string; cidr: ReturnType<typeof parseCidr> }[]>();
      for (const name of netboxSpaces(records, space)) {
        pools.set(name, (await snapshot(name)).pools.map((p) => ({ name: p.name, cidr: parseCidr(p.cidr) })));
      }
      return parseNetboxAddresses(records, space, (name) => pools.get(name) ?? []);
    }
    default:
      throw errors.INVALID_INPUT({ case: 'import-header', line: records[0].line, header });
  }
}

function groupBySpace(parsed: ParsedRows, defaultSpace: string): Map<string, { pools: PoolRow[]; allocations: AllocationRow[] }> {
  const groups = new Map<string, { pools: PoolRow[]; allocations: AllocationRow[] }>();
  const group = (space: unknown) => {
    const key = typeof space === 'string' ? space : defaultSpace;
    if (!groups.has(key)) groups.set(key, { pools: [], allocations: [] });
    return groups.get(key)!;
  };
  for (const row of parsed.pools) group(row.space).pools.push(row);
  for (const row of parsed.allocations) group(row.space).allocations.push(row);
  return groups;
}

/** Decides the rows against a snapshot with the engine's import: a dry run on a private copy of the space. */
function checkAgainst(snapshot: ExportDocument, space: string, rows: { pools: PoolRow[]; allocations: AllocationRow[] }, actor: string) {
  const state = new SpaceState(space);
  state.catchUp({ version: 0, full: true, pools: snapshot.pools.map(poolRecordOf), allocations: snapshot.allocations.map(allocationRecordOf), deletedPools: [], deletedAllocations: [] });
  const refusedRows = new Set<object>();
  const changes: ImportOutcome[] = [];
  const refusals: ImportOutcome[] = [];
  const tx = new SpaceTx(space, state, Date.now(), actor);
  const result = importRows(tx, { space, pools: rows.pools, allocations: rows.allocations, dryRun: true }, (row, outcome) => {
    if (outcome.action === 'refused') {
      refusedRows.add(row);
      refusals.push(outcome);
    } else if (outcome.action === 'created') changes.push(outcome);
  });
  return { created: result.created, unchanged: result.unchanged, changes, refusals, refusedRows };
}

/** Batches of at most `size` rows, pools first; after a too-large answer, the same rows again in half the size. */
function batchesOf(pools: PoolRow[], allocations: AllocationRow[], size: number) {
  const rows = [...pools.map((row) => ({ pool: row })), ...allocations.map((row) => ({ allocation: row }))];
  let at = 0;
  let current: { pools: PoolRow[]; allocations: AllocationRow[]; size: number } | undefined;
  const take = () => {
    if (at >= rows.length) return undefined;
    const slice = rows.slice(at, at + size);
    current = {
      pools: slice.flatMap((r) => ('pool' in r ? [r.pool] : [])),
      allocations: slice.flatMap((r) => ('allocation' in r ? [r.allocation] : [])),
      size: slice.length,
    };
    return current;
  };
  return {
    next() {
      if (current !== undefined) at += current.size;
      current = undefined;
      return take();
    },
    retrySmaller() {
      size = Math.max(1, Math.floor(size / 2));
      current = undefined;
      return take()!;
    },
  };
}

function partway(e: unknown, done: number, total: number): unknown {
  if (!isIpamError(e) || done === 0) return e;
  return importedBefore(e, { done, total });
}

function byLine(outcomes: ImportOutcome[]): void {
  outcomes.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
