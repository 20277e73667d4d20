/**
 * `ipam import` of a 100,000-line CSV file (one pool, 10.0.0.0/8, and 99,999 /28 allocations
 * at given blocks) into the embedded default store, SQLite with synchronous=FULL, in process:
 * the whole command's work (parse the CSV, check every line against a snapshot, then write in
 * batches of 5,000 rows through the engine, one compare-and-swap commit each), from text to
 * committed state. A fresh file per repetition.
 *
 * The baseline, measured in the same run on the same disk: bare SQLite inserting the same
 * number of rows (space, pool, owner, cidr and a JSON body, as the store writes an allocation)
 * in transactions of 5,000, i.e. the least that writing these rows durably costs. The ratio is
 * import lines/s over bare rows/s. Target from the issue: 100,000 lines in well under a minute.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importText } from '../../provider/src/cli/transfer/import-flow';
import { NO_PROGRESS } from '../../provider/src/cli/transfer/progress';
import { Ipam } from '../../provider/src/engine/ipam';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { Report, judge, round } from '../lib/figure';
import { measureRate, progress } from '../lib/measure';

const LINES = 100_000;
const BATCH = 5_000;
const REPS = 3;

export async function run(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ipam-bench-import-'));
  try {
    const rows = Array.from({ length: LINES - 1 }, (_, i) => {
      const start = i * 16;
      return `allocation,big,10.${(start >> 16) & 255}.${(start >> 8) & 255}.${start & 255}/28,owner-${i}`;
    });
    const text = ['record,pool,cidr,owner', 'pool,big,10.0.0.0/8,', ...rows].join('\n');

    let file = 0;
    progress(`bare SQLite: ${LINES} rows in transactions of ${BATCH}`);
    const bare = await measureRate({ warmups: 1, reps: REPS, opsPerRep: LINES }, () => bareInserts(join(dir, `bare-${file++}.db`)));
    progress(`ipam import: ${LINES} lines`);
    const seconds: number[] = [];
    const sample = await measureRate({ warmups: 0, reps: REPS, opsPerRep: LINES }, async () => {
      const ipam = Ipam.create(new SqliteStore(join(dir, `import-${file++}.db`)), { actor: 'bench' });
      const started = performance.now();
      try {
        const result = await importText(ipam, text, { space: 'default', dryRun: false, skipInvalid: false, progress: NO_PROGRESS, actor: 'bench' });
        if (result.created !== LINES || result.refused !== 0) throw new Error(`import: ${result.created} created, ${result.refused} refused`);
      } finally {
        seconds.push((performance.now() - started) / 1000);
        await ipam.close();
      }
    });
    const slowest = Math.max(...seconds);
    report({
      figure: 'import-100k-sqlite',
      value: round(sample.median),
      unit: 'lines/s',
      seconds: seconds.map((s) => Number(s.toFixed(2))),
      ...judge(slowest, { below: 60 }),
      target: '100,000 lines in < 60 s (slowest repetition)',
      baseline: round(bare.median),
      baselineName: `bare SQLite inserts of the same rows, ${BATCH} per transaction (rows/s)`,
      ratio: round(sample.median / bare.median),
      runs: sample.runs,
      repetitions: `${REPS} timed imports of ${LINES} lines into a fresh file, median`,
      synchronous: 'FULL',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function bareInserts(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE allocations (space TEXT, pool TEXT, owner TEXT, cidr TEXT, body TEXT, PRIMARY KEY (space, pool, owner))');
    const insert = db.prepare('INSERT INTO allocations VALUES (?, ?, ?, ?, ?)');
    const batch = db.transaction((from: number) => {
      for (let i = from; i < Math.min(from + BATCH, LINES); i++) {
        const cidr = `10.${(i >> 12) & 255}.${(i >> 4) & 255}.${(i & 15) * 16}/28`;
        insert.run('default', 'big', `owner-${i}`, cidr, JSON.stringify({ pool: 'big', owner: `owner-${i}`, cidr, kind: 'prefix', status: 'allocated' }));
      }
    });
    for (let from = 0; from < LINES; from += BATCH) batch.immediate(from);
  } finally {
    db.close();
  }
}
