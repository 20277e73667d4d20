import type { Hint } from './hints';

/**
 * What a message factory returns: the text a person reads, and the parts kept as structure
 * (the field it is about, the hint) so no caller has to take the text apart again.
 */
export interface Rendered {
  /** The whole message: "field: reason" when it is about a field, else the reason alone. */
  message: string;
  /** The message without its field: what is wrong. Another message may quote it (the slice rules do). */
  reason: string;
  field?: string;
  hint?: Hint;
}

/** A message about one input field, written "field: reason" (most refusals of input). */
export function at(field: string, reason: string, hint?: Hint): Rendered {
  return { message: `${field}: ${reason}`, reason, field, ...(hint === undefined ? {} : { hint }) };
}

/** A message that names its subject in its own words; `field` is structure only, not written in front. */
export function plain(message: string, field?: string, hint?: Hint): Rendered {
  return { message, reason: message, ...(field === undefined ? {} : { field }), ...(hint === undefined ? {} : { hint }) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CaseTable = Record<string, (params: any) => Rendered>;

/** The parameters of a code with several cases: `case` names one, the rest are that case's own. */
type CaseParams<T extends CaseTable> = { [K in keyof T]: Parameters<T[K]> extends [infer P] ? { case: K } & P : { case: K } }[keyof T];

/**
 * One factory for a code with a few cases: the typed `case` parameter chooses the text, so each
 * case has exactly one wording and its own parameters.
 */
export function cases<T extends CaseTable>(table: T): (params: CaseParams<T>) => Rendered {
  return (params) => table[params.case as keyof T](params);
}

/** A catalogue entry: the HTTP status, a short title, and the factory of its messages. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface CatalogueEntry<F extends (...params: any[]) => Rendered> {
  status: number;
  title: string;
  message: F;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function entry<F extends (...params: any[]) => Rendered>(status: number, title: string, message: F): CatalogueEntry<F> {
  return { status, title, message };
}
