/**
 * Runs `ipam` commands (the command lines given as arguments, one per argument) in one fresh
 * process, as the `ipam` binary would, then prints which packages that process loaded: what a
 * command pays for at start-up.
 */
import { runCli } from '../../provider/src/cli/main';

async function main(): Promise<void> {
  for (const line of process.argv.slice(2)) {
    let stderr = '';
    const code = await runCli(line.split(' '), { stdout: () => undefined, stderr: (t) => (stderr += t), env: process.env, cwd: process.cwd() });
    if (code !== 0) throw new Error(`ipam ${line}: exit ${code}: ${stderr}`);
  }
  const loaded = Object.keys(require.cache)
    .map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1])
    .filter((name): name is string => name !== undefined);
  process.stdout.write(`${JSON.stringify([...new Set(loaded)].sort())}\n`);
}

void main();
