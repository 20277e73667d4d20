import type { ERROR_CATALOGUE, ErrorCode } from './catalogue';
import { Hint, HintRenderer, renderHint } from './hints';
import { Rendered } from './define';
import { IpamError, catalogue } from './ipam-error';

// The catalogue itself (ERROR_CATALOGUE, ERROR_CODES) is imported from ./catalogue by what lists it
// (the HTTP service, its OpenAPI document): importing it here would load it into every process.
export type { ErrorCode } from './catalogue';
export { Hint, HintRenderer, HINT_KINDS, renderHint } from './hints';
export { IpamError, isIpamError, ipamErrorFromJSON } from './ipam-error';
export { importedBefore, noPoolTakes } from './composed';
export { MissingLabel } from './policy-codes';
export { Holder, Subject } from './subjects';
export { RESERVED_LABEL_KEY, UNSAFE_CHARACTER, escapeUnsafe } from './text';
export { ChildOnlyField, PrintableText } from './input-codes';
export { CreatorAct, Rename } from './state-codes';
export { Corruption, SqliteProblem, StoredRow } from './backend-codes';

/** One factory per code: `errors.POOL_NOT_FOUND({ case: 'pool', field, pool, space })` is the IpamError to throw. */
type ErrorFactories = { [C in ErrorCode]: (...params: Parameters<(typeof ERROR_CATALOGUE)[C]['message']>) => IpamError };

let factories: ErrorFactories | undefined;
function made(): ErrorFactories {
  factories ??= Object.fromEntries(
    Object.entries(catalogue()).map(([c, { message }]) => [c, (params?: unknown) => new IpamError(c as ErrorCode, (message as (p?: unknown) => Rendered)(params))]),
  ) as ErrorFactories;
  return factories;
}
/**
 * Made on the first use of one (see catalogue()): the object is a stand-in that hands out the
 * real factories, and answers `in`, Object.keys and the like as the real object would (only
 * the codes are its own: `errors.toString` is undefined, as `errors.NO_SUCH_CODE` is).
 */
export const errors: ErrorFactories = new Proxy({} as ErrorFactories, {
  get: (_, code) => (Object.hasOwn(made(), code) ? made()[code as ErrorCode] : undefined),
  has: (_, code) => Object.hasOwn(made(), code),
  ownKeys: () => Reflect.ownKeys(made()),
  getOwnPropertyDescriptor: (_, code) => {
    const factory = Object.hasOwn(made(), code) ? made()[code as ErrorCode] : undefined;
    return factory === undefined ? undefined : { value: factory, writable: false, enumerable: true, configurable: true };
  },
});

/**
 * The message as one face shows it: the catalogue's text, then the hint in that face's words.
 * Also for what carries an error's message and hint without being one (an import's refused row).
 */
export function messageFor(error: { message: string; hint?: Hint }, renderer: HintRenderer): string {
  return error.hint === undefined ? error.message : `${error.message}; ${renderHint(error.hint, renderer)}`;
}
