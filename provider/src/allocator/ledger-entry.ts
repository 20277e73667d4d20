import { AllocationKind, AllocationRecord, AllocationStatus } from '../model/records';
import { Family } from '../net/address';
import { Cidr, formatCidr } from '../net/cidr';

/** `bits` packs the prefix length (bits 0-7) and the family (bit 8: IPv6). */
const IPV6 = 1 << 8;
const PREFIX = 0xff;

/**
 * One allocation as a pool ledger holds it: the record itself, and its block parsed. A ledger
 * holds one of these per allocation (and MemoryStore and its audit trail share it), so it is
 * built to be small: the record's fields are its own, its block is the start address and one
 * number (prefix and family), and the CIDR text is formatted when read rather than stored.
 * One object of 88 bytes where a record (80), a CIDR string (40) and an entry (48) used to stand.
 *
 * It is a record for anyone who reads its fields (`cidr` included, a getter) or serialises it
 * (`toJSON` gives the plain record, as JSON.stringify and MemoryStore's copies use); the block
 * is kept in private fields, so copying its own properties never copies a bigint. Immutable
 * once the engine freezes it: whether its grace period is over is the ledger's to know.
 */
export class LedgerAllocation implements AllocationRecord, Cidr {
  /** Discriminates the ledger's occupants; on the prototype, not in every entry. */
  declare readonly type: 'allocation';
  declare pool: string;
  declare owner: string;
  declare kind: AllocationKind;
  declare status: AllocationStatus;
  declare allocatedAt: string;
  declare releasedAt?: string;
  declare creator?: string;
  declare description?: string;
  declare labels?: Record<string, string>;
  readonly #start: bigint;
  readonly #bits: number;

  /** `fields` are the record's (its `cidr` aside: `block` is that CIDR, parsed). */
  constructor(fields: Omit<AllocationRecord, 'cidr'>, block: Cidr) {
    this.#start = block.start;
    this.#bits = block.prefix | (block.family === 6 ? IPV6 : 0);
    // The fields in the record's order, and only those it has: one hidden class per shape, and
    // no `creator: undefined` for a copy to carry.
    this.pool = fields.pool;
    this.owner = fields.owner;
    this.kind = fields.kind;
    this.status = fields.status;
    this.allocatedAt = fields.allocatedAt;
    if (fields.releasedAt !== undefined) this.releasedAt = fields.releasedAt;
    if (fields.creator !== undefined) this.creator = fields.creator;
    if (fields.description !== undefined) this.description = fields.description;
    if (fields.labels !== undefined) this.labels = fields.labels;
  }

  /** A record as the ledger holds it: itself when it is one already, else a new entry for it. */
  static of(record: AllocationRecord, block: Cidr): LedgerAllocation {
    return record instanceof LedgerAllocation ? record : new LedgerAllocation(record, block);
  }

  get cidr(): string {
    return formatCidr(this);
  }

  get start(): bigint {
    return this.#start;
  }

  get family(): Family {
    return this.#bits & IPV6 ? 6 : 4;
  }

  get prefix(): number {
    return this.#bits & PREFIX;
  }

  /** The record's CIDR, parsed: the entry is its own block. */
  get block(): Cidr {
    return this;
  }

  /** The record: the entry is its own record. */
  get record(): AllocationRecord {
    return this;
  }

  /** The plain record, fields in the record's order (what JSON.stringify and the stores' copies write). */
  toJSON(): AllocationRecord {
    const record: AllocationRecord = { pool: this.pool, owner: this.owner, cidr: this.cidr, kind: this.kind, status: this.status, allocatedAt: this.allocatedAt };
    if (this.releasedAt !== undefined) record.releasedAt = this.releasedAt;
    if (this.creator !== undefined) record.creator = this.creator;
    if (this.description !== undefined) record.description = this.description;
    if (this.labels !== undefined) record.labels = this.labels;
    return record;
  }
}

Object.defineProperty(LedgerAllocation.prototype, 'type', { value: 'allocation' });
