import type { ERROR_CATALOGUE, ErrorCode } from './catalogue';
import { Rendered } from './define';
import { Hint, hintFromJSON } from './hints';

let loaded: typeof ERROR_CATALOGUE | undefined;
/**
 * The catalogue, loaded by the first error made (or read): its messages are a dozen modules, a
 * fifth of what `ipam pool list` loads, and a command that succeeds never needs one of them.
 */
export function catalogue(): typeof ERROR_CATALOGUE {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= (require('./catalogue') as typeof import('./catalogue')).ERROR_CATALOGUE;
  return loaded;
}

/**
 * An error a person can act on: a code from the catalogue, its message, and as structure the
 * field it is about and a hint that each face (CLI, HTTP, Pulumi, Kubernetes) words its own way.
 * Made by the catalogue's factories (`errors.CODE(params)`), never with a message written at the
 * place that throws.
 */
export class IpamError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The input field the error is about, when there is one (e.g. "cidr", "prefixLength"). */
  readonly field?: string;
  /** What to ask next; not part of `message`, each face renders it (see hints.ts). */
  readonly hint?: Hint;
  /**
   * The message without its field: what is wrong. An error rebuilt from JSON (HTTP, a child
   * process) has only its whole message.
   */
  readonly reason: string;

  constructor(code: ErrorCode, rendered: Rendered) {
    super(rendered.message);
    this.name = 'IpamError';
    this.code = code;
    this.status = catalogue()[code].status;
    this.field = rendered.field;
    this.hint = rendered.hint;
    this.reason = rendered.reason;
  }

  toJSON(): { code: ErrorCode; message: string; field?: string; hint?: Hint } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
  }
}

export function isIpamError(e: unknown): e is IpamError {
  return e instanceof IpamError;
}

/** Rebuilds an IpamError that crossed a process boundary (HTTP, child process) as JSON. */
export function ipamErrorFromJSON(body: unknown): IpamError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { code, message, field, hint } = body as Record<string, unknown>;
  if (typeof code !== 'string' || !Object.hasOwn(catalogue(), code) || typeof message !== 'string') return undefined;
  const known = hintFromJSON(hint);
  return new IpamError(code as ErrorCode, {
    message,
    reason: message,
    ...(typeof field === 'string' ? { field } : {}),
    ...(known === undefined ? {} : { hint: known }),
  });
}
