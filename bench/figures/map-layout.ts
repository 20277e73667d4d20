/**
 * The address map's layout (the one function behind the web view, `ipam pool map` and its SVG)
 * on busy pools: 10.0.0.0/8 holding 100,000 /30s (a tenth of them released and held), drawn as
 * the default grid and as a treemap, and 2001:db8::/32 holding 100,000 /64s as a treemap. The
 * figure is the median time of one layout from the allocations as the API returns them, with
 * the number of cells it drew (bounded by the cell budget, whatever the pool holds). Baseline:
 * JSON.stringify of the same allocations, the least the service does to send them at all.
 */
import { layoutPoolMap } from '../../provider/src/map/layout';
import { MapAllocation, MapInput, MapOptions } from '../../provider/src/map/model';
import { Report, judge, round } from '../lib/figure';
import { median, progress } from '../lib/measure';

const COUNT = 100_000;
const NOW = Date.parse('2025-06-01T00:00:00Z');
const TARGET_MS = 1_000;

function timeMs(reps: number, work: () => unknown): number {
  work();
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    work();
    runs.push(performance.now() - started);
  }
  return median(runs);
}

const v4: MapAllocation[] = Array.from({ length: COUNT }, (_, i) => ({
  owner: `host-${i}`,
  cidr: `10.${(i >> 14) & 255}.${(i >> 6) & 255}.${(i & 63) * 4}/30`,
  status: i % 10 === 9 ? 'released' : 'allocated',
  ...(i % 10 === 9 ? { graceEndsAt: '2025-06-02T00:00:00.000Z' } : {}),
}));
const v6: MapAllocation[] = Array.from({ length: COUNT }, (_, i) => ({
  owner: `net-${i}`,
  cidr: `2001:db8:${(i % 65_536).toString(16)}:${Math.floor(i / 65_536).toString(16)}::/64`,
  status: 'allocated',
}));

const CASES: [string, MapInput, MapOptions][] = [
  ['map-layout-ipv4-slash8-grid', { cidr: '10.0.0.0/8', allocations: v4, nowMs: NOW }, {}],
  ['map-layout-ipv4-slash8-treemap', { cidr: '10.0.0.0/8', allocations: v4, nowMs: NOW }, { layout: 'treemap' }],
  ['map-layout-ipv6-slash32-treemap', { cidr: '2001:db8::/32', allocations: v6, nowMs: NOW }, {}],
];

export async function run(report: Report): Promise<void> {
  for (const [figure, input, options] of CASES) {
    progress(`${figure}: ${COUNT} allocations`);
    const cells = layoutPoolMap(input, options).cells.length;
    const value = timeMs(5, () => layoutPoolMap(input, options));
    const baseline = timeMs(5, () => JSON.stringify(input.allocations));
    report({
      figure,
      value: round(value),
      unit: 'ms',
      cells,
      allocations: COUNT,
      ...judge(value, { below: TARGET_MS }),
      baseline: round(baseline),
      baselineName: 'JSON.stringify of the same allocations',
      ratio: round(value / baseline),
    });
  }
}
