import { AllocationRecord, AuditEvent } from '../model/records';

const ACTIONS: readonly AuditEvent['action'][] = ['allocate', 'release', 'reclaim', 'create-pool', 'delete-pool', 'update-pool'];

/**
 * What an event is about: the allocation record it wrote, when the store holds that record
 * anyway (its owner and CIDR are the event's), else the event's own owner and CIDR.
 */
type Subject = Pick<AuditEvent, 'owner' | 'cidr'>;

/**
 * A MemoryStore space's audit trail, held in columns rather than one object per event: what each
 * event is about (a reference to the record it wrote, whose CIDR text is not kept but formatted
 * when read), its action as a byte, and the time, actor and pool as runs, since a commit's events
 * share its time and mostly its actor and pool. About 12 bytes an event instead of an object of
 * six fields with a property array (96 bytes) and its own CIDR text.
 */
export class AuditColumns {
  private readonly subject: (Subject | undefined)[] = [];
  private actions = new Uint8Array(1024);
  /** Run r covers events runStart[r] .. runStart[r + 1] - 1, all with runAt[r], runActor[r], runPool[r]. */
  private readonly runStart: number[] = [];
  private readonly runAt: string[] = [];
  private readonly runActor: string[] = [];
  private readonly runPool: string[] = [];

  /**
   * `written`: the allocation record the event is about, when its commit saved it; the caller
   * has matched it (its pool, owner and CIDR are the event's).
   */
  push(event: AuditEvent, written?: AllocationRecord): void {
    const i = this.subject.length;
    const last = this.runStart.length - 1;
    if (last < 0 || this.runAt[last] !== event.at || this.runActor[last] !== event.actor || this.runPool[last] !== event.pool) {
      this.runStart.push(i);
      this.runAt.push(event.at);
      this.runActor.push(event.actor);
      this.runPool.push(event.pool);
    }
    if (i === this.actions.length) {
      const grown = new Uint8Array(this.actions.length * 2);
      grown.set(this.actions);
      this.actions = grown;
    }
    this.actions[i] = ACTIONS.indexOf(event.action);
    this.subject.push(subjectOf(event, written));
  }

  /** The pool's newest `limit` events, newest first, each a new object. */
  newestOf(pool: string, limit: number): AuditEvent[] {
    const events: AuditEvent[] = [];
    for (let run = this.runStart.length - 1; run >= 0 && events.length < limit; run--) {
      if (this.runPool[run] !== pool) continue;
      const end = run + 1 < this.runStart.length ? this.runStart[run + 1] : this.subject.length;
      for (let i = end - 1; i >= this.runStart[run] && events.length < limit; i--) events.push(this.event(run, i));
    }
    return events;
  }

  private event(run: number, i: number): AuditEvent {
    const event: AuditEvent = { at: this.runAt[run], pool: this.runPool[run], action: ACTIONS[this.actions[i]], actor: this.runActor[run] };
    const subject = this.subject[i];
    if (subject?.owner !== undefined) event.owner = subject.owner;
    if (subject?.cidr !== undefined) event.cidr = subject.cidr;
    return event;
  }
}

function subjectOf(event: AuditEvent, written: AllocationRecord | undefined): Subject | undefined {
  if (written !== undefined) return written;
  if (event.owner === undefined && event.cidr === undefined) return undefined;
  return { owner: event.owner, cidr: event.cidr };
}
