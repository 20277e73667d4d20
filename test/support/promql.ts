/**
 * What a PromQL expression refers to: the metric names it selects, the label names it matches
 * or groups by, and the label values it matches exactly. Enough of PromQL for dashboards
 * (selectors, functions, aggregations with by/without, binary operators), not a full parser.
 */
export interface PromqlRefs {
  metrics: Set<string>;
  labels: Set<string>;
  /** label=value pairs of exact matchers (`outcome="conflict"`), as "label=value". */
  values: Set<string>;
  functions: Set<string>;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

export function promqlRefs(expr: string): PromqlRefs {
  const refs: PromqlRefs = { metrics: new Set(), labels: new Set(), values: new Set(), functions: new Set() };
  // Range and subquery durations hold no names ([5m], [$__rate_interval]).
  const text = expr.replace(/\[[^\]]*\]/g, '');
  const tokens = [...text.matchAll(/"(?:[^"\\]|\\.)*"|[A-Za-z_:][A-Za-z0-9_:]*|=~|!~|!=|==|[(){},=]|\S/g)].map((m) => m[0]);
  let braces = false;
  let grouping = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const next = tokens[i + 1];
    if (token === '{') braces = true;
    else if (token === '}') braces = false;
    else if (token === ')') grouping = false;
    else if (!/^[A-Za-z_:]/.test(token)) continue;
    else if (braces) {
      refs.labels.add(token);
      if (next === '=' && tokens[i + 2]?.startsWith('"') && !tokens[i + 2].includes('$')) refs.values.add(`${token}=${JSON.parse(tokens[i + 2]) as string}`);
    } else if (grouping) refs.labels.add(token);
    else if (GROUPING.has(token) && next === '(') {
      grouping = true;
      i++;
    } else if (KEYWORDS.has(token)) continue;
    else if (next === '(' || next === 'by' || next === 'without') refs.functions.add(token);
    else refs.metrics.add(token);
  }
  return refs;
}

/** The series of a Prometheus text exposition: metric name -> its samples' label sets. */
export function exposition(text: string): Map<string, Record<string, string>[]> {
  const series = new Map<string, Record<string, string>[]>();
  for (const line of text.split('\n')) {
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (sample === null) continue;
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    series.set(sample[1], [...(series.get(sample[1]) ?? []), labels]);
  }
  return series;
}
