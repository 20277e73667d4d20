import { Cidr, parseCidr } from '../net/cidr';

/**
 * Pulumi's wire conventions that reach a dynamic provider as plain JSON: an input not yet known
 * at preview arrives as this sentinel string (pulumi/runtime/rpc.ts `unknownValue`); a test
 * checks it against the SDK's constant, so an SDK change cannot slip by.
 */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export type Props = Record<string, unknown>;

/** True when the value, or anything inside it, is not known yet (preview). */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(isUnknown);
  return false;
}

/** Drops undefined members: protobuf Structs cannot carry them. */
export function defined(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Props)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** The pool block, when the inputs hold a known, valid one. */
export function knownCidr(inputs: Props, field = 'cidr'): Cidr | undefined {
  const value = inputs[field];
  if (typeof value !== 'string' || isUnknown(value)) return undefined;
  try {
    return parseCidr(value);
  } catch {
    return undefined;
  }
}
