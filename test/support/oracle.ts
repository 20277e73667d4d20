/**
 * An independent, deliberately naive allocator for small pools: it enumerates every address and
 * every aligned block (KubeSlice's GenerateSubnetList + scan), holding the rules as the reference designs and
 * issues state them, not as the engine implements them. Property tests run random operation
 * sequences through both and demand the same answers.
 */
export interface OracleAllocation {
  owner: string;
  start: number;
  size: number;
  kind: 'prefix' | 'host';
  status: 'allocated' | 'released';
  releasedAt: number;
}

export interface OraclePool {
  start: number;
  /** Number of addresses, a power of two. */
  size: number;
  bits: number;
  family: 4 | 6;
  strategy: 'first-fit' | 'best-fit';
  graceMs: number;
  /** Reserved addresses (gateway and reserved ranges), as a set of offsets from `start`. */
  reserved: Set<number>;
}

/** A block named by the request, as an offset like every `start` here. */
export interface NamedBlock {
  start: number;
  mode: 'exact' | 'prefer';
}

export type OracleResult = { ok: true; start: number; size: number } | { ok: false; code: string };

export class Oracle {
  readonly allocations = new Map<string, OracleAllocation>();

  constructor(readonly pool: OraclePool) {}

  private expired(a: OracleAllocation, now: number): boolean {
    return a.status === 'released' && now > a.releasedAt + this.pool.graceMs;
  }

  /** Is the address held, for a search in the given tier? */
  private held(address: number, tier: 'fresh' | 'grantable', now: number, ignoreOwner?: string): boolean {
    if (this.pool.reserved.has(address - this.pool.start)) return true;
    for (const a of this.allocations.values()) {
      if (a.owner === ignoreOwner) continue;
      if (address < a.start || address >= a.start + a.size) continue;
      if (tier === 'fresh' || !this.expired(a, now)) return true;
    }
    return false;
  }

  private blockFree(start: number, size: number, tier: 'fresh' | 'grantable', now: number, ignoreOwner?: string): boolean {
    for (let a = start; a < start + size; a++) if (this.held(a, tier, now, ignoreOwner)) return false;
    return true;
  }

  /** Host exclusions: IPv4 network/broadcast below /31, IPv6 first address below /127. */
  private excluded(address: number): boolean {
    const prefix = this.pool.bits - Math.log2(this.pool.size);
    if (prefix >= this.pool.bits - 1) return false;
    if (address === this.pool.start) return true;
    return this.pool.family === 4 && address === this.pool.start + this.pool.size - 1;
  }

  private search(size: number, kind: 'prefix' | 'host', tier: 'fresh' | 'grantable', now: number, owner: string): number | undefined {
    const candidates: number[] = [];
    for (let s = this.pool.start; s < this.pool.start + this.pool.size; s += size) {
      if (kind === 'host' && this.excluded(s)) continue;
      if (this.blockFree(s, size, tier, now, owner)) candidates.push(s);
    }
    if (candidates.length === 0) return undefined;
    if (this.pool.strategy === 'first-fit') return candidates[0];
    // Best-fit: the candidate whose enclosing maximal free aligned block is smallest, lowest first.
    const holeSize = (s: number): number => {
      let hole = size;
      for (;;) {
        const bigger = hole * 2;
        if (bigger > this.pool.size) return hole;
        const parent = this.pool.start + Math.floor((s - this.pool.start) / bigger) * bigger;
        if (!this.blockFree(parent, bigger, tier, now, owner)) return hole;
        hole = bigger;
      }
    };
    let best = candidates[0];
    let bestHole = holeSize(best);
    for (const s of candidates.slice(1)) {
      const h = holeSize(s);
      if (h < bestHole) [best, bestHole] = [s, h];
    }
    return best;
  }

  /**
   * A request by size and strategy, or naming a block: `named.mode` "exact" is the `cidr` or
   * `address` field (that block or an error), "prefer" is the `prefer` field (that block if a
   * new owner may take it, else the strategy).
   */
  allocate(owner: string, size: number, kind: 'prefix' | 'host', now: number, named?: NamedBlock): OracleResult {
    const held = this.allocations.get(owner);
    if (held !== undefined) {
      const same = held.size === size && held.kind === kind && (named?.mode !== 'exact' || named.start === held.start);
      if (held.status === 'allocated') return same ? { ok: true, start: held.start, size } : { ok: false, code: 'OWNER_CONFLICT' };
      // A released owner asking for its own block again gets it back, grace period over or not.
      if (same) {
        this.allocations.set(owner, { ...held, status: 'allocated', releasedAt: 0 });
        return { ok: true, start: held.start, size };
      }
    }
    if (named !== undefined) {
      if (kind === 'host' && this.excluded(named.start)) return { ok: false, code: 'RESERVED_ADDRESS' };
      const refusal = this.refusal(named.start, size, now, owner);
      if (refusal === undefined) return this.grant(owner, named.start, size, kind);
      if (named.mode === 'exact') return { ok: false, code: refusal };
    }
    for (const tier of ['fresh', 'grantable'] as const) {
      const start = this.search(size, kind, tier, now, owner);
      if (start !== undefined) return this.grant(owner, start, size, kind);
    }
    return { ok: false, code: 'POOL_EXHAUSTED' };
  }

  /**
   * Why a new owner may not take this block now, from its lowest address up: a reserved address,
   * or a holder that is live or released within its grace period (held for its owner). Released
   * blocks past their grace period and the requester's own block do not stand in the way.
   */
  private refusal(start: number, size: number, now: number, owner?: string): 'RESERVED_ADDRESS' | 'CIDR_UNAVAILABLE' | undefined {
    for (let address = start; address < start + size; address++) {
      if (this.pool.reserved.has(address - this.pool.start)) return 'RESERVED_ADDRESS';
      if (this.held(address, 'grantable', now, owner)) return 'CIDR_UNAVAILABLE';
    }
    return undefined;
  }

  /** The owner takes the block; released blocks it overlaps (past their grace period) are reclaimed. */
  private grant(owner: string, start: number, size: number, kind: 'prefix' | 'host'): OracleResult {
    for (const a of [...this.allocations.values()]) {
      if (a.owner !== owner && a.start < start + size && start < a.start + a.size) this.allocations.delete(a.owner);
    }
    this.allocations.set(owner, { owner, start, size, kind, status: 'allocated', releasedAt: 0 });
    return { ok: true, start, size };
  }

  /** Could a new owner get this block (a host address when `kind` is host) now? */
  available(start: number, size: number, kind: 'prefix' | 'host', now: number): boolean {
    if (kind === 'host' && this.excluded(start)) return false;
    return this.refusal(start, size, now) === undefined;
  }

  release(owner: string, now: number): OracleResult {
    const held = this.allocations.get(owner);
    if (held === undefined) return { ok: false, code: 'ALLOCATION_NOT_FOUND' };
    if (held.status === 'allocated') this.allocations.set(owner, { ...held, status: 'released', releasedAt: now });
    return { ok: true, start: held.start, size: held.size };
  }

  /** KubeSlice's available subnets: blocks of `size` not touching a live allocation or reservation. */
  availableBlocks(size: number): number {
    let count = 0;
    for (let s = this.pool.start; s < this.pool.start + this.pool.size; s += size) {
      let free = true;
      for (let a = s; a < s + size && free; a++) {
        if (this.pool.reserved.has(a - this.pool.start)) free = false;
        for (const x of this.allocations.values()) {
          if (x.status === 'allocated' && a >= x.start && a < x.start + x.size) free = false;
        }
      }
      if (free) count += 1;
    }
    return count;
  }
}
