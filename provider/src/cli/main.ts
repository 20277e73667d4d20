#!/usr/bin/env node
import { userInfo } from 'node:os';
import { openIpam } from '../backends/open';
import { BackendSettings, settingsFromEnv } from '../backends/settings';
import { IpamError, escapeUnsafe, isIpamError } from '../errors';
import { IpamApi } from '../model/api';
import { UsageError, parseArgs } from './args';
import type { Command } from './command';
import { COMMANDS, COMMAND_OPTIONS, GLOBAL_OPTIONS } from './commands';
import { startTracing } from '../telemetry/start';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stderr is a terminal (a progress bar is drawn there only then). */
  stderrIsTTY?: boolean;
  /** Stdout is a terminal: colours are used unless NO_COLOR is set or TERM is "dumb". */
  isTTY?: boolean;
}

/**
 * Exit codes: 0 done; 1 the IPAM refused or failed (a typed error: fix the request, or retry a
 * STORE_UNAVAILABLE/CONTENTION) or `check` found problems; 2 the command line or the
 * configuration it points at is wrong
 * (USAGE, CONFIG_INVALID: a missing tokens file, a busy port, an unreadable certificate or
 * kubeconfig), which no retry can fix.
 */
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_CONFIG = 2;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes('--json');
  let api: IpamApi | undefined;
  try {
    const { positionals, options } = parseArgs(argv, { ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS });
    json = options.json === true;
    const command = findCommand(positionals);
    if (options.help === true || command === undefined) {
      if (command === undefined && positionals.length > 0 && options.help !== true) {
        throw new UsageError(`unknown command "${positionals.join(' ')}"; run \`ipam --help\``);
      }
      io.stdout(`${helpText(command)}\n`);
      return EXIT_OK;
    }
    const args = positionals.slice(command.path.length);
    checkArity(command, args);
    for (const name of Object.keys(options)) {
      if (!(name in GLOBAL_OPTIONS) && !command.options.includes(name)) {
        throw new UsageError(`--${name} does not apply to \`ipam ${command.path.join(' ')}\`; usage: ipam ${command.usage}`);
      }
    }
    if (options.space !== undefined && options.namespace !== undefined && options.space !== options.namespace) {
      throw new UsageError('--space and --namespace name the same thing; give one');
    }
    const settings: BackendSettings = { ...settingsFromEnv(io.env) };
    if (options.state !== undefined) settings.state = options.state as string;
    if (options.server !== undefined) settings.server = options.server as string;
    if (options.kube === true) settings.kube = true;
    if (options.kubeconfig !== undefined) settings.kubeconfig = options.kubeconfig as string;
    if (options.context !== undefined) settings.kubeContext = options.context as string;
    // A command with a backend of its own (serve) gets no api: opening the default one would create a stray state file.
    const actor = `cli:${safeUser()}`;
    if (!command.ownBackend) api = await openIpam(settings, { actor, cwd: io.cwd });
    // IPAM_NAMESPACE (settings.namespace) is the space of every command that names none, slices included.
    const space = (options.space ?? options.namespace ?? settings.namespace) as string | undefined;
    const color = io.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
    const output = await command.run({ api: api as IpamApi, args, options, space, actor, cwd: io.cwd, color, io: { stderr: io.stderr, stderrIsTTY: io.stderrIsTTY } });
    // Stored owners, descriptions and labels may predate the input rules: never let one drive the terminal.
    io.stdout(`${json ? escapeUnsafe(JSON.stringify(output.json, null, 2)) : output.escaped === true ? output.text : escapeUnsafe(output.text)}\n`);
    return output.exitCode ?? EXIT_OK;
  } catch (e) {
    const usage = e instanceof UsageError;
    const error = usage ? { code: 'USAGE', message: e.message } : toIpamError(e).toJSON();
    io.stderr(escapeUnsafe(json ? `${JSON.stringify({ error })}\n` : `error[${error.code}]: ${error.message}\n`));
    return usage || error.code === 'CONFIG_INVALID' ? EXIT_CONFIG : EXIT_REFUSED;
  } finally {
    await api?.close();
  }
}

function findCommand(positionals: string[]): Command | undefined {
  return COMMANDS.filter((c) => c.path.every((word, i) => positionals[i] === word)).sort((a, b) => b.path.length - a.path.length)[0];
}

function checkArity(command: Command, args: string[]): void {
  const required = command.args.filter((a) => !a.endsWith('?')).length;
  if (args.length < required || args.length > command.args.length) {
    throw new UsageError(`usage: ipam ${command.usage}`);
  }
}

/**
 * Every failure the command expects is typed where it happens (store, configuration, server);
 * anything else is a bug, said as such rather than passed off as a backend to retry.
 */
function toIpamError(e: unknown): IpamError {
  if (isIpamError(e)) return e;
  return new IpamError('INTERNAL_ERROR', `unexpected failure (a bug, please report it): ${e instanceof Error ? e.message : String(e)}`);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function helpText(command?: Command): string {
  const describe = (names: string[]) =>
    names.map((n) => {
      const spec = { ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS }[n];
      return `  --${n}${spec.valueName ? ` ${spec.valueName}` : ''}`.padEnd(34) + spec.help;
    });
  if (command !== undefined) {
    return [`ipam ${command.usage}`, '', command.summary, ...(command.details === undefined ? [] : ['', command.details]), '', 'Options:', ...describe(command.options), ...describe(Object.keys(GLOBAL_OPTIONS))].join('\n');
  }
  return [
    'ipam: IP address management for people and scripts (pulumi-ipam)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(14)}${c.summary}`),
    '',
    'Global options (anywhere on the line):',
    ...describe(Object.keys(GLOBAL_OPTIONS)),
    '',
    'Run `ipam COMMAND --help` for the options of a command.',
  ].join('\n');
}

if (require.main === module) {
  // Only when OTEL_* asks for tracing (the SDK is loaded then and only then); shut down at the end so the last spans are sent.
  const tracing = startTracing(process.env);
  runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
    isTTY: process.stdout.isTTY === true,
  }).then(async (code) => {
    await tracing?.shutdown();
    process.exitCode = code;
  });
}
