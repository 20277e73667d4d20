import { errors } from '../errors';
import { checkPrintable, labelKeyProblem } from './validate';
import { LABEL_OPERATORS } from './constants';
import { LabelOperator, LabelSelector } from './policy-types';

/**
 * Pool selectors: a claim or a client address may name the labels of the pool it wants
 * (`zone=eu-west-1a`, `env in (prod,staging)`) instead of the pool, as a Kubernetes label
 * selector picks objects; the engine picks among the matching pools (engine/policy-ops.ts).
 *
 * A selector may be given three ways, all normalised to the same text:
 *   - a map of labels, each required with that value: {"zone": "a"};
 *   - Kubernetes' LabelSelector object: {matchLabels: {...}, matchExpressions: [{key, operator, values}]};
 *   - Kubernetes' selector text: "zone=a,env in (prod,staging),!legacy".
 * The normal form is the text, requirements sorted by key, so two ways of writing one selector
 * compare equal (a changed selector is a Pulumi replace; the same one written otherwise is not).
 */

export interface Requirement {
  key: string;
  operator: LabelOperator;
  /** Sorted, without duplicates; empty for Exists and DoesNotExist. */
  values: string[];
}

const MAX_REQUIREMENTS = 32;
// Label values as Kubernetes allows them, plus what our labels already hold: no spaces, commas,
// parentheses, "=" or "!", which the text form uses.
const VALUE = /^[^\s,()=!]{0,253}$/;

/** Normalises a selector to its text form; throws INVALID_INPUT naming `field`. */
export function checkSelector(value: unknown, field = 'poolSelector'): string {
  return formatSelector(parseSelector(value, field));
}

export function parseSelector(value: unknown, field = 'poolSelector'): Requirement[] {
  let requirements: Requirement[];
  if (typeof value === 'string') requirements = parseText(value, field);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value)) requirements = isStructured(value) ? fromStructured(value, field) : fromMap(value as Record<string, unknown>, field);
  else throw errors.INVALID_INPUT({ case: 'selector-shape', field, value });
  if (requirements.length === 0) throw errors.INVALID_INPUT({ case: 'selector-empty', field });
  if (requirements.length > MAX_REQUIREMENTS) throw errors.INVALID_INPUT({ case: 'selector-too-many', field, max: MAX_REQUIREMENTS });
  const byKey = new Map<string, Requirement>();
  for (const r of requirements) {
    const text = `${r.key}/${r.operator}`;
    if (byKey.has(text)) throw errors.INVALID_INPUT({ case: 'selector-twice', field, key: r.key, operator: r.operator });
    byKey.set(text, r);
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : LABEL_OPERATORS.indexOf(a.operator) - LABEL_OPERATORS.indexOf(b.operator)));
}

function isStructured(value: object): value is LabelSelector {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => (k === 'matchLabels' || k === 'matchExpressions') && typeof (value as Record<string, unknown>)[k] === 'object');
}

function fromMap(map: Record<string, unknown>, field: string): Requirement[] {
  return Object.entries(map).map(([key, v]) => requirement(key, 'In', [v], `${field}.${key}`));
}

function fromStructured(selector: LabelSelector, field: string): Requirement[] {
  const out: Requirement[] = [];
  if (selector.matchLabels !== undefined) {
    if (selector.matchLabels === null || Array.isArray(selector.matchLabels)) throw errors.INVALID_INPUT({ case: 'selector-match-labels', field: `${field}.matchLabels` });
    out.push(...fromMap(selector.matchLabels, `${field}.matchLabels`));
  }
  if (selector.matchExpressions !== undefined) {
    if (!Array.isArray(selector.matchExpressions)) throw errors.INVALID_INPUT({ case: 'selector-match-expressions', field: `${field}.matchExpressions` });
    selector.matchExpressions.forEach((e, i) => {
      const at = `${field}.matchExpressions[${i}]`;
      if (e === null || typeof e !== 'object') throw errors.INVALID_INPUT({ case: 'selector-expression', field: at });
      if (!LABEL_OPERATORS.includes(e.operator)) throw errors.INVALID_INPUT({ case: 'selector-operator', field: `${at}.operator`, value: e.operator, operators: LABEL_OPERATORS });
      out.push(requirement(e.key, e.operator, e.values ?? [], at));
    });
  }
  return out;
}

function requirement(key: unknown, operator: LabelOperator, values: unknown[], field: string): Requirement {
  if (typeof key !== 'string' || key.length === 0 || key.length > 317 || /[\s,()=!<>]/.test(key)) {
    throw errors.INVALID_INPUT({ case: 'selector-key', field, key });
  }
  checkPrintable(key, field, 'label-key');
  if (labelKeyProblem(key) !== undefined) throw errors.INVALID_INPUT({ case: 'selector-key-reserved', field });
  const withValues = operator === 'In' || operator === 'NotIn';
  if (withValues === (values.length === 0)) throw errors.INVALID_INPUT({ case: 'selector-values', field, key, operator, needs: withValues });
  for (const v of values) {
    if (typeof v !== 'string' || !VALUE.test(v)) throw errors.INVALID_INPUT({ case: 'selector-value', field, key, value: v });
    checkPrintable(v, field, 'label-value');
  }
  return { key, operator, values: [...new Set(values as string[])].sort() };
}

/** Kubernetes' selector text: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas. */
function parseText(text: string, field: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if ((c === ',' && depth === 0) || i === text.length) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text.trim() === '') return [];
  return parts.map((part) => {
    if (part === '') throw errors.INVALID_INPUT({ case: 'selector-empty-requirement', field, text });
    const set = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
    if (set !== null) return requirement(set[1], set[2] === 'in' ? 'In' : 'NotIn', set[3].split(',').map((v) => v.trim()).filter((v) => v !== ''), field);
    const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (equality !== null) return requirement(equality[1], equality[2] === '!=' ? 'NotIn' : 'In', [equality[3]], field);
    if (/^!\s*[^=!\s]+$/.test(part)) return requirement(part.slice(1).trim(), 'DoesNotExist', [], field);
    if (/^[^=!\s]+$/.test(part)) return requirement(part, 'Exists', [], field);
    throw errors.INVALID_INPUT({ case: 'selector-requirement', field, part });
  });
}

export function formatSelector(requirements: Requirement[]): string {
  return requirements
    .map(({ key, operator, values }) => {
      switch (operator) {
        case 'In':
          return values.length === 1 ? `${key}=${values[0]}` : `${key} in (${values.join(',')})`;
        case 'NotIn':
          return values.length === 1 ? `${key}!=${values[0]}` : `${key} notin (${values.join(',')})`;
        case 'Exists':
          return key;
        case 'DoesNotExist':
          return `!${key}`;
      }
    })
    .join(',');
}

export function matchesSelector(requirements: Requirement[], labels: Record<string, string> | undefined): boolean {
  return requirements.every(({ key, operator, values }) => {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key);
    switch (operator) {
      case 'In':
        return has && values.includes(labels[key]);
      case 'NotIn':
        return !has || !values.includes(labels[key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}
