/**
 * `npm run demo`: runs examples/quickstart the way `pulumi preview` and `pulumi up` run it,
 * through Pulumi's own dynamic provider host, on the embedded SQLite backend, with
 * pulumi-ipam installed from its npm pack tarball. No Pulumi CLI is needed (the runner is the
 * one the tests use: test/support/pulumi). Then it shows the same state through `ipam`.
 *
 * The program folder is .ipam/demo/quickstart; its state stays in
 * .ipam/demo/quickstart/.ipam/state.db for you to look at with `npx ipam --state ... pool list`.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { exampleStack } from '../test/support/pulumi/examples';
import { Step } from '../test/support/pulumi/local-stack';
import { programWorkspace } from '../test/support/pulumi/workspace';

const ROOT = join(__dirname, '..');
const dir = join(ROOT, '.ipam', 'demo', 'quickstart');

function show(title: string, steps: Step[], outputs?: Record<string, unknown>): void {
  process.stdout.write(`\n== ${title}\n`);
  for (const s of steps) process.stdout.write(`  ${s.op.padEnd(8)} ${s.type.replace('pulumi-nodejs:dynamic/', '').padEnd(22)} ${s.name}\n`);
  if (outputs !== undefined) {
    process.stdout.write('  Outputs:\n');
    for (const [k, v] of Object.entries(outputs)) process.stdout.write(`    ${k}: ${JSON.stringify(v)}\n`);
  }
}

async function main(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const stack = exampleStack('quickstart', { workspace: programWorkspace(join(ROOT, 'examples', 'quickstart'), dir) });
  const preview = await stack.preview();
  show('pulumi preview', preview.steps);
  const up = await stack.up();
  show('pulumi up', up.steps, up.outputs);
  const again = await stack.up();
  show('pulumi up (again: nothing changes)', again.steps);
  const state = join(dir, '.ipam', 'state.db');
  for (const command of [['pool', 'list'], ['allocations', 'office']]) {
    process.stdout.write(`\n$ ipam --state ${state} ${command.join(' ')}\n`);
    process.stdout.write(execFileSync(process.execPath, [join(ROOT, 'dist', 'provider', 'src', 'cli', 'main.js'), '--state', state, ...command], { encoding: 'utf8' }));
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
