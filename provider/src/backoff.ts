/**
 * The one backoff of the code base: a wait that doubles from `baseMs` with each attempt, up to
 * `maxMs`. Whoever retries (the engine after a lost compare-and-swap, the HTTP client, the
 * service waiting for PostgreSQL, the controller's queue and watches) takes its wait from here;
 * those that compete with other writers add full jitter (a random wait up to that cap), so they
 * spread out instead of colliding again in lockstep.
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** The wait before retry number `attempt` (0 for the first retry): baseMs, 2·baseMs, 4·baseMs, … at most maxMs. */
export function backoffCap(attempt: number, backoff: Backoff): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt);
}

/** "Full jitter": a random wait between 0 and backoffCap(attempt). */
export function jitteredBackoff(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  return random() * backoffCap(attempt, backoff);
}
