import { at, plain } from './define';
import { quote } from './text';

/**
 * `ipam import` and IpamApi.importRecords: the refusals of a file (its format, its header, a
 * CSV line) and of its rows (a row the engine cannot take as written). Each is a case of an
 * existing code (the code files spread these tables into theirs), so an import refuses with the
 * same codes as a single request would.
 */

/** " (first on line 3)": where a repeated pool or owner first appeared, when the row had a line. */
const firstOn = (line: number | undefined) => (line === undefined ? '' : ` (first on line ${line})`);

/** A stored value as a refusal quotes it: JSON, or "none" when there is none. */
const storedText = (value: unknown) => (value === undefined ? 'none' : JSON.stringify(value));

/** An allocation as a conflict names it: "10.0.9.0/24 (prefix, allocated)". */
export interface HeldBlock {
  cidr: string;
  kind: string;
  status: string;
}
const heldText = (b: HeldBlock) => `${b.cidr} (${b.kind}, ${b.status})`;

/** The formats the CSV header of an import may be, as a refusal of an unknown header lists them. */
const KNOWN_HEADERS = 'a "record" column (ipam\'s CSV), "Prefix" (NetBox prefixes) or "IP Address" (NetBox IP addresses); or give --format';

export const TRANSFER_CASES = {
  INVALID_INPUT: {
    // The file as a whole.
    'import-empty': () => at('file', 'it is empty; give a CSV file with a header line, or the JSON `ipam export` writes'),
    'import-header': (p: { line: number; header: string[] }) =>
      plain(`line ${p.line}: the header (${p.header.slice(0, 6).join(',')}${p.header.length > 6 ? ',...' : ''}) is none of the formats ipam import reads: ${KNOWN_HEADERS}`, 'format'),
    'import-not-json': (p: { cause: string }) => at('file', `not JSON (${p.cause}); give the file \`ipam export\` writes, or a CSV file`),
    'import-format': (p: { format: unknown; reads: string }) =>
      at('format', `${quote(p.format)} is not an export format this version reads; it reads "${p.reads}" (written by \`ipam export\`)`),
    'import-list': (p: { list: 'pools' | 'allocations' }) => at(p.list, `give a list of ${p.list === 'pools' ? 'pool' : 'allocation'} objects`),
    // CSV text and headers (ipam's columns, NetBox's).
    'csv-open-quote': (p: { line: number }) => plain(`line ${p.line}: a quoted field is never closed; end it with "`, 'file'),
    'csv-after-quote': (p: { line: number }) => plain(`line ${p.line}: text after a closing quote; quote the whole field and double the quotes inside it`, 'file'),
    'csv-unknown-column': (p: { line: number; column: string; columns: readonly string[] }) =>
      plain(`line ${p.line}: column "${p.column}" is not an import column; the columns are ${p.columns.join(', ')} (see \`ipam import --help\`)`, p.column),
    'csv-missing-column': (p: { line: number; column: string }) => plain(`line ${p.line}: the header has no "${p.column}" column; it is required`, p.column),
    'netbox-missing-column': (p: { line: number; column: 'prefix' | 'address' }) =>
      plain(`line ${p.line}: the header has no "${p.column}" column; is this NetBox's ${p.column === 'prefix' ? 'prefix' : 'IP address'} export?`, p.column),
    /** Said alike for ipam's CSV and NetBox's: an unquoted comma is the usual cause in both. */
    'csv-field-count': (p: { fields: number; columns: number }) =>
      plain(`line has ${p.fields} fields, the header ${p.columns}; quote a field that holds a comma`, 'file'),
    // One row, as read from the file.
    'row-shape': (p: { record: 'pool' | 'allocation' }) => at(p.record, `give an object with the ${p.record}'s fields`),
    'row-field': (p: { field: string; record: 'pool' | 'allocation'; fields: readonly string[] }) =>
      at(p.field, `not a field of a${p.record === 'allocation' ? 'n' : ''} ${p.record}; its fields are ${p.fields.join(', ')}`),
    'record-type': (p: { record: string | undefined }) => at('record', `"${String(p.record)}" is not a record type; use "pool" or "allocation"`),
    'whole-number': (p: { column: string; value: string }) => at(p.column, `"${p.value}" is not a whole number`),
    'label-pair': (p: { pair: string }) => at('labels', `"${p.pair}" is not key=value; separate pairs with ";"`),
    'netbox-vrf': (p: { vrf: string }) => at('vrf', `"${p.vrf}" has no letter or digit to name an address space after`),
    // One row, as the engine decides it.
    'row-space': (p: { space: string; importing: string }) => at('space', `the row is for address space ${quote(p.space)}, but this import writes to "${p.importing}"`),
    'pool-kind': (p: { value: unknown }) => at('kind', `${quote(p.value)} is not a pool kind; use "pool" (or "slice" for a KubeSlice slice)`),
    'allocation-status': (p: { value: unknown }) => at('status', `${quote(p.value)} is not an allocation status; use "allocated" or "released"`),
    'released-at': () => at('releasedAt', 'only a released allocation has a release time; leave it out, or set status to released'),
    time: (p: { field: string; value: unknown }) => at(p.field, `${quote(p.value)} is not a time; write it in ISO 8601, like 2024-05-01T12:00:00Z`),
  },
  INVALID_CIDR: {
    'import-cidr': () => at('cidr', 'give a CIDR like 10.0.1.0/24, or an address for a host'),
    'import-host-block': (p: { block: string }) => at('cidr', `${p.block} is a block, but a host allocation is one address; give the address, or kind "prefix"`),
  },
  POOL_EXISTS: {
    'file-twice': (p: { pool: string; firstLine?: number }) => at('name', `pool "${p.pool}" is defined twice in the file${firstOn(p.firstLine)}`),
    /** A stored pool of the row's name whose `field` differs from the row's. */
    'file-differs': (p: { field: string; pool: string; space: string; stored: unknown; given: unknown }) =>
      at(
        p.field,
        `pool "${p.pool}" already exists in address space "${p.space}" with ${p.field} ${storedText(p.stored)}, and the file gives ${storedText(p.given)}; ` +
          'rename it in the file, or change the stored pool first',
      ),
  },
  OWNER_CONFLICT: {
    'file-twice': (p: { owner: string; pool: string; firstLine?: number }) =>
      at('owner', `${quote(p.owner)} appears twice for pool ${quote(p.pool)} in the file; give each allocation its own owner key${firstOn(p.firstLine)}`),
    'file-differs': (p: { owner: string; pool: string; held: HeldBlock; given: HeldBlock }) =>
      at('owner', `"${p.owner}" already holds ${heldText(p.held)} in pool "${p.pool}"; the file gives ${heldText(p.given)}; release it first or use another owner key`),
  },
  POOL_NOT_FOUND: {
    'netbox-address': (p: { address: string; space: string }) =>
      at('address', `${p.address} is in no pool of address space "${p.space}"; import NetBox's prefixes first (ipam import --format netbox-prefixes)`),
  },
} as const;

