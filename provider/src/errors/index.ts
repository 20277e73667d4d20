import { ERROR_CATALOGUE, ErrorCode } from './catalogue';
import { Hint, HintRenderer, renderHint } from './hints';
import { Rendered } from './define';
import { IpamError } from './ipam-error';

export { ERROR_CATALOGUE, ERROR_CODES, ErrorCode } from './catalogue';
export { Hint, HintRenderer, HINT_KINDS, renderHint } from './hints';
export { IpamError, isIpamError, ipamErrorFromJSON } from './ipam-error';
export { importedBefore, noPoolTakes } from './composed';
export { MissingLabel } from './policy-codes';
export { Holder, Subject } from './subjects';
export { RESERVED_LABEL_KEY, UNSAFE_CHARACTER, escapeUnsafe } from './text';
export { ChildOnlyField, PrintableText } from './input-codes';
export { CreatorAct, Rename } from './state-codes';
export { Corruption, POSTGRES_FATAL, SqliteProblem, StoredRow } from './backend-codes';

/** One factory per code: `errors.POOL_NOT_FOUND({ case: 'pool', field, pool, space })` is the IpamError to throw. */
type ErrorFactories = { [C in ErrorCode]: (...params: Parameters<(typeof ERROR_CATALOGUE)[C]['message']>) => IpamError };

export const errors = Object.fromEntries(
  Object.entries(ERROR_CATALOGUE).map(([code, { message }]) => [code, (params?: unknown) => new IpamError(code as ErrorCode, (message as (p?: unknown) => Rendered)(params))]),
) as ErrorFactories;

/**
 * The message as one face shows it: the catalogue's text, then the hint in that face's words.
 * Also for what carries an error's message and hint without being one (an import's refused row).
 */
export function messageFor(error: { message: string; hint?: Hint }, renderer: HintRenderer): string {
  return error.hint === undefined ? error.message : `${error.message}; ${renderHint(error.hint, renderer)}`;
}
