import { isIpamError } from '../errors';
import { ResourceIdentity, URN_INPUT, keepOrDefault, parseUrn, stackCreator } from './identity';
import { Shape } from '../model/shape';
import { ResourceKind, SPECS } from './specs';
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
    const typeError = wrongType(field.shape, value);
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

/** What `value` should have been, in words, when it does not have the shape; undefined when it does. */
function wrongType(shape: Shape, value: unknown): string | undefined {
  return fits(shape, value) ? undefined : expected(shape);
}

function fits(shape: Shape, value: unknown): boolean {
  switch (shape.kind) {
    case 'string':
    case 'enum': // which strings: the engine's check says, in its words
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'union':
      return shape.options.some((option) => fits(option, value));
    case 'array':
      return Array.isArray(value) && value.every((v) => isUnknown(v) || fits(shape.items, v));
    case 'map':
      return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => isUnknown(v) || fits(shape.values, v));
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

function expected(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
    case 'enum':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'union': {
      const choices = shape.options.flatMap((option) => (option.kind === 'boolean' ? ['true', 'false'] : [expected(option)]));
      return `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
    }
    case 'array':
      return `a list of ${plural(expected(shape.items))}`;
    case 'map':
      return `a map of ${plural(expected(shape.values))}`;
    case 'object':
      return `an object (${shape.name})`;
  }
}

const plural = (phrase: string) => phrase.replace(/^an? (.*)$/, '$1s');
