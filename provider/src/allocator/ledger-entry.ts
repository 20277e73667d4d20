import { AllocationKind, AllocationRecord, AllocationStatus } from '../model/records';
import { Family } from '../net/address';
import { Cidr, formatCidr } from '../net/cidr';

/** `bits` packs the prefix length (bits 0-7), the family (bit 8: IPv6), the kind (bit 9: host) and the status (bit 10: released). */
const IPV6 = 1 << 8;
const HOST = 1 << 9;
const RELEASED = 1 << 10;
const PREFIX = 0xff;

/**
 * CIDR texts formatted lately, by entry: the engine reads a new entry's CIDR for its audit event
 * and its answer, then the store compares it with the event's once the batch (up to 512
 * allocations) commits (formatting an IPv6 block costs about as much as deciding its
 * allocation). Direct-mapped by the block's number among blocks of its size, so the blocks of
 * a batch, mostly neighbours, take different slots; an IPv6 block takes slot 0, as IPv6 text
 * was remembered for the last entry alone. A fixed 1,024 slots, whatever the ledgers hold.
 */
const FORMATTED_SLOTS = 1024;
const formattedEntry: (LedgerAllocation | undefined)[] = new Array<LedgerAllocation | undefined>(FORMATTED_SLOTS).fill(undefined);
const formattedText: string[] = new Array<string>(FORMATTED_SLOTS).fill('');

/**
 * One allocation as a pool ledger holds it: the record itself, and its block parsed. A ledger
 * holds one of these per allocation (and MemoryStore and its audit trail share it), so it is
 * built to be small: the record's text fields are its own, its block is the start address and
 * one number that also holds the kind and the status, and the CIDR text is formatted when read
 * rather than stored. One object of 72 bytes where a record (80), a CIDR string (40) and an
 * entry (48) used to stand.
 *
 * It is a record for anyone who reads its fields (`cidr`, `kind` and `status` are getters) or
 * serialises it (`toJSON` gives the plain record, as JSON.stringify and MemoryStore's copies
 * use); copying its own properties copies neither those nor the block, which is kept in private
 * fields. Immutable: a change is a new entry (`released`), and whether a released block's grace
 * period is over is the ledger's to know, so ledgers (a rebuilt pool and the one kept to undo it)
 * can share entries.
 */
export class LedgerAllocation implements AllocationRecord, Cidr {
  /** Discriminates the ledger's occupants; on the prototype, not in every entry. */
  declare readonly type: 'allocation';
  declare pool: string;
  declare owner: string;
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
    this.#bits = block.prefix | (block.family === 6 ? IPV6 : 0) | (fields.kind === 'host' ? HOST : 0) | (fields.status === 'released' ? RELEASED : 0);
    // The fields in the record's order, and only those it has: one hidden class per shape, and
    // no `creator: undefined` for a copy to carry.
    this.pool = fields.pool;
    this.owner = fields.owner;
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

  /** The same allocation, released at `at` (held for its owner during the grace period). */
  released(at: string): LedgerAllocation {
    return new LedgerAllocation({ pool: this.pool, owner: this.owner, kind: this.kind, status: 'released', allocatedAt: this.allocatedAt, releasedAt: at, creator: this.creator, description: this.description, labels: this.labels }, this);
  }

  get kind(): AllocationKind {
    return this.#bits & HOST ? 'host' : 'prefix';
  }

  get status(): AllocationStatus {
    return this.#bits & RELEASED ? 'released' : 'allocated';
  }

  get cidr(): string {
    const prefix = this.#bits & PREFIX;
    // An IPv4 start fits a number; its block's number is the start shifted past the host bits.
    const slot = this.#bits & IPV6 || prefix === 0 ? 0 : (Number(this.#start) >>> (32 - prefix)) & (FORMATTED_SLOTS - 1);
    if (formattedEntry[slot] !== this) {
      formattedText[slot] = formatCidr(this);
      formattedEntry[slot] = this;
    }
    return formattedText[slot];
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
