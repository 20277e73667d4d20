import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { errors } from '../errors';
import { Scope } from './route';

/**
 * Bearer tokens of the HTTP service. Each token has a name (recorded in the audit trail as who
 * made a change, and in request logs) and a scope: "read" or "read-write".
 *
 * Tokens are kept only as SHA-256 digests, and a presented token is compared with every one of
 * them by crypto.timingSafeEqual on the fixed-length digests, without stopping at the first
 * match: the time taken says nothing about how much of a token was right, or which one it was.
 * A token never appears in an error message or a log line.
 */
export type TokenScope = 'read' | 'read-write';

export interface TokenEntry {
  name: string;
  scope: TokenScope;
  token: string;
}

export interface Identity {
  name: string;
  scope: TokenScope;
}

/** The shortest token accepted: guessable tokens are refused at start, not discovered later. */
const MIN_TOKEN_LENGTH = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$/;

export class TokenAuth {
  private readonly entries: { name: string; scope: TokenScope; digest: Buffer }[];

  /** Refuses a list that is empty or holds a bad entry with CONFIG_INVALID, naming the entry but never its token. */
  constructor(tokens: TokenEntry[]) {
    if (tokens.length === 0) throw errors.CONFIG_INVALID({ case: 'no-tokens' });
    const names = new Set<string>();
    const digests = new Set<string>();
    this.entries = tokens.map((t, i) => {
      // The entry is named by its place and its name (when valid), never by its token.
      const where = { index: i, name: typeof t.name === 'string' && NAME.test(t.name) ? t.name : undefined };
      if (typeof t.name !== 'string' || !NAME.test(t.name)) throw errors.CONFIG_INVALID({ case: 'token-name', ...where });
      if (t.scope !== 'read' && t.scope !== 'read-write') throw errors.CONFIG_INVALID({ case: 'token-scope', ...where });
      // YAML reads an unquoted token of digits as a number (and a long one loses digits), so the
      // written token cannot be recovered: say so rather than call it short.
      if (typeof t.token === 'number' || typeof t.token === 'bigint') {
        throw errors.CONFIG_INVALID({ case: 'token-number', ...where });
      }
      if (typeof t.token !== 'string' || t.token.length < MIN_TOKEN_LENGTH || /\s/.test(t.token)) {
        throw errors.CONFIG_INVALID({ case: 'token-short', ...where, min: MIN_TOKEN_LENGTH });
      }
      if (names.has(t.name)) throw errors.CONFIG_INVALID({ case: 'token-name-twice', ...where });
      const digest = sha256(t.token);
      if (digests.has(digest.toString('hex'))) throw errors.CONFIG_INVALID({ case: 'token-twice', ...where });
      names.add(t.name);
      digests.add(digest.toString('hex'));
      return { name: t.name, scope: t.scope, digest };
    });
  }

  /** Who sent this Authorization header, for a route needing `scope`; throws UNAUTHORIZED or FORBIDDEN. */
  authorize(header: string | undefined, scope: Scope): Identity {
    const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
    if (match === null) {
      throw errors.UNAUTHORIZED({ case: 'missing' });
    }
    const presented = sha256(match[1]);
    let found: Identity | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented) && found === undefined) found = { name: entry.name, scope: entry.scope };
    }
    if (found === undefined) throw errors.UNAUTHORIZED({ case: 'unknown' });
    if (scope === 'write' && found.scope !== 'read-write') {
      throw errors.FORBIDDEN({ token: found.name });
    }
    return found;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * A tokens file, YAML or JSON:
 *   tokens:
 *     - { name: ci, scope: read-write, token: "..." }
 *     - { name: grafana, scope: read, token: "..." }
 */
export function readTokensFile(file: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw errors.CONFIG_INVALID({ case: 'tokens-file-unreadable', file, cause: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (e) {
    // Only where: the parser's message quotes the offending line, which may hold a token.
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw errors.CONFIG_INVALID({ case: 'tokens-file-syntax', file, line });
  }
  const list = (parsed as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(list)) throw errors.CONFIG_INVALID({ case: 'tokens-file-shape', file });
  return list as TokenEntry[];
}

/** IPAM_TOKENS: entries "name:scope:token", separated by commas or newlines. */
export function parseTokensEnv(value: string): TokenEntry[] {
  return value
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry, i) => {
      const [name, scope, ...rest] = entry.split(':');
      if (rest.length === 0) throw errors.CONFIG_INVALID({ case: 'tokens-env-entry', index: i });
      return { name, scope: scope as TokenScope, token: rest.join(':') };
    });
}
