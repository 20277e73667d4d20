/**
 * What to do next, when the answer is "ask the system something": kept as structure, never as
 * text, because the way to ask depends on the face the person uses. The allocator and the
 * engine say which question helps (list the pools of a space); the CLI renders it as an `ipam`
 * command, the HTTP service as a request, the Pulumi provider as a change to the program, the
 * Kubernetes controller as a kubectl command. A message that can be acted on without asking
 * anything keeps its advice in its own text.
 */
export type Hint =
  /** A pool that is not there: see which pools the address space has. */
  | { kind: 'list-pools'; space: string }
  /** A slice that is not there: see which slices (pools) the namespace has. */
  | { kind: 'list-slices'; namespace: string }
  /** An owner without an allocation: see the allocations of the pool. */
  | { kind: 'list-allocations'; space: string; pool: string }
  /** A pool name taken with another definition: pick another name or change the pool. */
  | { kind: 'rename-or-update-pool'; space: string; pool: string }
  /** Stored rows that contradict each other: list every problem of the pool, then repair. */
  | { kind: 'check-pool'; space: string; pool: string }
  /** No pool has labels a selector matches: label a pool to match, or change the selector. */
  | { kind: 'label-pool'; space: string; selector: string };

type HintKind = Hint['kind'];

/** One face's wording of every hint: a complete table, so a new hint kind fails to compile until each face says it. */
export type HintRenderer = { [K in HintKind]: (hint: Extract<Hint, { kind: K }>) => string };

export const HINT_KINDS: readonly HintKind[] = ['list-pools', 'list-slices', 'list-allocations', 'rename-or-update-pool', 'check-pool', 'label-pool'];

/** The text fields of each kind, to accept a hint that crossed a process boundary only when it is whole. */
const HINT_FIELDS: { [K in HintKind]: Exclude<keyof Extract<Hint, { kind: K }>, 'kind'>[] } = {
  'list-pools': ['space'],
  'list-slices': ['namespace'],
  'list-allocations': ['space', 'pool'],
  'rename-or-update-pool': ['space', 'pool'],
  'check-pool': ['space', 'pool'],
  'label-pool': ['space', 'selector'],
};

export function renderHint(hint: Hint, renderer: HintRenderer): string {
  return (renderer[hint.kind] as (h: Hint) => string)(hint);
}

/** A hint that crossed a process boundary as JSON, or undefined when it is not one this version knows. */
export function hintFromJSON(value: unknown): Hint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const hint = value as Record<string, unknown>;
  if (!HINT_KINDS.includes(hint.kind as HintKind)) return undefined;
  const names: string[] = HINT_FIELDS[hint.kind as HintKind];
  return names.every((name) => typeof hint[name] === 'string') ? (hint as unknown as Hint) : undefined;
}
