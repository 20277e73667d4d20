/**
 * The one log channel. Everything pulumi-ipam says outside a command's answer goes through a
 * Logger, in one of two forms:
 *   - services (`ipam serve`, the controller's requests): one JSON object per line, with time
 *     and level, for a log pipeline;
 *   - a library or command running in someone else's process (the CLI, the Pulumi provider, the
 *     Kubernetes backend's warnings): one line of text, "ipam: warning: ...", for a person.
 * Both go to stderr unless given another writer (tests collect them).
 */
type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type Logger = (level: LogLevel, msg: string, fields?: LogFields) => void;
export type LogWrite = (line: string) => void;

const toStderr: LogWrite = (line) => {
  process.stderr.write(line);
};

export function jsonLinesLogger(write: LogWrite = toStderr): Logger {
  return (level, msg, fields = {}) => write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

const LEVEL_WORD: Record<LogLevel, string> = { info: '', warn: 'warning: ', error: 'error: ' };

export function textLogger(prefix: string, write: LogWrite = toStderr): Logger {
  return (level, msg, fields) => {
    const extra = fields === undefined || Object.keys(fields).length === 0 ? '' : ` ${JSON.stringify(fields)}`;
    write(`${prefix}: ${LEVEL_WORD[level]}${msg}${extra}\n`);
  };
}

/** A warning as the Kubernetes backend and the stores report it: a function of the message alone. */
export const warnTo =
  (logger: Logger) =>
  (message: string): void =>
    logger('warn', message);
