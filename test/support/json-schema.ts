/**
 * A JSON Schema (2020-12) check of a value, for the keywords the service's OpenAPI document
 * uses and no others: a keyword it does not know is an error, never silently accepted, so a
 * schema it cannot judge fails the test instead of passing it. References are JSON Pointers into
 * the document (`#/components/schemas/PoolInfo`).
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['description', 'title', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);

/** Where `value` breaks `schema` ("$.stats.free: expected string, got 3"), or undefined when it fits. */
export function schemaProblem(schema: Schema, value: unknown, root: object, at = '$'): string | undefined {
  for (const [keyword, rule] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    const problem = keywordProblem(keyword, rule, schema, value, root, at);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function keywordProblem(keyword: string, rule: unknown, schema: Schema, value: unknown, root: object, at: string): string | undefined {
  switch (keyword) {
    case '$ref':
      return schemaProblem(resolve(root, rule as string), value, root, at);
    case 'type': {
      const types = Array.isArray(rule) ? (rule as string[]) : [rule as string];
      return types.some((t) => hasType(t, value)) ? undefined : `${at}: expected ${types.join(' or ')}, got ${JSON.stringify(value)}`;
    }
    case 'const':
      return JSON.stringify(value) === JSON.stringify(rule) ? undefined : `${at}: expected ${JSON.stringify(rule)}, got ${JSON.stringify(value)}`;
    case 'enum':
      return (rule as unknown[]).some((v) => JSON.stringify(v) === JSON.stringify(value)) ? undefined : `${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(rule)}`;
    case 'minimum':
      return typeof value !== 'number' || value >= (rule as number) ? undefined : `${at}: ${value} is below ${rule}`;
    case 'maximum':
      return typeof value !== 'number' || value <= (rule as number) ? undefined : `${at}: ${value} is above ${rule}`;
    case 'anyOf':
      return (rule as Schema[]).some((option) => schemaProblem(option, value, root, at) === undefined) ? undefined : `${at}: matches none of ${JSON.stringify(rule)}`;
    case 'items':
      if (!Array.isArray(value)) return undefined;
      return firstOf(value.map((item, i) => schemaProblem(rule as Schema, item, root, `${at}[${i}]`)));
    case 'required':
      if (!isObject(value)) return undefined;
      return firstOf((rule as string[]).map((name) => (name in value ? undefined : `${at}: "${name}" is missing`)));
    case 'properties':
      if (!isObject(value)) return undefined;
      return firstOf(Object.entries(rule as Record<string, Schema>).map(([name, s]) => (name in value ? schemaProblem(s, value[name], root, `${at}.${name}`) : undefined)));
    case 'additionalProperties': {
      if (!isObject(value)) return undefined;
      const declared = Object.keys((schema.properties as object | undefined) ?? {});
      const extra = Object.keys(value).filter((name) => !declared.includes(name));
      if (rule === false) return extra.length === 0 ? undefined : `${at}: "${extra[0]}" is not a documented field`;
      return firstOf(extra.map((name) => schemaProblem(rule as Schema, value[name], root, `${at}.${name}`)));
    }
    case 'propertyNames':
      if (!isObject(value)) return undefined;
      return firstOf(Object.keys(value).map((name) => schemaProblem(rule as Schema, name, root, `${at} key ${JSON.stringify(name)}`)));
    default:
      return `${at}: the schema uses "${keyword}", which this check does not know`;
  }
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return typeof value === type;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const firstOf = (problems: (string | undefined)[]) => problems.find((p) => p !== undefined);

function resolve(root: object, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only references into the document are supported, not ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (!isObject(node)) throw new Error(`${ref} resolves to nothing in the document`);
  return node;
}
