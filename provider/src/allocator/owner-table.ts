/**
 * Values by their owner key, for a pool's allocations: a hash table of the values alone (open
 * addressing, linear probing), since each value knows its owner. A Map keeps a key, a value and
 * a chain link per entry plus its buckets (28 to 37 bytes); this keeps 8 to 16 bytes a value,
 * and its growth leaves half the garbage, a million allocations being held by a pool's ledger.
 * Iterates in no particular order.
 */
export class OwnerTable<T extends { readonly owner: string }> {
  private slots: (T | undefined)[] = emptySlots(8);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(owner: string): T | undefined {
    return this.slots[this.indexOf(owner)];
  }

  /** Adds the value, or puts it in place of the one with its owner. */
  set(value: T): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const i = this.indexOf(value.owner);
    if (this.slots[i] === undefined) this.count += 1;
    this.slots[i] = value;
  }

  /** Removes the owner's value; the values after it in its probe run move back, so no slot is a tombstone. */
  delete(owner: string): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    let hole = this.indexOf(owner);
    if (slots[hole] === undefined) return false;
    for (let j = (hole + 1) & mask; slots[j] !== undefined; j = (j + 1) & mask) {
      const home = hashText(slots[j]!.owner) & mask;
      // The value at j may fill the hole unless its home slot lies cyclically in (hole, j].
      const staysPut = hole < j ? home > hole && home <= j : home > hole || home <= j;
      if (!staysPut) {
        slots[hole] = slots[j];
        hole = j;
      }
    }
    slots[hole] = undefined;
    this.count -= 1;
    return true;
  }

  *values(): Generator<T> {
    for (const value of this.slots) if (value !== undefined) yield value;
  }

  *keys(): Generator<string> {
    for (const value of this.values()) yield value.owner;
  }

  /** The slot holding the owner's value, or the empty slot where it would go. */
  private indexOf(owner: string): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = hashOf(owner) & mask;
    for (let value = slots[i]; value !== undefined && value.owner !== owner; value = slots[i]) i = (i + 1) & mask;
    return i;
  }

  /** Twice the slots, every value put back (no owner twice, so no comparison of owners). */
  private grow(): void {
    const old = this.slots;
    const slots = emptySlots<T>(old.length * 2);
    const mask = slots.length - 1;
    for (let k = 0; k < old.length; k++) {
      const value = old[k];
      if (value === undefined) continue;
      let i = hashText(value.owner) & mask;
      while (slots[i] !== undefined) i = (i + 1) & mask;
      slots[i] = value;
    }
    this.slots = slots;
  }
}

/** Filled with undefined, not holes: a packed array, which V8 reads without a hole check. */
function emptySlots<T>(length: number): (T | undefined)[] {
  return new Array<T | undefined>(length).fill(undefined);
}

/**
 * The owner whose hash was worked out last, and that hash: one allocation looks its owner up
 * several times in a row (is it held, take out its old entry, put in the new one; the engine
 * also checks the creator and reads the answer), and hashing the key was a third of each lookup.
 */
let lastHashed = '';
let lastHash = hashText('');

function hashOf(text: string): number {
  if (text !== lastHashed) {
    lastHash = hashText(text);
    lastHashed = text;
  }
  return lastHash;
}

/** FNV-1a over the UTF-16 code units: owner keys are short, and spread well by it. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
