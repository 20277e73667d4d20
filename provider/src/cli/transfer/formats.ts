import type { NetboxFormat } from './netbox';

/**
 * The file formats of `ipam import` and the CSV columns, as plain data: the command's help
 * (../transfer-commands.ts) is written from them without loading the import's modules, which
 * only `ipam import` and `ipam export` need.
 */
export type ImportFormat = 'json' | 'csv' | NetboxFormat;
export const IMPORT_FORMATS: readonly ImportFormat[] = ['json', 'csv', 'netbox-prefixes', 'netbox-ip-addresses'];

/**
 * The CSV columns of `ipam import` and `ipam export --format csv`: one row per pool or
 * allocation, told apart by `record`. Empty cells are absent values. Lists and maps are written
 * in one cell: `reserved` as CIDRs or ranges separated by spaces, `labels` as key=value pairs
 * separated by ";".
 */
export const CSV_COLUMNS: [column: string, meaning: string][] = [
  ['record', '"pool" or "allocation" (required)'],
  ['space', 'address space (default: --space, else "default")'],
  ['pool', "the pool's name, or the allocation's pool (required)"],
  ['cidr', "the pool's block, or the allocation's block or host address (required)"],
  ['owner', "allocation: owner key (required); pool: the claim's owner key that carved it"],
  ['parent', 'pool: parent pool it is carved from'],
  ['kind', 'pool: pool|slice; allocation: prefix|host (default host for a bare address)'],
  ['status', 'allocation: allocated|released (default allocated)'],
  ['strategy', 'pool: first-fit|best-fit'],
  ['gateway', 'pool: gateway address'],
  ['reserved', 'pool: blocks never handed out, separated by spaces'],
  ['default_prefix_length', 'pool: prefix length used when a request gives none'],
  ['grace_period_seconds', 'pool: how long a released block is held for its owner'],
  ['created_at', 'pool: ISO 8601 time it was made (default now)'],
  ['allocated_at', 'allocation: ISO 8601 time it was made (default now)'],
  ['released_at', 'allocation: ISO 8601 time it was released (released only; default now)'],
  ['creator', 'who it was made for (default: you)'],
  ['description', 'free text'],
  ['labels', 'key=value pairs separated by ";"'],
];
