import { errors, isIpamError } from '../../errors';
import { AllocationRow, PoolRow } from '../../model/import';
import { Address, formatAddress, parseAddress } from '../../net/address';
import { Cidr, bitsOf, contains, endOf, formatCidr, parseCidr } from '../../net/cidr';
import { CsvRecord } from './csv';
import { ParsedRows, readRefusal } from './rows';

/**
 * NetBox's CSV exports, mapped onto pools and allocations.
 *
 * Headers are read as NetBox writes them in either export: the table export ("Prefix", "VRF",
 * "IP Address", "DNS Name") or the bulk-import field names ("prefix", "vrf", "address",
 * "dns_name"). Compared in lower case with spaces as "_".
 *
 * Prefixes: every prefix becomes a pool named after its block (10.1.0.0/16 -> "10.1.0.0-16");
 * a prefix inside another prefix of the file (same VRF) is carved from the innermost one, and a
 * non-container prefix carved that way is a claim (its owner key is "netbox-prefix:CIDR"), so
 * the IP addresses inside it can then be allocated from it.
 * IP addresses: each becomes a host allocation (owner "netbox-ip:ADDRESS") in the innermost pool
 * of its address space holding it; the mask NetBox writes with it is ignored.
 * Both: the VRF is the address space (empty or "Global": the import's space); description is
 * kept; status, tenant, site, VLAN, role and DNS name become labels "netbox-..."; a deprecated
 * one is imported released (its grace period starts now). Everything else (ID, utilization,
 * children, depth, tags, is_pool, mark_utilized, assigned interface, NAT, comments, custom
 * fields, dates) is ignored.
 */
export type NetboxFormat = 'netbox-prefixes' | 'netbox-ip-addresses';

const ALIASES: Record<string, string> = { ip_address: 'address', 'prefix_(flat)': 'prefix' };

function netboxColumns(header: string[]): string[] {
  return header.map((h) => {
    const key = h.trim().toLowerCase().replace(/\s+/g, '_');
    return ALIASES[key] ?? key;
  });
}

export function detectNetbox(header: string[]): NetboxFormat | undefined {
  const columns = netboxColumns(header);
  if (columns.includes('prefix')) return 'netbox-prefixes';
  if (columns.includes('address')) return 'netbox-ip-addresses';
  return undefined;
}

/** The pool name of a NetBox prefix: its block with "/" and ":" as "-" (a valid pool name for IPv4 and IPv6). */
function netboxPoolName(cidr: Cidr): string {
  return formatCidr(cidr).replace(/[/:]/g, '-');
}

export function parseNetboxPrefixes(records: CsvRecord[], defaultSpace: string): ParsedRows {
  const parsed: ParsedRows = { pools: [], allocations: [], refused: [] };
  const prefixes: { row: PoolRow; cidr: Cidr; container: boolean }[] = [];
  for (const cells of rowsOf(records, 'prefix', parsed, 'pool')) {
    const line = cells.line;
    try {
      const cidr = parseCidr(cells.get('prefix'), 'prefix');
      const status = cells.get('status').toLowerCase();
      const row: PoolRow = { line, space: spaceOfVrf(cells.get('vrf'), defaultSpace), name: netboxPoolName(cidr), cidr: formatCidr(cidr) };
      describe(row, cells, ['status', 'tenant', 'site', 'vlan', 'role']);
      prefixes.push({ row, cidr, container: status === 'container' });
    } catch (e) {
      refuse(parsed, e, line, 'pool', cells.get('prefix'));
    }
  }
  // Innermost enclosing prefix: in (space, start, size) order, a stack of the open blocks.
  prefixes.sort((a, b) => compare(a.row.space!, b.row.space!) || (a.cidr.family - b.cidr.family) || compareBig(a.cidr.start, b.cidr.start) || a.cidr.prefix - b.cidr.prefix);
  const open: (typeof prefixes)[number][] = [];
  for (const prefix of prefixes) {
    while (open.length > 0 && !(open[open.length - 1].row.space === prefix.row.space && contains(open[open.length - 1].cidr, prefix.cidr))) open.pop();
    const parent = open[open.length - 1];
    if (parent !== undefined && parent.row.name !== prefix.row.name) {
      prefix.row.parent = parent.row.name;
      if (!prefix.container) prefix.row.owner = `netbox-prefix:${prefix.row.cidr}`;
    }
    open.push(prefix);
  }
  parsed.pools = prefixes.map((p) => p.row).sort((a, b) => a.line! - b.line!);
  return parsed;
}

/** The pools an address may land in, per address space: name and block. */
export type PoolsBySpace = (space: string) => { name: string; cidr: Cidr }[];

export function parseNetboxAddresses(records: CsvRecord[], defaultSpace: string, poolsOf: PoolsBySpace): ParsedRows {
  const parsed: ParsedRows = { pools: [], allocations: [], refused: [] };
  const finders = new Map<string, (address: Address) => string | undefined>();
  for (const cells of rowsOf(records, 'address', parsed, 'allocation')) {
    const line = cells.line;
    try {
      const text = cells.get('address');
      const address = parseAddress(text.includes('/') ? text.slice(0, text.indexOf('/')) : text, 'address');
      const space = spaceOfVrf(cells.get('vrf'), defaultSpace);
      if (!finders.has(space)) finders.set(space, innermostPool(poolsOf(space)));
      const shown = formatAddress(address);
      const pool = finders.get(space)!(address);
      if (pool === undefined) throw errors.POOL_NOT_FOUND({ case: 'netbox-address', address: shown, space });
      const row: AllocationRow = { line, space, pool, owner: `netbox-ip:${shown}`, cidr: `${shown}/${bitsOf(address.family)}`, kind: 'host' };
      if (cells.get('status').toLowerCase() === 'deprecated') row.status = 'released';
      describe(row, cells, ['status', 'dns_name', 'tenant', 'role']);
      parsed.allocations.push(row);
    } catch (e) {
      refuse(parsed, e, line, 'allocation', cells.get('address'));
    }
  }
  return parsed;
}

interface Cells {
  line: number;
  get(column: string): string;
}

function* rowsOf(records: CsvRecord[], required: 'prefix' | 'address', parsed: ParsedRows, record: 'pool' | 'allocation'): Generator<Cells> {
  const [header, ...body] = records;
  const columns = netboxColumns(header.fields);
  if (!columns.includes(required)) throw errors.INVALID_INPUT({ case: 'netbox-missing-column', line: header.line, column: required });
  for (const { line, fields } of body) {
    const cells = new Map(columns.map((c, i) => [c, (fields[i] ?? '').trim()]));
    if (fields.length !== columns.length) {
      parsed.refused.push(readRefusal(line, record, cells.get(required) ?? '', errors.INVALID_INPUT({ case: 'csv-field-count', fields: fields.length, columns: columns.length })));
      continue;
    }
    yield { line, get: (column) => cells.get(column) ?? '' };
  }
}

/** Description, and the NetBox fields worth keeping as labels "netbox-<field>". */
function describe(row: PoolRow | AllocationRow, cells: Cells, labelled: string[]): void {
  const description = cells.get('description');
  if (description !== '') row.description = description;
  const labels: Record<string, string> = {};
  for (const field of labelled) {
    const value = cells.get(field);
    if (value !== '') labels[`netbox-${field.replace(/_/g, '-')}`] = field === 'status' ? value.toLowerCase() : value;
  }
  if (Object.keys(labels).length > 0) row.labels = labels;
}

/** A VRF is an address space: its name in lower case, anything but letters and digits as "-". */
function spaceOfVrf(vrf: string, defaultSpace: string): string {
  if (vrf === '' || vrf.toLowerCase() === 'global') return defaultSpace;
  const space = vrf.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  if (space === '') throw errors.INVALID_INPUT({ case: 'netbox-vrf', vrf });
  return space;
}

/** The innermost pool holding an address: one map per prefix length, longest first, so no scan over pools. */
function innermostPool(pools: { name: string; cidr: Cidr }[]): (address: Address) => string | undefined {
  const byLength = new Map<string, Map<bigint, string>>();
  for (const { name, cidr } of pools) {
    const key = `${cidr.family}/${cidr.prefix}`;
    if (!byLength.has(key)) byLength.set(key, new Map());
    byLength.get(key)!.set(cidr.start, name);
  }
  const lengths = [...byLength.keys()].map((k) => k.split('/').map(Number) as [4 | 6, number]).sort((a, b) => b[1] - a[1]);
  return (address) => {
    for (const [family, prefix] of lengths) {
      if (family !== address.family) continue;
      const host = BigInt(bitsOf(family) - prefix);
      const start = (address.value >> host) << host;
      const name = byLength.get(`${family}/${prefix}`)!.get(start);
      if (name !== undefined && address.value <= endOf({ family, start, prefix })) return name;
    }
    return undefined;
  };
}

function refuse(parsed: ParsedRows, e: unknown, line: number, record: 'pool' | 'allocation', name: string): void {
  if (!isIpamError(e)) throw e;
  parsed.refused.push(readRefusal(line, record, name, e));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** The address spaces the rows of a NetBox export land in (from its VRF column), to read their pools first. */
export function netboxSpaces(records: CsvRecord[], defaultSpace: string): string[] {
  const [header, ...body] = records;
  const vrf = netboxColumns(header.fields).indexOf('vrf');
  const spaces = new Set<string>([defaultSpace]);
  for (const { fields } of body) {
    try {
      spaces.add(spaceOfVrf(vrf < 0 ? '' : (fields[vrf] ?? '').trim(), defaultSpace));
    } catch {
      // Refused with its line when the row itself is read.
    }
  }
  return [...spaces];
}
