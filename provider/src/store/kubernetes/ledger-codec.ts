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
 *   - the block: its distance from the end of the previous block (0 for blocks handed out one
 *     after another) and its prefix length;
 *   - the owner key and the times: how many leading characters each shares with the previous
 *     record's, and the rest ("dev/net/subnet-00041" after "dev/net/subnet-00040" is 19 and "1");
 *   - kind and status: one small number; creators: an index into the distinct ones;
 *   - anything else (descriptions, labels, fields of a newer release): kept as JSON, per record.
 * Pools, pool revisions and the audit trail are few and stay records (the first line).
 *
 * The sorted allocations are cut into segments of about 4,000 records, each its own gzip member
 * (one JSON line); a cut falls after a record whose owner key hashes to a multiple of the target,
 * so a commit moves no cut but its own. A segment whose records are the very objects packed
 * before (a commit keeps the records it does not write) is not packed again: a commit encodes
 * what it changed plus one sort, not the whole namespace. Decoding gives back every record
 * exactly (field for field; only the order of the allocations is the sorted one).
 */
export const LEDGER_ENCODING = 'gzip-columns-v1';

/** What the encoded ledger carries. */
export interface LedgerContent {
  pools: PoolRecord[];
  allocations: AllocationRecord[];
  revisions: Record<string, number>;
  audit: AuditEvent[];
}

/** One segment before gzip: allocations of one pool, consecutive in the sorted order, column by column. */
interface Segment {
  pool: string;
  /** Start of the block minus the end of the previous packed block (the first: minus 0); a decimal string past 2^53. */
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

/** Texts as [characters shared with the previous text, the rest]: sorted neighbours share most of theirs. */
interface FrontCoded {
  shared: number[];
  tail: string[];
}

const IPV6 = 1000;
const FLAG = { host: 1, released: 2, releasedAt: 4, rawCidr: 8 } as const;
const COLUMN_FIELDS = new Set(['pool', 'owner', 'cidr', 'kind', 'status', 'allocatedAt', 'releasedAt', 'creator']);
/** gzip level 6 (zlib's default): level 2 is five times faster but 12% larger, and a commit packs only a segment or two. */
const GZIP = { level: 6 };
/** Records a segment holds on average; at most four times as many. */
const SEGMENT_TARGET = 4_096;
const SEGMENT_MAX_FACTOR = 4;

/** A record with what sorting and cutting need, worked out once per record object. */
interface Sortable {
  record: AllocationRecord;
  block?: Cidr;
  /** An IPv4 block's start as a number (fast comparisons); NaN otherwise. */
  v4: number;
  /** A hash of the owner key: a segment ends after a record whose hash is a multiple of the target. */
  hash: number;
}

const sortables = new WeakMap<AllocationRecord, Sortable>();
const packedSegments = new WeakMap<AllocationRecord, { records: AllocationRecord[]; packed: Buffer }>();

/** `segmentTarget`: records a segment holds on average (tests make it small to have many). */
export function encodeLedger(content: LedgerContent, segmentTarget = SEGMENT_TARGET): string {
  const sorted = content.allocations.map(sortable).sort(bySpaceOrder);
  const parts = [gzipLine({ pools: content.pools, revisions: content.revisions, audit: content.audit })];
  for (const segment of segmentsOf(sorted, segmentTarget)) parts.push(packSegment(segment));
  return Buffer.concat(parts).toString('base64');
}

export function decodeLedger(data: string): LedgerContent {
  const [head, ...segments] = gunzipSync(Buffer.from(data, 'base64')).toString('utf8').split('\n');
  const { pools, revisions, audit } = JSON.parse(head) as Omit<LedgerContent, 'allocations'>;
  const allocations: AllocationRecord[] = [];
  for (const line of segments) if (line !== '') unpackSegment(JSON.parse(line) as Segment, allocations);
  return { pools, allocations, revisions, audit };
}

/** JSON never holds a raw newline (it escapes them in strings): one value a line. */
const gzipLine = (value: unknown): Buffer => gzipSync(`${JSON.stringify(value)}\n`, GZIP);

function segmentsOf(sorted: Sortable[], target: number): AllocationRecord[][] {
  const segments: AllocationRecord[][] = [];
  let current: AllocationRecord[] = [];
  for (const [i, entry] of sorted.entries()) {
    current.push(entry.record);
    const next = sorted[i + 1];
    if (next === undefined || next.record.pool !== entry.record.pool || entry.hash % target === 0 || current.length >= target * SEGMENT_MAX_FACTOR) {
      segments.push(current);
      current = [];
    }
  }
  return segments;
}

function packSegment(records: AllocationRecord[]): Buffer {
  const held = packedSegments.get(records[0]);
  if (held !== undefined && held.records.length === records.length && held.records.every((r, i) => r === records[i])) return held.packed;
  const packed = gzipLine(columnsOf(records));
  packedSegments.set(records[0], { records, packed });
  return packed;
}

function columnsOf(records: AllocationRecord[]): Segment {
  const segment: Segment = {
    pool: records[0].pool,
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
  const previous = { end: 0n, owner: '', at: '', released: '' };
  for (const [i, record] of records.entries()) {
    const block = sortables.get(record)!.block;
    let flags = (record.kind === 'host' ? FLAG.host : 0) | (record.status === 'released' ? FLAG.released : 0);
    const extra: Record<string, unknown> = {};
    if (block === undefined) {
      flags |= FLAG.rawCidr;
      extra.cidr = record.cidr;
    } else {
      segment.gap.push(safeNumber(block.start - previous.end));
      segment.len.push(block.prefix + (block.family === 6 ? IPV6 : 0));
      previous.end = block.start + sizeOf(block);
    }
    frontCode(segment.owner, previous.owner, record.owner);
    frontCode(segment.at, previous.at, record.allocatedAt);
    previous.owner = record.owner;
    previous.at = record.allocatedAt;
    if (record.releasedAt !== undefined) {
      flags |= FLAG.releasedAt;
      frontCode(segment.released, previous.released, record.releasedAt);
      previous.released = record.releasedAt;
    }
    segment.flags.push(flags);
    if (record.creator === undefined) segment.creator.push(0);
    else {
      if (!creatorIndex.has(record.creator)) creatorIndex.set(record.creator, creatorIndex.size);
      segment.creator.push(creatorIndex.get(record.creator)! + 1);
    }
    for (const [key, value] of Object.entries(record)) if (!COLUMN_FIELDS.has(key) && value !== undefined) extra[key] = value;
    if (Object.keys(extra).length > 0) segment.extra[i] = extra;
  }
  segment.creators = [...creatorIndex.keys()];
  return segment;
}

function unpackSegment(segment: Segment, into: AllocationRecord[]): void {
  let block = 0;
  let released = 0;
  let end = 0n;
  let owner = '';
  let at = '';
  let releasedAt = '';
  for (let i = 0; i < segment.flags.length; i++) {
    const flags = segment.flags[i];
    const extra = segment.extra[i] ?? {};
    let cidr: string;
    if (flags & FLAG.rawCidr) cidr = extra.cidr as string;
    else {
      const len = segment.len[block];
      const family = len >= IPV6 ? 6 : 4;
      const start = end + BigInt(segment.gap[block++]);
      const parsed = cidrFromStart(family, start, len - (family === 6 ? IPV6 : 0));
      end = start + sizeOf(parsed);
      cidr = formatCidr(parsed);
    }
    owner = frontDecode(segment.owner, i, owner);
    at = frontDecode(segment.at, i, at);
    const record: AllocationRecord = { pool: segment.pool, owner, cidr, kind: flags & FLAG.host ? 'host' : 'prefix', status: flags & FLAG.released ? 'released' : 'allocated', allocatedAt: at };
    if (flags & FLAG.releasedAt) record.releasedAt = releasedAt = frontDecode(segment.released, released++, releasedAt);
    const creator = segment.creator[i];
    if (creator > 0) record.creator = segment.creators[creator - 1];
    const { cidr: _raw, ...rest } = extra;
    into.push(Object.assign(record, rest));
  }
}

function sortable(record: AllocationRecord): Sortable {
  let known = sortables.get(record);
  if (known === undefined) {
    const parsed = quickCidr(record.cidr);
    // Only a block that prints back as the same text is packed; any other text is kept as it is.
    const block = parsed !== undefined && formatCidr(parsed) === record.cidr ? parsed : undefined;
    known = { record, block, v4: block?.family === 4 ? Number(block.start) : NaN, hash: stringHash(record.owner) };
    sortables.set(record, known);
  }
  return known;
}

/** By pool, then packed blocks by family and address, then the rest by owner. */
function bySpaceOrder(a: Sortable, b: Sortable): number {
  if (a.record.pool !== b.record.pool) return a.record.pool < b.record.pool ? -1 : 1;
  if (!Number.isNaN(a.v4) && !Number.isNaN(b.v4) && a.v4 !== b.v4) return a.v4 - b.v4;
  if (a.block === undefined || b.block === undefined) {
    if (a.block !== b.block) return a.block === undefined ? 1 : -1;
    return a.record.owner < b.record.owner ? -1 : a.record.owner > b.record.owner ? 1 : 0;
  }
  if (a.block.family !== b.block.family) return a.block.family - b.block.family;
  if (a.block.start !== b.block.start) return a.block.start < b.block.start ? -1 : 1;
  return a.block.prefix - b.block.prefix;
}

/** FNV-1a over the UTF-16 code units: stable across processes and releases (cuts must not move). */
function stringHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
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
