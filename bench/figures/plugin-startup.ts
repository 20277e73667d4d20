/**
 * How long `pulumi-resource-ipam` takes to start: from spawning it (as the engine does, with its
 * own address as the argument) to the port on its first line of stdout, when it can take
 * requests. The baseline, measured in the same run: a bare `node -e 0` from spawn to exit.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Report, round } from '../lib/figure';
import { median, progress } from '../lib/measure';

const RUNS = 9;
const PLUGIN = join(__dirname, '..', '..', 'dist', 'provider', 'src', 'plugin', 'main.js');

function timeUntil(args: string[], ready: 'port' | 'exit'): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    if (ready === 'exit') child.once('exit', () => resolve(performance.now() - started));
    else
      child.stdout!.once('data', () => {
        const ms = performance.now() - started;
        child.kill();
        resolve(ms);
      });
  });
}

export async function run(report: Report): Promise<void> {
  const plugin: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await timeUntil(['-e', '0'], 'exit'));
    plugin.push(await timeUntil([PLUGIN, '127.0.0.1:1'], 'port'));
  }
  progress(`plugin ${plugin.map((ms) => ms.toFixed(0)).join(' ')} ms; bare node ${bare.map((ms) => ms.toFixed(0)).join(' ')} ms`);
  const value = median(plugin);
  const baseline = median(bare);
  report({ figure: 'plugin-startup', value: round(value), unit: 'ms', baseline: round(baseline), baselineName: 'bare node -e 0, spawn to exit', ratio: round(value / baseline) });
}
