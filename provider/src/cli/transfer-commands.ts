import { OptionSpec } from './args';
import type { Command } from './command';
import { CSV_COLUMNS, IMPORT_FORMATS } from './transfer/formats';

/**
 * `ipam import` and `ipam export`: bringing allocations in from a file (ours, or NetBox's), and
 * out. What they do is in ./transfer-run.ts, loaded only when one of them runs.
 */
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
    run: async (ctx) => (await import('./transfer-run')).runImport(ctx),
  },
  {
    path: ['export'],
    usage: 'export [--space S] [--format json|csv] [--out FILE]',
    summary: 'write every pool and allocation (of --space, or of every space) as JSON or CSV that `ipam import` reads back',
    args: [],
    options: ['format', 'out'],
    run: async (ctx) => (await import('./transfer-run')).runExport(ctx),
  },
];
