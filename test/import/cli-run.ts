import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../provider/src/cli/main';

/** The `ipam` command as a person runs it, in a fresh directory of its own (its state file is ./.ipam/state.db). */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Session {
  dir: string;
  ipam(line: string, env?: NodeJS.ProcessEnv, terminal?: boolean): Promise<Run>;
  /** Writes a file into the session's directory; returns its name. */
  file(name: string, text: string): string;
  read(name: string): string;
}

export function session(env: NodeJS.ProcessEnv = {}): Session {
  const dir = mkdtempSync(join(tmpdir(), 'ipam-import-'));
  return {
    dir,
    async ipam(line, extra = {}, terminal = false) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(line.split(' ').filter(Boolean), { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ...env, ...extra }, cwd: dir, stderrIsTTY: terminal });
      return { code, stdout, stderr };
    },
    file(name, text) {
      writeFileSync(join(dir, name), text);
      return name;
    },
    read(name) {
      return readFileSync(join(dir, name), 'utf8');
    },
  };
}

/** CSV text from lines (the first is the header), each line ending in a newline. */
export const csv = (...lines: string[]): string => `${lines.join('\n')}\n`;
