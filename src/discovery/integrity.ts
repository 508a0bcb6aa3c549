/**
 * Reads and writes `migrations/neomig.sum` and takes the checksums of the migration files on disk.
 * The format and every decision about it live in core/integrity.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseMigrationFileName } from '../core/filename.js';
import {
  type ParsedSum,
  SUM_FILE,
  type SumLine,
  fileChecksum,
  formatSum,
  parseSum,
  sortLines,
  sumTotal,
} from '../core/integrity.js';
import { listFiles } from './files.js';

export function sumPath(dir: string): string {
  return path.join(dir, SUM_FILE);
}

/** The sum file, parsed; null when the folder has none (integrity checks are then off, adoption is opt-in). */
export async function readSum(dir: string): Promise<ParsedSum | null> {
  const file = sumPath(dir);
  if (!existsSync(file)) return null;
  return parseSum(await readFile(file, 'utf8'));
}

/** Writes the sum for these lines (total first, fixed order); via a temp file so a crash never leaves half a file. */
export async function writeSum(dir: string, lines: readonly SumLine[]): Promise<void> {
  const file = sumPath(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, formatSum(lines));
  await rename(tmp, file);
}

/** Every migration file discovery recognizes under `dir`, with its checksum. Malformed names throw as in discovery. */
export async function hashMigrationFiles(dir: string): Promise<SumLine[]> {
  return sortLines(await hashFiles(dir, existsSync(dir) ? await listFiles(dir) : []));
}

/** The checksums of these files (relative to `dir`); names that are not migrations are skipped. */
export async function hashFiles(dir: string, files: readonly string[]): Promise<SumLine[]> {
  const out: SumLine[] = [];
  for (const rel of files) {
    const parsed = parseMigrationFileName(path.posix.basename(rel));
    if (!parsed) continue;
    const text = readFileSync(path.join(dir, rel), 'utf8').replace(/^\uFEFF/, '');
    out.push({ file: rel, checksum: fileChecksum(parsed.type, rel, text) });
  }
  return out;
}

/**
 * Sets the lines of these files, leaving every other line as it was (never re-hashing other files, so
 * an unreviewed edit elsewhere stays visible). Used by `create` and `dev` for the files they wrote or
 * applied themselves. Does nothing (returns false) when the folder has no sum and `createIfMissing` is
 * not set, or when the sum is damaged.
 */
export async function recordInSum(dir: string, lines: readonly SumLine[], createIfMissing = false): Promise<boolean> {
  const current = await readSum(dir);
  if (!current && !createIfMissing) return false;
  // a damaged sum (conflict markers, a hand-edited line) stays as it is for validate to report: only
  // `neomig hash` rewrites it, so that a new total never hides what happened
  if (current && (current.malformed.length > 0 || current.total !== sumTotal(current.lines))) return false;
  const byFile = new Map((current?.lines ?? []).map((l) => [l.file, l.checksum]));
  for (const l of lines) byFile.set(l.file, l.checksum);
  await writeSum(dir, [...byFile].map(([file, checksum]) => ({ file, checksum })));
  return true;
}

/**
 * `create`: the new files' lines go into neomig.sum when the folder has one, or when the folder held no
 * migration before (a new project starts with the integrity file; an existing one adopts it with `neomig hash`).
 */
export async function recordCreated(dir: string, files: readonly string[], folderWasNew: boolean): Promise<boolean> {
  const rel = files.map((f) => path.relative(dir, f).split(path.sep).join('/'));
  return recordInSum(dir, await hashFiles(dir, rel), folderWasNew);
}
