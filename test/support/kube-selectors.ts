import { badRequest } from './kube-status';

/**
 * Label selectors as the server parses them (?labelSelector=): `k=v`, `k==v`, `k!=v`, `k`,
 * `!k`, `k in (a,b)`, `k notin (a,b)`, joined by commas (AND).
 */
export type LabelTest = (labels: Record<string, string>) => boolean;

const SET = /^([A-Za-z0-9._/-]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQUALITY = /^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/;
const EXISTS = /^(!?)([A-Za-z0-9._/-]+)$/;

/** Splits on the commas that are not inside "( )". */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

function requirement(text: string): LabelTest {
  const set = SET.exec(text);
  if (set !== null) {
    const values = new Set(set[3].split(',').map((v) => v.trim()));
    return set[2] === 'in' ? (l) => l[set[1]] !== undefined && values.has(l[set[1]]) : (l) => l[set[1]] === undefined || !values.has(l[set[1]]);
  }
  const eq = EQUALITY.exec(text);
  if (eq !== null) return eq[2] === '!=' ? (l) => l[eq[1]] !== eq[3] : (l) => l[eq[1]] === eq[3];
  const exists = EXISTS.exec(text);
  if (exists !== null) return exists[1] === '!' ? (l) => l[exists[2]] === undefined : (l) => l[exists[2]] !== undefined;
  throw badRequest(`unable to parse requirement: ${text}`);
}

export function parseLabelSelector(selector: string | null): LabelTest {
  if (selector === null || selector.trim() === '') return () => true;
  const tests = requirements(selector).map(requirement);
  return (labels) => tests.every((test) => test(labels));
}
