/**
 * `npm run bench [-- <filter>]`: runs every bench/figures/*.ts in name order (only those whose
 * file name contains the filter, when given). Each figure module exports
 *
 *   export async function run(report: (figure: Record<string, unknown>) => void): Promise<void>
 *
 * and calls `report` once per figure. Every figure goes to stdout as one JSON line; progress and
 * the closing summary (each figure, its ratio to its baseline, against its target) go to stderr,
 * so `npm run -s bench > out.jsonl` keeps only the figures (without -s, npm adds its own
 * "> pulumi-ipam@... bench" banner lines to stdout).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Figure } from './lib/figure';

const FIGURES_DIR = join(__dirname, 'figures');

type FigureModule = { run: (report: (figure: Figure) => void) => Promise<void> };

async function main(): Promise<void> {
  const filter = process.argv[2] ?? '';
  const files = readdirSync(FIGURES_DIR)
    .filter((name) => name.endsWith('.ts') && name.includes(filter))
    .sort();
  if (files.length === 0) throw new Error(`no figure file in bench/figures matches "${filter}"`);

  const figures: Figure[] = [];
  const failures: string[] = [];
  const report = (figure: Figure): void => {
    figures.push(figure);
    process.stdout.write(`${JSON.stringify(figure)}\n`);
  };
  const started = performance.now();
  for (const file of files) {
    process.stderr.write(`${file}\n`);
    const fileStarted = performance.now();
    try {
      const module = (await import(pathToFileURL(join(FIGURES_DIR, file)).href)) as FigureModule;
      await module.run(report);
    } catch (e) {
      failures.push(file);
      process.stderr.write(`  FAILED: ${(e as Error).stack ?? String(e)}\n`);
    }
    process.stderr.write(`  (${seconds(fileStarted)} s)\n`);
  }
  process.stderr.write(`\n${summary(figures)}\nbench: ${figures.length} figure(s) in ${seconds(started)} s\n`);
  if (failures.length > 0) {
    process.stderr.write(`bench: figure file(s) failed: ${failures.join(', ')}\n`);
    process.exitCode = 1;
  }
}

/** One line per figure: its value (and latencies), the ratio to its baseline, its target and whether this run met it. */
function summary(figures: Figure[]): string {
  const rows = figures.map((f) => {
    const value = `${String(f.value)} ${String(f.unit ?? '')}`.trim();
    const latency = f.p99Ms === undefined ? '' : `p50 ${String(f.p50Ms)} ms, p99 ${String(f.p99Ms)} ms`;
    const ratio = typeof f.ratio === 'number' ? `ratio ${f.ratio}` : '';
    const verdict = f.target === undefined ? '(no target)' : `target ${String(f.target)}: ${f.met === true ? 'met' : 'NOT met'}`;
    return [String(f.figure), value, latency, ratio, verdict];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(0, ...rows.map((r) => r[i].length)));
  return rows
    .map((r) => [r[0].padEnd(widths[0]), r[1].padStart(widths[1]), r[2].padEnd(widths[2]), r[3].padEnd(widths[3]), r[4]].join('  ').replace(/ +$/, ''))
    .join('\n');
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
