/**
 * neomig.sum as the runner uses it: the issues validate, status and up report, and dev's record of
 * the files it applied itself (see runner/trust.ts for how recorded downs are vouched for).
 */
import { type SumLine, sortLines, sumIssues } from '../core/integrity.js';
import type { LocalMigration, ValidationIssue } from '../core/types.js';
import { readSum, recordInSum } from '../discovery/integrity.js';

/**
 * Files that differ from their line or have none, and a damaged sum; none when the folder has no
 * neomig.sum. The files' checksums are the ones discovery took when it loaded `local`: no second read.
 */
export async function integrityIssues(dir: string, local: readonly LocalMigration[]): Promise<ValidationIssue[]> {
  const parsed = await readSum(dir);
  return parsed ? sumIssues(parsed, sortLines(local.flatMap(linesOf))) : [];
}

/** The lines of a local migration's files, from the checksums discovery took. */
export function linesOf(m: LocalMigration): SumLine[] {
  const lines = [{ file: m.up.file, checksum: m.checksum }];
  // a TS module is one file, its own down
  if (m.down && m.down.file !== m.up.file && m.downChecksum) {
    lines.push({ file: m.down.file, checksum: m.downChecksum });
  }
  return lines;
}

/** dev: remembers what this process applied and writes it into neomig.sum when the folder has one. */
export async function vouchApplied(dir: string, m: LocalMigration, self: Map<string, string>): Promise<void> {
  const lines = linesOf(m);
  for (const l of lines) self.set(l.file, l.checksum);
  await recordInSum(dir, lines);
}
