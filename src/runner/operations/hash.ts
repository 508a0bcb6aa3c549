import { type SumChange, rehash, sumTotal } from '../../core/integrity.js';
import { hashMigrationFiles, readSum, sumPath, writeSum } from '../../discovery/integrity.js';
import type { MigratorSession } from '../session.js';

export interface HashOptions {
  /** show what would change; write nothing */
  dryRun?: boolean;
  /** do not read the history: keep every line whose file is gone (default: when there are such lines,
   *  read the history and drop only those whose version was never applied or was rolled back) */
  offline?: boolean;
}

export interface HashResult {
  /** absolute path of neomig.sum */
  file: string;
  dryRun: boolean;
  offline: boolean;
  /** the folder had no neomig.sum before */
  created: boolean;
  /** lines in the new file (total line not counted) */
  files: number;
  total: string;
  /** what changed, by file; `kept` lines are those whose file is gone */
  changes: SumChange[];
}

/**
 * Rewrites neomig.sum from the files (after a deliberate edit, or to adopt it). A line whose file is
 * gone stays as the record of what the file was, unless the history shows the version is not in effect;
 * a line is never made from the history's texts, only from files.
 */
export async function hash(session: MigratorSession, options: HashOptions = {}): Promise<HashResult> {
  const dir = session.config.migrationsDir;
  const old = await readSum(dir);
  const files = await hashMigrationFiles(dir);
  let dropGone: (file: string) => boolean = () => false;
  // the history is only needed to decide about lines of deleted files: without any, hash works offline
  const onDisk = new Set(files.map((f) => f.file));
  if (!options.offline && old && old.lines.some((l) => !onDisk.has(l.file))) {
    const entries = await session.historyOf(await session.connect()).readAll();
    const inEffect = new Set<string>();
    for (const e of entries.filter((x) => x.status !== 'rolled_back')) {
      inEffect.add(e.script);
      if (e.downScriptName) inEffect.add(e.downScriptName);
    }
    dropGone = (file) => !inEffect.has(file);
  }
  const { lines, changes } = rehash(old?.lines ?? [], files, dropGone);
  const unchanged = old !== null && old.malformed.length === 0 && old.total === sumTotal(lines)
    && changes.every((c) => c.change === 'kept');
  if (!options.dryRun && !unchanged) await writeSum(dir, lines);
  return {
    file: sumPath(dir),
    dryRun: options.dryRun === true,
    offline: options.offline === true,
    created: old === null,
    files: lines.length,
    total: sumTotal(lines),
    changes,
  };
}
