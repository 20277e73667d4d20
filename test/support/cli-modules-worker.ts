/**
 * Runs `ipam` commands (the command lines given as arguments, one per argument) in one fresh
 * process, as the `ipam` binary would, then prints their exit codes and what that process
 * loaded: the packages, and our own modules (relative to provider/src): what a command pays for
 * at start-up.
 */
import { relative, sep } from 'node:path';
import { runCli } from '../../provider/src/cli/main';

const SOURCE = `${['', 'provider', 'src', ''].join(sep)}`;

async function main(): Promise<void> {
  const codes: number[] = [];
  for (const line of process.argv.slice(2)) {
    codes.push(await runCli(line.split(' '), { stdout: () => undefined, stderr: () => undefined, env: process.env, cwd: process.cwd() }));
  }
  const paths = Object.keys(require.cache);
  const packages = paths.map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1]).filter((name): name is string => name !== undefined);
  const modules = paths.filter((path) => path.includes(SOURCE) && !path.includes('node_modules')).map((path) => relative(path.slice(0, path.indexOf(SOURCE) + SOURCE.length), path));
  process.stdout.write(`${JSON.stringify({ codes, packages: [...new Set(packages)].sort(), modules: modules.sort() })}\n`);
}

void main();
