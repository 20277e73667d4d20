import { IpamApi } from '../model/api';
import { ParsedOptions } from './args';

/**
 * The shape of one `ipam` command: the table in commands.ts lists them, and commands that load
 * lazily (serve, controller) implement them in files of their own.
 */
/** What a command prints: `json` for --json, `text` for people. */
export interface Output {
  json: unknown;
  text: string;
  /** 1 when the command ran but found problems (`check`), so scripts need not parse the output; default 0. */
  exitCode?: number;
  /** The text escaped stored data itself and holds terminal colours: print it as it is. */
  escaped?: boolean;
}

export interface CommandContext {
  api: IpamApi;
  args: string[];
  options: ParsedOptions;
  space?: string;
  /** Who the command acts as (`cli:USER`), as the backend records it. */
  actor?: string;
  /** The folder relative file names are read from and written to. */
  cwd: string;
  /** Stdout is a terminal that takes colours. */
  color: boolean;
  /** For commands that draw progress on stderr (import). */
  io?: { stderr: (text: string) => void; stderrIsTTY?: boolean };
}

export interface Command {
  path: string[];
  usage: string;
  summary: string;
  /** More help, printed by `ipam COMMAND --help` after the summary. */
  details?: string;
  /** Positional argument names; a trailing "?" marks an optional one. */
  args: string[];
  options: string[];
  /** The command opens its own backend (`serve`): the CLI must not open the default one for it. */
  ownBackend?: boolean;
  run(ctx: CommandContext): Promise<Output>;
}
