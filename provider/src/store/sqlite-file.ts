import Database from 'better-sqlite3';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IpamError } from '../errors';

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
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, ... (${tables.length} tables)` : '');
  throw new IpamError(
    'INVALID_INPUT',
    `state: ${file} is not a pulumi-ipam state file: it holds another application's tables (${shown}) and no ipam schema; ` +
      'nothing was written to it. Point the state (--state, IPAM_STATE, ipam:state, or serve --db) at a new file or an existing ipam state file',
    'state',
  );
}

/** What a user needs to hear when SQLite fails: the file, the cause in words, and the fix. Others pass unchanged. */
export function sqliteFailure(e: unknown, file: string, doing: 'reading' | 'writing'): unknown {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const detail = `${(e as Error).message} (${code})`;
  const say = (message: string) => new IpamError('STORE_UNAVAILABLE', `state file ${file}: ${message}`);
  if (code === 'SQLITE_FULL') {
    return say(`the disk is full: ${detail} while ${doing}; nothing was written. Free space on the disk holding the file, then retry`);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    // A full disk (or a file-size limit) is what makes SQLite fail to grow FILE-wal or FILE-shm,
    // which even a read needs: "disk I/O error" alone sends people looking for a broken disk.
    return say(
      `${detail} while ${doing}: SQLite could not write ${file}-wal or ${file}-shm beside it; the usual cause is a full disk ` +
        '(or a file-size limit). Free space on the disk holding the file, then retry; nothing was written',
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
    return say(`${detail} while ${doing}: this user cannot write the file or its directory; writes need a writable file and directory`);
  }
  if (code === 'SQLITE_NOTADB') {
    return say(`${detail}: the file is not a SQLite database, so not a pulumi-ipam state file; point the state at a new file or an ipam state file`);
  }
  if (code === 'SQLITE_BUSY') {
    return say(`${detail} while ${doing}: another process held the write lock for longer than the busy timeout; retry`);
  }
  return e;
}
