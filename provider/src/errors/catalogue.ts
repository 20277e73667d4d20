import { BACKEND_CODES } from './backend-codes';
import { INPUT_CODES } from './input-codes';
import { POLICY_CODES } from './policy-codes';
import { SERVICE_CODES } from './service-codes';
import { SLICE_CODES } from './slice-codes';
import { STATE_CODES } from './state-codes';

/**
 * The one catalogue of errors pulumi-ipam reports: for each code, its HTTP status, a title, and
 * the factory of its messages from typed parameters. Every layer (allocator, engine, stores,
 * HTTP service, CLI, Pulumi provider) raises errors through it (`errors.CODE(params)`), so a
 * user sees the same code and words whichever way they reached the allocator, one case has one
 * text, and the HTTP service maps each code to its status without a table of its own.
 */
export const ERROR_CATALOGUE = {
  ...INPUT_CODES,
  ...SLICE_CODES,
  ...STATE_CODES,
  ...POLICY_CODES,
  ...SERVICE_CODES,
  ...BACKEND_CODES,
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
