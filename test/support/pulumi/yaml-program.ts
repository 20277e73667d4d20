import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Props } from './provider-host';

/**
 * A Pulumi YAML program, read as the YAML language host reads the parts this project's examples
 * use (pulumi/pulumi-yaml, pkg/pulumiyaml): `resources` (type, properties, options.dependsOn),
 * `outputs`, and `${resource.property}` expressions, alone (the value itself) or inside a string
 * (interpolated). Each resource waits for the resources its expressions and dependsOn name, as
 * the YAML host's evaluation order does; independent resources register at once.
 */
interface YamlResource {
  name: string;
  type: string;
  properties: Props;
  /** Resources named by expressions, per top-level property (the engine's property dependencies). */
  propertyDependencies: Record<string, string[]>;
  /** Every resource this one waits for: its expressions' and options.dependsOn. */
  dependsOn: string[];
}

export interface YamlProgram {
  name: string;
  resources: YamlResource[];
  outputs: Props;
}

const EXPRESSION = /\$\{([A-Za-z_][\w-]*)((?:\.[A-Za-z_]\w*)*)\}/g;

/** Resource names an expression-bearing value refers to. */
function referencesOf(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(EXPRESSION)].map((m) => m[1]);
  if (Array.isArray(value)) return value.flatMap(referencesOf);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(referencesOf);
  return [];
}

export function readYamlProgram(file: string): YamlProgram {
  const doc = parse(readFileSync(file, 'utf8')) as {
    name: string;
    runtime: string;
    resources?: Record<string, { type: string; properties?: Props; options?: { dependsOn?: string[] } }>;
    outputs?: Props;
  };
  if (doc.runtime !== 'yaml') throw new Error(`${file}: runtime is ${doc.runtime}, not yaml`);
  const resources = Object.entries(doc.resources ?? {}).map(([name, r]): YamlResource => {
    const properties = r.properties ?? {};
    const propertyDependencies = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, [...new Set(referencesOf(v))]]));
    const dependsOn = [...new Set([...Object.values(propertyDependencies).flat(), ...(r.options?.dependsOn ?? []).flatMap(referencesOf)])];
    return { name, type: r.type, properties, propertyDependencies, dependsOn };
  });
  const names = new Set(resources.map((r) => r.name));
  for (const r of resources) {
    const unknown = r.dependsOn.filter((d) => !names.has(d));
    if (unknown.length > 0) throw new Error(`${file}: resource ${r.name} refers to ${unknown.join(', ')}, which the program does not declare`);
  }
  return { name: doc.name, resources, outputs: doc.outputs ?? {} };
}

/**
 * A value with its expressions evaluated against the resources' outputs. An expression whose
 * value is not known yet (preview) makes the whole value `unknown`.
 */
export function evaluate(value: unknown, outputsOf: (resource: string) => Props, unknown: string): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z_][\w-]*)((?:\.[A-Za-z_]\w*)*)\}$/.exec(value);
    const lookup = (name: string, path: string): unknown => path.split('.').filter(Boolean).reduce<unknown>((v, key) => (v as Props | undefined)?.[key], outputsOf(name));
    if (whole !== null) return lookup(whole[1], whole[2]);
    let anyUnknown = false;
    const text = value.replace(EXPRESSION, (_, name: string, path: string) => {
      const v = lookup(name, path);
      if (v === unknown) anyUnknown = true;
      return String(v);
    });
    return anyUnknown ? unknown : text;
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, outputsOf, unknown));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, outputsOf, unknown)]));
  return value;
}
