import Database from 'better-sqlite3';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SqliteProblem, errors } from '../errors';

/**
 * Opening a SQLite state file, and telling the truth about what goes wrong with it: a file the
 * user may not write, a full disk, a file that belongs to another application.
 */
export interface OpenedFile {
  db: Database.Database;
  /** Set when the file is not writable: reads work, every write is refused by name. */
  readOnly?: { reason: string };
  /** A private copy this process reads instead of the file (see openStateFile); removed on close. */
  snapshotDir?: string;
}

/**
 * A file this user may write is opened normally (created if absent). A file it may only read
 * (a backup, a read-only checkout) is opened read-only, so `pool list` still works. SQLite
 * reads a WAL file through a shared-memory file beside it (FILE-shm); in a directory this
 * user may not write, that file cannot be created, so the process reads a private copy of the
 * file instead: nobody can write the original through this user either.
 */
export function openStateFile(file: string): OpenedFile {
  if (file === ':memory:' || !existsSync(file)) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return { db: new Database(file) };
  }
  if (writable(file)) return { db: new Database(file) };
  const readOnly = { reason: `${file} is not writable by this user` };
  if (writable(dirname(file))) return { db: new Database(file, { readonly: true, fileMustExist: true }), readOnly };
  const snapshotDir = mkdtempSync(join(tmpdir(), 'ipam-readonly-'));
  const copy = join(snapshotDir, 'state.db');
  copyFileSync(file, copy);
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
  return { db: new Database(copy, { readonly: true, fileMustExist: true }), readOnly, snapshotDir };
}

export function closeStateFile(opened: OpenedFile): void {
  if (opened.db.open) opened.db.close();
  if (opened.snapshotDir !== undefined) rmSync(opened.snapshotDir, { recursive: true, force: true });
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses to add our tables to a file that holds tables of its own and no pulumi-ipam schema
 * (user_version 0): `--state` pointed at another application's database by mistake.
 */
export function refuseForeignFile(db: Database.Database, file: string): void {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
  if (tables.length === 0) return;
  throw errors.INVALID_INPUT({ case: 'foreign-state-file', file, tables });
}

/** What a user needs to hear when SQLite fails: the file, the cause in words, and the fix. Others pass unchanged. */
export function sqliteFailure(e: unknown, file: string, doing: 'reading' | 'writing'): unknown {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const problem = sqliteProblem(code);
  if (problem === undefined) return e;
  return errors.STORE_UNAVAILABLE({ case: 'sqlite', file, problem, detail: `${(e as Error).message} (${code})`, doing });
}

function sqliteProblem(code: string): SqliteProblem | undefined {
  if (code === 'SQLITE_FULL') return 'disk-full';
  if (code.startsWith('SQLITE_IOERR')) return 'io';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) return 'not-writable';
  if (code === 'SQLITE_NOTADB') return 'not-a-database';
  if (code === 'SQLITE_BUSY') return 'busy';
  return undefined;
}
