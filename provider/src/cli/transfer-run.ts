import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { messageFor } from '../errors';
import { DEFAULT_SPACE } from '../model/constants';
import { ImportOutcome } from '../model/import-result';
import { UsageError } from './args';
import type { CommandContext, Output } from './command';
import { CLI_HINTS } from './hints';
import { exportCsv } from './transfer/csv-rows';
import { exportDocument, exportJson } from './transfer/export';
import { IMPORT_FORMATS, ImportFormat } from './transfer/formats';
import { ImportReport, importText } from './transfer/import-flow';
import { NO_PROGRESS, progressBar } from './transfer/progress';

/** What `ipam import` (./transfer-commands.ts) does. */
export async function runImport(ctx: CommandContext): Promise<Output> {
  const format = ctx.options.format as ImportFormat | undefined;
  if (format !== undefined && !IMPORT_FORMATS.includes(format)) throw new UsageError(`--format: "${format}" is not an import format; use ${IMPORT_FORMATS.join(', ')}`);
  const dryRun = ctx.options['dry-run'] === true;
  const skipInvalid = ctx.options['skip-invalid'] === true;
  if (dryRun && skipInvalid) throw new UsageError('--dry-run writes nothing, so --skip-invalid means nothing with it; give one');
  const text = readInput(ctx, ctx.args[0]);
  const progress = ctx.io?.stderrIsTTY === true ? progressBar(ctx.io.stderr, 'importing') : NO_PROGRESS;
  const report = await importText(ctx.api, text, { space: ctx.space ?? DEFAULT_SPACE, format, dryRun, skipInvalid, progress, actor: ctx.actor ?? 'ipam' });
  return { json: report, text: reportText(report), exitCode: failed(report) ? 1 : 0 };
}

/** What `ipam export` (./transfer-commands.ts) does. */
export async function runExport(ctx: CommandContext): Promise<Output> {
  const format = (ctx.options.format as string | undefined) ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new UsageError(`--format: "${format}" is not an export format; use json or csv`);
  const document = await exportDocument(ctx.api, ctx.space);
  const text = format === 'json' ? exportJson(document) : exportCsv(document.pools, document.allocations);
  const out = ctx.options.out as string | undefined;
  if (out === undefined) return { json: document, text: text.replace(/\n$/, '') };
  const file = resolve(ctx.cwd, out);
  writeFileSync(file, text);
  const summary = { pools: document.pools.length, allocations: document.allocations.length, file };
  return { json: summary, text: `exported ${summary.pools} pool(s) and ${summary.allocations} allocation(s) to ${file}` };
}

function readInput(ctx: CommandContext, name: string): string {
  const file = resolve(ctx.cwd, name);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function failed(report: ImportReport): boolean {
  return report.stopped !== undefined || (report.refused > 0 && !(report.written && !report.dryRun));
}

function reportText(report: ImportReport): string {
  const lines: string[] = [];
  if (report.dryRun) lines.push(...report.changes.map((change) => `${at(change)}would create ${what(change)}`));
  lines.push(...report.refusals.map((refusal) => `${at(refusal)}refused: ${refusal.code}: ${messageFor({ message: refusal.message ?? '', hint: refusal.hint }, CLI_HINTS)}`));
  const refused = `${report.refused} refused`;
  if (report.dryRun) {
    lines.push(`dry run: ${report.created} to create, ${report.unchanged} unchanged, ${refused}; nothing was written`);
  } else if (report.stopped !== undefined) {
    lines.push(`import stopped: ${report.stopped}`);
  } else if (!report.written) {
    lines.push(`nothing was written: ${report.refused} line(s) refused; fix them, or import the other lines with --skip-invalid`);
  } else {
    lines.push(`imported: ${report.created} created, ${report.unchanged} unchanged${report.refused > 0 ? `, ${refused} and skipped` : ''}`);
  }
  return lines.join('\n');
}

const at = (outcome: ImportOutcome): string => (outcome.line === undefined ? '' : `line ${outcome.line}: `);

function what(change: ImportOutcome): string {
  return change.record === 'pool' ? `pool ${change.name} (${change.cidr})` : `allocation of "${change.name}" in pool ${change.pool} (${change.cidr})`;
}
