import { isIpamError } from '../errors';
import { ResourceIdentity, URN_INPUT, keepOrDefault, parseUrn, stackCreator } from './identity';
import { FieldType, ResourceKind, SPECS } from './specs';
import { Props, isUnknown } from './values';

interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: Props;
  failures: CheckFailure[];
}

/** Normalises one known field; throws IpamError (with the engine's message) when it is wrong. */
export type FieldCheck = (value: never, inputs: Props) => unknown;

/**
 * Check at preview: types, required fields and the engine's own validation, with the engine's
 * messages, so a bad CIDR fails `pulumi preview` exactly as it would fail `ipam`. Values not
 * known yet pass through untouched; state-dependent rules (is the block free?) wait for create.
 */
function checkInputs(kind: ResourceKind, news: Props, fieldChecks: Record<string, FieldCheck>): CheckResult {
  const spec = SPECS[kind];
  const inputs: Props = {};
  const failures: CheckFailure[] = [];
  for (const [name, field] of Object.entries(spec.inputs)) {
    const value = news[name];
    if (value === undefined || value === null) {
      if (field.required) failures.push({ property: name, reason: `${name}: required; ${field.description}` });
      continue;
    }
    if (isUnknown(value)) {
      inputs[name] = value;
      continue;
    }
    const typeError = wrongType(field.type, value);
    if (typeError !== undefined) {
      failures.push({ property: name, reason: `${name}: expected ${typeError}, got ${JSON.stringify(value)}` });
      continue;
    }
    inputs[name] = value;
  }
  for (const [name, fieldCheck] of Object.entries(fieldChecks)) {
    const value = inputs[name];
    if (value === undefined || isUnknown(value) || failures.some((f) => f.property === name)) continue;
    try {
      const normalised = fieldCheck(value as never, inputs);
      if (normalised !== undefined) inputs[name] = normalised;
    } catch (e) {
      if (!isIpamError(e)) throw e;
      // With its code, as every other error reaches `pulumi up`.
      failures.push({ property: name, reason: `${e.code}: ${e.message}` });
    }
  }
  for (const name of Object.keys(news)) {
    if (!(name in spec.inputs) && name !== '__provider' && news[name] !== undefined) {
      failures.push({ property: name, reason: `${name}: not an input of ${kind}; inputs are ${Object.keys(spec.inputs).join(', ')}` });
    }
  }
  return { inputs, failures };
}

/** Defaults of fields a program may leave out, from the resource's identity (its URN). */
export type IdentityDefaults = Record<string, (identity: ResourceIdentity | undefined) => unknown>;

/**
 * Check of a resource: the defaults filled in (kept from the resource's old inputs when it has
 * them, see keepOrDefault), then checkInputs. The creator (the stack that first created the
 * resource) is kept the same way and travels with the inputs, so it is in the state and
 * survives a stack rename; a program cannot set it.
 */
export function checkResource(
  kind: ResourceKind,
  urn: string | undefined,
  olds: Props,
  news: Props,
  defaults: IdentityDefaults,
  fieldChecks: Record<string, FieldCheck>,
): CheckResult {
  const given = { ...news };
  delete given[URN_INPUT];
  // The engine hands back the inputs it holds (an import checks its own read): not the program's.
  if (given.creator !== undefined && given.creator === olds.creator) delete given.creator;
  const identity = typeof urn === 'string' && !isUnknown(urn) ? parseUrn(urn) : undefined;
  const fallbacks = Object.fromEntries(Object.entries(defaults).map(([name, fallback]) => [name, () => fallback(identity)]));
  const result = checkInputs(kind, keepOrDefault(olds, given, fallbacks), fieldChecks);
  const creator = typeof olds.creator === 'string' ? olds.creator : identity === undefined ? undefined : stackCreator(identity);
  if (creator !== undefined) result.inputs.creator = creator;
  return result;
}

function wrongType(type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'a string';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'a whole number';
    case 'number':
      return typeof value === 'number' ? undefined : 'a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'boolean|string':
      return typeof value === 'boolean' || typeof value === 'string' ? undefined : 'true, false or an address';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' || isUnknown(v)) ? undefined : 'a list of strings';
    case 'map':
      return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string' || isUnknown(v))
        ? undefined
        : 'a map of strings';
    case 'object[]':
      return Array.isArray(value) ? undefined : 'a list';
    case 'string|map':
      return typeof value === 'string' || wrongType('map', value) === undefined ? undefined : 'a string or a map of strings';
  }
}
