/**
 * The texts the history recorded, checked against the checksums recorded with them. A recorded down
 * is code read back from the database: anyone who can write the :SchemaVersion node can change it,
 * so neomig never runs one without checking it first (see runner/trust.ts).
 */
import { checksumSource } from './checksum.js';
import { checksumCypher } from './dialect.js';
import type { AppliedMigration, ValidationIssue } from './types.js';

/** The checksum of an entry's recorded down text, taken as neomig takes it of the file; null when unreadable. */
export function recordedDownChecksum(
  applied: Pick<AppliedMigration, 'type' | 'downScript' | 'downScriptName' | 'script'>,
): string | null {
  const text = applied.downScript;
  if (text === null) return null;
  if (applied.type === 'typescript') return checksumSource(text);
  try {
    return checksumCypher(text, applied.downScriptName ?? applied.script);
  } catch {
    return null;
  }
}

/** Why an entry's recorded down does not match what was recorded with it; null when it does. */
export function tamperOf(applied: AppliedMigration): string | null {
  if (applied.downScript === null || applied.type === 'baseline') return null;
  const actual = recordedDownChecksum(applied);
  const recorded = applied.downChecksum ?? null;
  if (recorded === null) return 'it has a recorded down script but no recorded checksum (downChecksum)';
  if (actual !== recorded) {
    return (
      `its recorded down script (downScript, ${short(actual)}) does not match the checksum recorded with it ` +
      `(downChecksum ${short(recorded)})`
    );
  }
  // a TS module is recorded whole: its source is also what the up's checksum was taken of
  if (applied.type === 'typescript' && applied.checksum !== null && actual !== applied.checksum) {
    const up = short(applied.checksum);
    return `its recorded module source (${short(actual)}) does not match the up's recorded checksum (${up})`;
  }
  return null;
}

/** One `tampered` issue per history entry whose recorded texts no longer match their checksums. */
export function tamperedIssues(entries: readonly AppliedMigration[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const a of entries) {
    const why = tamperOf(a);
    if (why) {
      issues.push({
        kind: 'tampered',
        version: a.version,
        file: a.downScriptName ?? a.script,
        message: `history entry ${a.version} was changed outside neomig: ${why}`,
      });
    }
  }
  return issues;
}

function short(checksum: string | null): string {
  return checksum ? checksum.slice(0, 8) : 'unreadable';
}
