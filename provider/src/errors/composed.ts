import { IpamError } from './ipam-error';

/**
 * Errors that carry other errors: the same code as the one they carry (what a caller acts on),
 * and a message that quotes it whole, with what happened around it. Only the catalogue makes
 * IpamErrors, so these live here rather than where they are thrown.
 */

/**
 * An error met part way through writing an import, with how far it got: the same code, field
 * and hint, and the message followed by what was imported before it and that a retry is safe.
 */
export function importedBefore(error: IpamError, progress: { done: number; total: number }): IpamError {
  const note = ` (${progress.done} of ${progress.total} lines were imported before this; importing the file again is safe: imported lines are left unchanged)`;
  return new IpamError(error.code, {
    message: `${error.message}${note}`,
    reason: `${error.reason}${note}`,
    ...(error.field === undefined ? {} : { field: error.field }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}

/**
 * Every pool a selector matched refused the request: the code of the first refusal (the pool
 * tried first), and each pool with its refusal, in the order they were tried.
 */
export function noPoolTakes(selector: string, refusals: readonly { pool: string; error: IpamError }[]): IpamError {
  const reasons = refusals.map(({ pool, error }) => `pool "${pool}": ${error.message}`).join('; ');
  const reason = `none of the ${refusals.length} pools matching "${selector}" can take this request. ${reasons}`;
  return new IpamError(refusals[0].error.code, { message: `poolSelector: ${reason}`, reason, field: 'poolSelector' });
}
