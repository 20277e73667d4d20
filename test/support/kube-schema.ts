import { isDeepStrictEqual } from 'node:util';
import { JsonSchema } from './kube-crds';
import { StatusCause } from './kube-status';

/**
 * What kube-apiserver does with a custom resource body against the CRD's structural schema:
 * prune fields the schema does not declare (and nulls), then validate types, required fields,
 * patterns, bounds, enums and lengths, then the CEL transition rules on update. Messages follow
 * the server's wording ("spec.cidr in body should match '...'").
 *
 * CEL: only the rule forms the manifests in crds/ use are understood (`self == oldSelf`,
 * `has(self.f) == has(oldSelf.f)` and `!has(oldSelf.f) || has(self.f)`); any other rule is
 * refused when the CRDs are loaded, so a new rule cannot go silently unenforced here.
 */
type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A rule the stand-in evaluates: whether it holds for the new value against the old one. */
type Transition = (next: Json, old: Json) => boolean;

const FIELD = '([A-Za-z_][A-Za-z0-9_]*)';
/** The presence tests on a field of an object, `has(self.f)` / `has(oldSelf.f)`, as CEL reads them. */
const hasField = (value: Json, field: string): boolean => isObject(value) && field in value;

/** Each rule form understood, with how kube-apiserver's CEL evaluates it (the fields named are the capture). */
const RULE_FORMS: { form: RegExp; holds: (field: string) => Transition }[] = [
  { form: /^self == oldSelf$/, holds: () => (next, old) => isDeepStrictEqual(next, old) },
  // The field may be neither added nor removed.
  { form: new RegExp(`^has\\(self\\.${FIELD}\\) == has\\(oldSelf\\.\\1\\)$`), holds: (f) => (next, old) => hasField(next, f) === hasField(old, f) },
  // Once present, the field may change but not go.
  { form: new RegExp(`^!has\\(oldSelf\\.${FIELD}\\) \\|\\| has\\(self\\.\\1\\)$`), holds: (f) => (next, old) => !hasField(old, f) || hasField(next, f) },
];

function transitionOf(rule: string): Transition | undefined {
  for (const { form, holds } of RULE_FORMS) {
    const match = form.exec(rule);
    if (match !== null) return holds(match[1]);
  }
  return undefined;
}

export function assertSupportedRules(schema: JsonSchema, path = ''): void {
  for (const { rule } of schema['x-kubernetes-validations'] ?? []) {
    if (transitionOf(rule) === undefined) {
      throw new Error(`stand-in: CEL rule "${rule}" at ${path || '<root>'} is not understood; teach test/support/kube-schema.ts`);
    }
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) assertSupportedRules(child, `${path}.${name}`);
  if (schema.items !== undefined) assertSupportedRules(schema.items, `${path}[]`);
  if (typeof schema.additionalProperties === 'object') assertSupportedRules(schema.additionalProperties, `${path}{}`);
}

/** JSON type name as the server prints it in messages. */
function typeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(value: Json, type: string | undefined): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === type;
  }
}

/** Removes undeclared fields and nulls, in place, as the server does before validating. */
export function prune(schema: JsonSchema, value: Json): void {
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item) => prune(schema.items!, item));
    return;
  }
  if (!isObject(value)) return;
  const declared = schema.properties ?? {};
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const key of Object.keys(value)) {
    if (value[key] === null) delete value[key];
    else if (key in declared) prune(declared[key], value[key]);
    else if (extra !== undefined) prune(extra, value[key]);
    else if (schema.properties !== undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) delete value[key];
  }
}

export function validate(schema: JsonSchema, value: Json, path: string): StatusCause[] {
  if (!hasType(value, schema.type)) {
    const actual = typeName(value);
    return [{ reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: "${actual}": ${path} in body must be of type ${schema.type}: "${actual}"` }];
  }
  const causes: StatusCause[] = [];
  if (schema.enum !== undefined && !schema.enum.some((allowed) => isDeepStrictEqual(allowed, value))) {
    const supported = schema.enum.map((v) => JSON.stringify(v)).join(', ');
    causes.push({ reason: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported}` });
  }
  if (typeof value === 'string') causes.push(...validateString(schema, value, path));
  if (typeof value === 'number') causes.push(...validateNumber(schema, value, path));
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => causes.push(...validate(schema.items!, item, `${path}[${i}]`)));
  }
  if (isObject(value)) causes.push(...validateObject(schema, value, path));
  return causes;
}

function validateString(schema: JsonSchema, value: string, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    causes.push({ reason: 'FieldValueTooLong', field: path, message: `Too long: may not be longer than ${schema.maxLength}` });
  }
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    causes.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${JSON.stringify(value)}: ${path} in body should be at least ${schema.minLength} chars long` });
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
    causes.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${JSON.stringify(value)}: ${path} in body should match '${schema.pattern}'` });
  }
  return causes;
}

function validateNumber(schema: JsonSchema, value: number, path: string): StatusCause[] {
  if (schema.minimum !== undefined && value < schema.minimum) {
    return [{ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value}: ${path} in body should be greater than or equal to ${schema.minimum}` }];
  }
  if (schema.maximum !== undefined && value > schema.maximum) {
    return [{ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value}: ${path} in body should be less than or equal to ${schema.maximum}` }];
  }
  return [];
}

function validateObject(schema: JsonSchema, value: JsonObject, path: string): StatusCause[] {
  const child = (key: string) => (path === '' ? key : `${path}.${key}`);
  const causes: StatusCause[] = [];
  for (const key of schema.required ?? []) {
    if (!(key in value)) causes.push({ reason: 'FieldValueRequired', field: child(key), message: 'Required value' });
  }
  for (const [key, item] of Object.entries(value)) {
    const declared = schema.properties?.[key];
    if (declared !== undefined) causes.push(...validate(declared, item, child(key)));
    else if (typeof schema.additionalProperties === 'object') causes.push(...validate(schema.additionalProperties, item, `${path}[${key}]`));
  }
  return causes;
}

/**
 * CEL transition rules: evaluated on update only, where the field holding the rule exists both
 * before and after (kube-apiserver skips a rule that uses oldSelf when there is no old value).
 * A broken rule is reported as the server does, `<path>: Invalid value: "<type>": <message>`.
 */
export function validateTransitions(schema: JsonSchema, next: Json, old: Json, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    if (!transitionOf(rule)!(next, old)) {
      causes.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: "${typeName(next)}": ${message ?? `failed rule: ${rule}`}` });
    }
  }
  if (isObject(next) && isObject(old)) {
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (key in next && key in old) causes.push(...validateTransitions(child, next[key], old[key], path === '' ? key : `${path}.${key}`));
    }
  }
  return causes;
}
