import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { messageFor } from '../errors';
import { ImportOutcome } from '../model/import-result';
import { DEFAULT_SPACE } from '../model/constants';
import { OptionSpec, UsageError } from './args';
import type { Command, CommandContext, Output } from './command';
import { CLI_HINTS } from './hints';
import { CSV_COLUMNS, exportCsv } from './transfer/csv-rows';
import { exportDocument, exportJson } from './transfer/export';
import { IMPORT_FORMATS, ImportFormat, ImportReport, importText } from './transfer/import-flow';
import { NO_PROGRESS, progressBar } from './transfer/progress';

/** `ipam import` and `ipam export`: bringing allocations in from a file (ours, or NetBox's), and out. */
export const TRANSFER_OPTIONS: Record<string, OptionSpec> = {
  'dry-run': { type: 'flag', help: 'report what would change and every refused line; write nothing' },
  'skip-invalid': { type: 'flag', help: 'import the lines that are accepted even when others are refused' },
  format: { type: 'value', valueName: 'FORMAT', help: `import: ${IMPORT_FORMATS.join('|')} (default: from the content); export: json|csv` },
  out: { type: 'value', valueName: 'FILE', help: 'write the export to FILE instead of stdout' },
};

const IMPORT_DETAILS = [
  'FILE is one of (detected from its content, or named with --format):',
  '  json                 the JSON `ipam export` writes ({"format": "pulumi-ipam/v1", "pools": [...], "allocations": [...]})',
  '  csv                  one row per pool or allocation, with a header naming these columns (any order, only record, pool and cidr required):',
  ...CSV_COLUMNS.map(([column, meaning]) => `                         ${column.padEnd(22)}${meaning}`),
  '  netbox-prefixes      NetBox\'s prefix CSV export: each prefix a pool, carved from the innermost prefix holding it;',
  '                       a non-container prefix inside another is a claim (owner netbox-prefix:CIDR); the VRF is the address space',
  '  netbox-ip-addresses  NetBox\'s IP address CSV export: each address a host allocation (owner netbox-ip:ADDRESS)',
  '                       in the innermost pool holding it; import the prefixes first',
  '',
  'Every line is checked first, against the current state: an overlap, a block outside its pool, a duplicate owner, a bad CIDR,',
  'an unknown pool. Any refused line means nothing is written (unless --skip-invalid); each is reported with its line number and',
  'field. Lines already imported are unchanged, so importing the same file twice writes nothing the second time.',
].join('\n');

export const transferCommands: Command[] = [
  {
    path: ['import'],
    usage: 'import FILE [--format json|csv|netbox-prefixes|netbox-ip-addresses] [--dry-run] [--skip-invalid] [--space S]',
    summary: 'bring in pools and allocations from a file: ours (JSON or CSV) or a NetBox CSV export',
    details: IMPORT_DETAILS,
    args: ['FILE'],
    options: ['format', 'dry-run', 'skip-invalid'],
    async run(ctx) {
      const format = ctx.options.format as ImportFormat | undefined;
      if (format !== undefined && !IMPORT_FORMATS.includes(format)) throw new UsageError(`--format: "${format}" is not an import format; use ${IMPORT_FORMATS.join(', ')}`);
      const dryRun = ctx.options['dry-run'] === true;
      const skipInvalid = ctx.options['skip-invalid'] === true;
      if (dryRun && skipInvalid) throw new UsageError('--dry-run writes nothing, so --skip-invalid means nothing with it; give one');
      const text = readInput(ctx, ctx.args[0]);
      const progress = ctx.io?.stderrIsTTY === true ? progressBar(ctx.io.stderr, 'importing') : NO_PROGRESS;
      const report = await importText(ctx.api, text, { space: ctx.space ?? DEFAULT_SPACE, format, dryRun, skipInvalid, progress, actor: ctx.actor ?? 'ipam' });
      return { json: report, text: reportText(report), exitCode: failed(report) ? 1 : 0 };
    },
  },
  {
    path: ['export'],
    usage: 'export [--space S] [--format json|csv] [--out FILE]',
    summary: 'write every pool and allocation (of --space, or of every space) as JSON or CSV that `ipam import` reads back',
    args: [],
    options: ['format', 'out'],
    async run(ctx): Promise<Output> {
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
    },
  },
];

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
