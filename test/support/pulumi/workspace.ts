import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Pulumi program directory set up the way a user's is: pulumi-ipam installed from the
 * tarball `npm pack` makes (so the published file list, compiled output and deep requires are
 * what is tested), next to the program's own files.
 *
 * The package's dependencies are linked from this repository's node_modules (the versions of
 * the lockfile) instead of being downloaded and compiled again: better-sqlite3 alone takes
 * minutes to build. Node resolves links to their real path, so the program, the SDK and the
 * test share one @pulumi/pulumi runtime, as they would in a real program.
 */
const REPO = join(__dirname, '..', '..', '..');
let packed: string | undefined;

/** Builds (when sources are newer than dist/) and packs pulumi-ipam once per test run. */
function packedTarball(): string {
  if (packed !== undefined) return packed;
  if (newestMtime([join(REPO, 'provider', 'src'), join(REPO, 'sdk', 'nodejs')]) > mtimeOrZero(join(REPO, 'dist', 'sdk', 'nodejs', 'index.js'))) {
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.json')], { stdio: 'inherit' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'ipam-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir, '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  packed = join(dir, (JSON.parse(out) as { filename: string }[])[0].filename);
  return packed;
}

export interface ProgramWorkspace {
  /** The workspace root, holding node_modules and the program (or programs, in subfolders). */
  dir: string;
}

/**
 * A program directory holding the files of `source` (an example folder), or empty for a test
 * that supplies its program as a function; in `at` when given, else in a fresh temp folder;
 * `without` leaves packages out, as a user who never installed an optional peer has them.
 */
export function programWorkspace(source?: string, at?: string, options: { without?: string[] } = {}): ProgramWorkspace {
  const dir = at ?? mkdtempSync(join(tmpdir(), 'ipam-program-'));
  mkdirSync(dir, { recursive: true });
  if (source !== undefined) cpSync(source, dir, { recursive: true, filter: (path) => !path.includes('node_modules') });
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, 'pulumi-ipam'), { recursive: true });
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry === 'pulumi-ipam' || entry === '.bin' || entry.startsWith('.') || options.without?.includes(entry)) continue;
    if (!existsSync(join(modules, entry))) symlinkSync(join(REPO, 'node_modules', entry), join(modules, entry));
  }
  execFileSync('tar', ['-xzf', packedTarball(), '-C', join(modules, 'pulumi-ipam'), '--strip-components=1']);
  return { dir };
}

function mtimeOrZero(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function newestMtime(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (name.endsWith('.ts')) newest = Math.max(newest, stat.mtimeMs);
    }
  };
  dirs.forEach(walk);
  return newest;
}
