import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LocalStack, StackRegistry } from './local-stack';
import { ProgramWorkspace, programWorkspace } from './workspace';

export const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

/** Stack config from Pulumi.<stack>.yaml, as `pulumi up` reads it, plus overrides. */
function stackConfig(programDir: string, stack: string, overrides: Record<string, string> = {}): Record<string, string> {
  const file = join(programDir, `Pulumi.${stack}.yaml`);
  const config = existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> }).config ?? {}) : {};
  const asText = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  return { ...asText, ...overrides };
}

function projectName(programDir: string): string {
  return (parse(readFileSync(join(programDir, 'Pulumi.yaml'), 'utf8')) as { name: string }).name;
}

/** An example copied into a fresh workspace, as a stack named `stack`. */
export function exampleStack(example: string, options: { stack?: string; config?: Record<string, string>; workspace?: ProgramWorkspace; registry?: StackRegistry; subdir?: string } = {}): LocalStack {
  const workspace = options.workspace ?? programWorkspace(join(EXAMPLES, example));
  const stack = options.stack ?? 'dev';
  const programDir = options.subdir === undefined ? workspace.dir : join(workspace.dir, options.subdir);
  return new LocalStack(workspace, {
    project: projectName(programDir),
    stack,
    config: stackConfig(programDir, stack, options.config),
    registry: options.registry,
    programDir,
  });
}
