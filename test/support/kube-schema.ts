import { isDeepStrictEqual } from 'node:util';
import { JsonSchema } from './kube-crds';
import { StatusCause } from './kube-status';

/**
 * What kube-apiserver does with a custom resource body against the CRD's structural schema:
 * prune fields the schema does not declare (and nulls), then validate types, required fields,
 * patterns, bounds, enums and lengths, then the CEL transition rules on update. Messages follow
 * the server's wording ("spec.cidr in body should match '...'").
 *
 * CEL: only the rule forms the manifests in crds/ use are understood (`self == oldSelf` and
 * `has(self.f) == has(oldSelf.f)`); any other rule is refused when the CRDs are loaded, so a
 * new rule cannot go silently unenforced here.
 */
type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const HAS_RULE = /^has\(self\.([A-Za-z_][A-Za-z0-9_]*)\) == has\(oldSelf\.\1\)$/;

export function assertSupportedRules(schema: JsonSchema, path = ''): void {
  for (const { rule } of schema['x-kubernetes-validations'] ?? []) {
    if (rule !== 'self == oldSelf' && !HAS_RULE.test(rule)) {
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

/** CEL transition rules: evaluated where a field exists both before and after the update. */
export function validateTransitions(schema: JsonSchema, next: Json, old: Json, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    const has = HAS_RULE.exec(rule);
    const holds = has === null ? isDeepStrictEqual(next, old) : isObject(next) && isObject(old) && has[1] in next === has[1] in old;
    if (!holds) {
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
