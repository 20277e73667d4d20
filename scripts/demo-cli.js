#!/usr/bin/env node
// A short `ipam` session on the embedded default backend (a SQLite file): what a newcomer
// runs first. Every command is printed before its output, so the session reads like a
// terminal transcript. The state file is fresh on each run, so the output is the same.
const { execFileSync } = require('node:child_process');
const { rmSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const state = join(root, '.ipam', 'demo', 'state.db');
rmSync(join(root, '.ipam', 'demo'), { recursive: true, force: true });
mkdirSync(join(root, '.ipam', 'demo'), { recursive: true });

const session = [
  'pool create corp 10.0.0.0/16 --default-prefix 24',
  'alloc corp --owner web',
  'alloc corp --owner db --prefix 26',
  'alloc corp --owner web',
  'pool create vpn 10.8.0.0/24 --gateway',
  'alloc vpn --ip --owner laptop-alice',
  'alloc vpn --ip --owner laptop-bob',
  'release corp --owner db',
  'allocations corp',
  'find 10.0.0.77',
  'pool show corp --prefix 24',
  'pool delete corp',
];
for (const line of session) {
  process.stdout.write(`\n$ ipam ${line}\n`);
  try {
    execFileSync(process.execPath, [join(root, 'dist/provider/src/cli/main.js'), ...line.split(' ')], {
      env: { ...process.env, IPAM_STATE: state },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch {
    // A refusal (like deleting a pool still in use) is part of the demo; its error was printed.
  }
}
