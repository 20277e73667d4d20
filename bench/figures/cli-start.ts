/**
 * A command that starts like a command: wall time of `ipam pool list`, `ipam alloc` and `ipam
 * find` on the embedded backend (a state file holding one pool), each against a bare
 * `node -e 0` measured in the same run. The HTTP service, zod, yaml and prom-client load only
 * for `ipam serve`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Report, round } from '../lib/figure';
import { median, progress } from '../lib/measure';

const RUNS = 9;
const CLI = join(__dirname, '..', '..', 'dist', 'provider', 'src', 'cli', 'main.js');

function wallMs(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
  return performance.now() - started;
}

export async function run(report: Report): Promise<void> {
  const state = join(mkdtempSync(join(tmpdir(), 'ipam-bench-cli-')), 'state.db');
  wallMs([CLI, 'pool', 'create', 'corp', '10.0.0.0/16', '--default-prefix', '24', '--state', state]);
  const commands: Record<string, (i: number) => string[]> = {
    'pool list': () => ['pool', 'list'],
    alloc: (i) => ['alloc', 'corp', '--owner', `bench-${i}`],
    find: () => ['find', '10.0.0.1'],
  };
  for (const [name, args] of Object.entries(commands)) {
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(wallMs(['-e', '0']));
      ours.push(wallMs([CLI, ...args(i), '--state', state]));
    }
    progress(`ipam ${name}: ${round(median(ours))} ms, bare node ${round(median(bare))} ms`);
    const value = median(ours);
    const baseline = median(bare);
    report({ figure: `cli-${name.replace(' ', '-')}`, value: round(value), unit: 'ms', baseline: round(baseline), baselineName: 'bare node -e 0', ratio: round(value / baseline) });
  }
}
