import { gunzipSync, gzipSync } from 'node:zlib';
import { AllocationRecord, AuditEvent, PoolRecord } from '../../model/records';
import { Cidr, cidrFromStart, formatCidr, sizeOf } from '../../net/cidr';

/**
 * The compact form of a ledger's content (see ledger.ts for why one object, and docs/kubernetes.md
 * section 7): the allocations packed column by column, then gzip, then base64, so that one
 * IpamLedger object holds tens of thousands of allocations under etcd's request limit.
 *
 * Allocations are sorted by pool, family and address, and each field becomes a column in which
 * neighbours look alike, which is what gzip feeds on:
 *   - the block: its distance from the end of the previous block of the same pool (0 for blocks
 *     handed out one after another) and its prefix length; the first of a pool counts from 0;
 *   - the owner key: how many leading characters it shares with the previous owner, and the rest
 *     ("dev/net/subnet-00041" after "dev/net/subnet-00040" is 19 and "1");
 *   - kind and status: one small number; times: milliseconds since the previous record's;
 *   - creators: an index into a list of the distinct ones;
 *   - anything else (descriptions, labels, fields of a newer release): kept as JSON, per record.
 * Pools, pool revisions and the audit trail are few and stay records. Decoding gives back every
 * record exactly (field for field; only the order of the allocations is the sorted one).
 */
export const LEDGER_ENCODING = 'gzip-columns-v1';

/** What the encoded ledger carries besides its records. */
export interface LedgerContent {
  pools: PoolRecord[];
  allocations: AllocationRecord[];
  revisions: Record<string, number>;
  audit: AuditEvent[];
}

/** The payload before gzip: plain JSON, all columns aligned on the sorted allocations. */
interface Columns {
  pools: PoolRecord[];
  revisions: Record<string, number>;
  audit: AuditEvent[];
  /** Runs of allocations of one pool: [pool, how many], in order. */
  runs: [string, number][];
  /** Start of the block minus the end of the previous block of the run; a decimal string past 2^53. */
  gap: (number | string)[];
  /** Prefix length, plus IPV6 for an IPv6 block. */
  len: number[];
  /** The owner key, front-coded against the previous record's. */
  owner: FrontCoded;
  /** FLAG bits. */
  flags: number[];
  /** allocatedAt, front-coded against the previous record's. */
  at: FrontCoded;
  /** releasedAt of the records that have one (FLAG.releasedAt), front-coded against the previous one. */
  released: FrontCoded;
  /** Distinct creators; `creator` holds 1 + the index, 0 for none. */
  creators: string[];
  creator: number[];
  /** Fields without a column, by position: description, labels, anything a newer release adds. */
  extra: Record<number, Record<string, unknown>>;
}

const IPV6 = 1000;
const FLAG = { host: 1, released: 2, releasedAt: 4, rawCidr: 8 } as const;
const COLUMN_FIELDS = new Set(['pool', 'owner', 'cidr', 'kind', 'status', 'allocatedAt', 'releasedAt', 'creator']);
/** gzip level 6 (zlib's default): level 9 saves about 1% more here at twice the time. */
const GZIP = { level: 6 };

/** Texts as [characters shared with the previous text, the rest]: sorted neighbours share most of theirs. */
interface FrontCoded {
  shared: number[];
  tail: string[];
}

interface Sortable {
  record: AllocationRecord;
  block?: Cidr;
}

export function encodeLedger(content: LedgerContent): string {
  const sorted = content.allocations.map(sortable).sort(bySpaceOrder);
  const columns: Columns = {
    pools: content.pools,
    revisions: content.revisions,
    audit: content.audit,
    runs: [],
    gap: [],
    len: [],
    owner: { shared: [], tail: [] },
    flags: [],
    at: { shared: [], tail: [] },
    released: { shared: [], tail: [] },
    creators: [],
    creator: [],
    extra: {},
  };
  const creatorIndex = new Map<string, number>();
  let previous = { pool: '', end: 0n, owner: '', at: '', released: '' };
  for (const [i, { record, block }] of sorted.entries()) {
    const run = columns.runs.at(-1);
    if (run === undefined || run[0] !== record.pool) {
      columns.runs.push([record.pool, 1]);
      previous = { ...previous, pool: record.pool, end: 0n };
    } else run[1]++;
    let flags = (record.kind === 'host' ? FLAG.host : 0) | (record.status === 'released' ? FLAG.released : 0);
    const extra: Record<string, unknown> = {};
    if (block === undefined) {
      flags |= FLAG.rawCidr;
      extra.cidr = record.cidr;
    } else {
      columns.gap.push(safeNumber(block.start - previous.end));
      columns.len.push(block.prefix + (block.family === 6 ? IPV6 : 0));
      previous.end = block.start + sizeOf(block);
    }
    frontCode(columns.owner, previous.owner, record.owner);
    frontCode(columns.at, previous.at, record.allocatedAt);
    previous = { ...previous, owner: record.owner, at: record.allocatedAt };
    if (record.releasedAt !== undefined) {
      flags |= FLAG.releasedAt;
      frontCode(columns.released, previous.released, record.releasedAt);
      previous.released = record.releasedAt;
    }
    columns.flags.push(flags);
    if (record.creator === undefined) columns.creator.push(0);
    else {
      if (!creatorIndex.has(record.creator)) creatorIndex.set(record.creator, creatorIndex.size);
      columns.creator.push(creatorIndex.get(record.creator)! + 1);
    }
    for (const [key, value] of Object.entries(record)) if (!COLUMN_FIELDS.has(key) && value !== undefined) extra[key] = value;
    if (Object.keys(extra).length > 0) columns.extra[i] = extra;
  }
  columns.creators = [...creatorIndex.keys()];
  return gzipSync(JSON.stringify(columns), GZIP).toString('base64');
}

export function decodeLedger(data: string): LedgerContent {
  const columns = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as Columns;
  const allocations: AllocationRecord[] = [];
  let i = 0;
  let block = 0;
  let released = 0;
  let owner = '';
  let at = '';
  let releasedAt = '';
  for (const [pool, count] of columns.runs) {
    let end = 0n;
    for (let n = 0; n < count; n++, i++) {
      const flags = columns.flags[i];
      const extra = columns.extra[i] ?? {};
      let cidr: string;
      if (flags & FLAG.rawCidr) cidr = extra.cidr as string;
      else {
        const len = columns.len[block];
        const family = len >= IPV6 ? 6 : 4;
        const start = end + BigInt(columns.gap[block++]);
        const parsed = cidrFromStart(family, start, len - (family === 6 ? IPV6 : 0));
        end = start + sizeOf(parsed);
        cidr = formatCidr(parsed);
      }
      owner = frontDecode(columns.owner, i, owner);
      at = frontDecode(columns.at, i, at);
      const record: AllocationRecord = { pool, owner, cidr, kind: flags & FLAG.host ? 'host' : 'prefix', status: flags & FLAG.released ? 'released' : 'allocated', allocatedAt: at };
      if (flags & FLAG.releasedAt) record.releasedAt = releasedAt = frontDecode(columns.released, released++, releasedAt);
      const creator = columns.creator[i];
      if (creator > 0) record.creator = columns.creators[creator - 1];
      const { cidr: _raw, ...rest } = extra;
      allocations.push(Object.assign(record, rest));
    }
  }
  return { pools: columns.pools, allocations, revisions: columns.revisions, audit: columns.audit };
}

function sortable(record: AllocationRecord): Sortable {
  const block = quickCidr(record.cidr);
  // Only a block that prints back as the same text is packed; any other text is kept as it is.
  return block !== undefined && formatCidr(block) === record.cidr ? { record, block } : { record };
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^([0-9a-f:]+)\/(\d{1,3})$/;

/**
 * The block a stored CIDR text names, parsed for speed (the codec sees every record on every
 * commit; parseCidr's checks cost 5 µs a record). A wrong reading is harmless: sortable() keeps
 * a block only when it prints back as the very same text.
 */
function quickCidr(text: string): Cidr | undefined {
  const v4 = IPV4_CIDR.exec(text);
  if (v4 !== null) {
    const start = ((+v4[1] << 24) >>> 0) + (+v4[2] << 16) + (+v4[3] << 8) + +v4[4];
    return cidrFromStart(4, BigInt(start), +v4[5]);
  }
  const v6 = IPV6_CIDR.exec(text);
  if (v6 === null) return undefined;
  const halves = v6[1].split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 1 || halves[1] === '' ? [] : halves[1].split(':');
  const groups = halves.length === 1 ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return cidrFromStart(6, BigInt(`0x${groups.map((g) => g.padStart(4, '0')).join('')}`), +v6[2]);
}

/** By pool, then packed blocks by family and address, then the rest by owner. */
function bySpaceOrder(a: Sortable, b: Sortable): number {
  if (a.record.pool !== b.record.pool) return a.record.pool < b.record.pool ? -1 : 1;
  if (a.block === undefined || b.block === undefined) {
    if (a.block !== b.block) return a.block === undefined ? 1 : -1;
    return a.record.owner < b.record.owner ? -1 : a.record.owner > b.record.owner ? 1 : 0;
  }
  if (a.block.family !== b.block.family) return a.block.family - b.block.family;
  if (a.block.start !== b.block.start) return a.block.start < b.block.start ? -1 : 1;
  return a.block.prefix - b.block.prefix;
}

function frontCode(column: FrontCoded, previous: string, text: string): void {
  const max = Math.min(previous.length, text.length);
  let shared = 0;
  while (shared < max && previous.charCodeAt(shared) === text.charCodeAt(shared)) shared++;
  // Never split a surrogate pair: each tail must be valid text on its own (JSON, then UTF-8).
  if (shared > 0 && shared < text.length && isHighSurrogate(text.charCodeAt(shared - 1))) shared--;
  column.shared.push(shared);
  column.tail.push(text.slice(shared));
}

const frontDecode = (column: FrontCoded, i: number, previous: string): string => previous.slice(0, column.shared[i]) + column.tail[i];

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

function safeNumber(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}
