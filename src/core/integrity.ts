/**
 * The integrity file `migrations/neomig.sum`: one line per migration file with the checksum neomig
 * already takes of that file (normalized statements for Cypher, normalized source for TS/JS), and a
 * total over those lines on the first line. Pure: parsing, formatting, ordering and comparing.
 *
 * Format (UTF-8, LF):
 *
 *     total <sha256 hex over the file lines below, joined with "\n">
 *     V1.0.0__init.up.cypher <sha256 hex>
 *     V1.0.0__init.down.cypher <sha256 hex>
 *     V1.1.0__backfill.ts <sha256 hex>
 *
 * Lines are ordered by version, then up, down, module, then name; repeatables' `R__`/`U__` files come
 * after every version, by description, then role: two branches that each add a migration both change
 * the total line and append at the same place, so git reports a conflict.
 */
import { createHash } from 'node:crypto';
import { checksumSource } from './checksum.js';
import { checksumCypher } from './dialect.js';
import { parseMigrationFileName } from './filename.js';
import type { MigrationType, ValidationIssue } from './types.js';
import { compareRepeatables } from './repeatable.js';
import { compareVersions } from './version.js';

export const SUM_FILE = 'neomig.sum';

/** One file's line: its path relative to the migrations folder (always `/`) and its checksum. */
export interface SumLine {
  file: string;
  checksum: string;
}

export interface ParsedSum {
  lines: SumLine[];
  /** the total written in the file (null when the total line is missing) */
  total: string | null;
  /** lines that are not `<file> <checksum>` (e.g. merge conflict markers), 1-based */
  malformed: { line: number; text: string }[];
}

/** The checksum neomig keeps for a migration file's text: the same one the history records. */
export function fileChecksum(type: MigrationType, file: string, text: string): string {
  if (type === 'typescript') return checksumSource(text);
  return checksumCypher(text, file);
}

/** The total over file lines, as written on the first line. */
export function sumTotal(lines: readonly SumLine[]): string {
  return createHash('sha256').update(sortLines(lines).map(lineText).join('\n'), 'utf8').digest('hex');
}

/** The file's text for these lines: total first, then the lines in their fixed order. */
export function formatSum(lines: readonly SumLine[]): string {
  const sorted = sortLines(lines);
  return [`total ${sumTotal(sorted)}`, ...sorted.map(lineText)].join('\n') + '\n';
}

export function parseSum(text: string): ParsedSum {
  const lines: SumLine[] = [];
  const malformed: ParsedSum['malformed'] = [];
  let total: string | null = null;
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    // the checksum is the last field, so a file name with a space still parses
    const m = /^(.+?)\s+([0-9a-f]{64})$/.exec(line);
    if (!m) malformed.push({ line: i + 1, text: raw });
    else if (m[1] === 'total' && total === null && lines.length === 0) total = m[2]!;
    else lines.push({ file: m[1]!, checksum: m[2]! });
  });
  return { lines, total, malformed };
}

/** How the files on disk compare with the sum. */
export interface SumDiff {
  /** files on disk with no line */
  unlisted: SumLine[];
  /** files on disk whose checksum differs from their line (`checksum` is the file's, `listed` the line's) */
  changed: (SumLine & { listed: string })[];
  /** lines whose file is not on disk: kept as the record of what the file was */
  gone: SumLine[];
}

export function diffSum(sum: readonly SumLine[], files: readonly SumLine[]): SumDiff {
  const listed = new Map(sum.map((l) => [l.file, l.checksum]));
  const onDisk = new Set(files.map((f) => f.file));
  return {
    unlisted: files.filter((f) => !listed.has(f.file)),
    changed: files
      .filter((f) => listed.has(f.file) && listed.get(f.file) !== f.checksum)
      .map((f) => ({ ...f, listed: listed.get(f.file)! })),
    gone: sum.filter((l) => !onDisk.has(l.file)),
  };
}

const HASH_HINT = 'After a deliberate edit, run `neomig hash` and commit neomig.sum with the file.';

/** What validate and up report about the files and the sum (empty when they agree). */
export function sumIssues(parsed: ParsedSum, files: readonly SumLine[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const versionOf = (file: string) => safeParse(file)?.version ?? '';
  for (const bad of parsed.malformed) {
    issues.push({
      kind: 'integrity',
      version: '',
      file: SUM_FILE,
      message:
        `${SUM_FILE} line ${bad.line} is not "<file> <sha256>": ${JSON.stringify(bad.text.slice(0, 60))} ` +
        '(a merge conflict? run `neomig hash`)',
    });
  }
  if (parsed.malformed.length === 0 && parsed.total !== sumTotal(parsed.lines)) {
    issues.push({
      kind: 'integrity',
      version: '',
      file: SUM_FILE,
      message:
        `${SUM_FILE}: the total line does not match the lines below it (edited or merged by hand); ` +
        'run `neomig hash`',
    });
  }
  const diff = diffSum(parsed.lines, files);
  for (const f of diff.unlisted) {
    const message = `${f.file} is not listed in ${SUM_FILE}. ${HASH_HINT}`;
    issues.push({ kind: 'integrity', version: versionOf(f.file), file: f.file, message });
  }
  for (const f of diff.changed) {
    issues.push({
      kind: 'integrity',
      version: versionOf(f.file),
      file: f.file,
      message:
        `${f.file} differs from its line in ${SUM_FILE} (${f.checksum.slice(0, 8)}, listed ${f.listed.slice(0, 8)}). ` +
        HASH_HINT,
    });
  }
  return issues;
}

/** What `neomig hash` changes, line by line. */
export interface SumChange {
  file: string;
  change: 'added' | 'updated' | 'kept' | 'removed';
  checksum: string;
  /** the old line's checksum, for `updated` */
  previous?: string;
}

/**
 * The new lines: every file on disk with its checksum; a line whose file is gone stays unless
 * `dropGone(file)` says it may go (only a history that shows the version is not in effect says so).
 */
export function rehash(
  old: readonly SumLine[],
  files: readonly SumLine[],
  dropGone: (file: string) => boolean = () => false,
): { lines: SumLine[]; changes: SumChange[] } {
  const diff = diffSum(old, files);
  const changes: SumChange[] = [];
  for (const f of diff.unlisted) changes.push({ file: f.file, change: 'added', checksum: f.checksum });
  for (const f of diff.changed) {
    changes.push({ file: f.file, change: 'updated', checksum: f.checksum, previous: f.listed });
  }
  const lines = [...files];
  const seen = new Set(files.map((f) => f.file));
  for (const l of diff.gone) {
    if (seen.has(l.file)) continue; // a duplicate line (e.g. both sides of a merge)
    seen.add(l.file);
    if (dropGone(l.file)) changes.push({ file: l.file, change: 'removed', checksum: l.checksum });
    else {
      lines.push(l);
      changes.push({ file: l.file, change: 'kept', checksum: l.checksum });
    }
  }
  return { lines: sortLines(lines), changes: sortChanges(changes) };
}

/** Lines in the file's fixed order: by version, then up, down, module, then name. */
export function sortLines<T extends { file: string }>(lines: readonly T[]): T[] {
  return [...lines].sort(compareFiles);
}

function sortChanges(changes: SumChange[]): SumChange[] {
  return changes.sort(compareFiles);
}

const ROLE_ORDER = { up: 0, down: 1, module: 2 } as const;

function compareFiles(a: { file: string }, b: { file: string }): number {
  const pa = safeParse(a.file);
  const pb = safeParse(b.file);
  if (pa && pb && Boolean(pa.repeatable) !== Boolean(pb.repeatable)) {
    return pa.repeatable ? 1 : -1; // repeatables after every version
  } else if (pa && pb) {
    const compare = pa.repeatable ? compareRepeatables : compareVersions;
    const byVersion = compare(pa.version, pb.version);
    if (byVersion !== 0) return byVersion;
    const byRole = ROLE_ORDER[pa.role] - ROLE_ORDER[pb.role];
    if (byRole !== 0) return byRole;
  } else if (pa || pb) {
    return pa ? -1 : 1;
  }
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

function safeParse(file: string) {
  try {
    return parseMigrationFileName(file.slice(file.lastIndexOf('/') + 1));
  } catch {
    return null;
  }
}

function lineText(l: SumLine): string {
  return `${l.file} ${l.checksum}`;
}
