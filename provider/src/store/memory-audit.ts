import { AuditEvent } from '../model/records';

/**
 * A MemoryStore space's audit trail, one array per field instead of one object per event: an
 * event is then six references (the strings are the records' own, shared), not an object of
 * its own with a property array, which was a seventh of a million allocations' memory.
 */
export class AuditColumns {
  private readonly at: string[] = [];
  private readonly pool: string[] = [];
  private readonly action: AuditEvent['action'][] = [];
  private readonly actor: string[] = [];
  private readonly owner: (string | undefined)[] = [];
  private readonly cidr: (string | undefined)[] = [];

  push(event: AuditEvent): void {
    this.at.push(event.at);
    this.pool.push(event.pool);
    this.action.push(event.action);
    this.actor.push(event.actor);
    this.owner.push(event.owner);
    this.cidr.push(event.cidr);
  }

  /** The pool's newest `limit` events, newest first, each a new object. */
  newestOf(pool: string, limit: number): AuditEvent[] {
    const events: AuditEvent[] = [];
    for (let i = this.at.length - 1; i >= 0 && events.length < limit; i--) {
      if (this.pool[i] === pool) events.push(this.event(i));
    }
    return events;
  }

  private event(i: number): AuditEvent {
    const event: AuditEvent = { at: this.at[i], pool: this.pool[i], action: this.action[i], actor: this.actor[i] };
    if (this.owner[i] !== undefined) event.owner = this.owner[i];
    if (this.cidr[i] !== undefined) event.cidr = this.cidr[i];
    return event;
  }
}
