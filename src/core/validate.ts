import { isResumable } from './checkpoint.js';
import { checkDependencies } from './dependencies.js';
import { isRepeatableKey } from './repeatable.js';
import { type LocalMigration, type MigrationState, type ValidationIssue, leftNothing, remainText } from './types.js';

/** Checks that need only the files: dependencies and missing downs (a repeatable's down is optional). */
export function validateLocal(local: LocalMigration[], historyVersions: Iterable<string> = []): ValidationIssue[] {
  const issues = checkDependencies(
    local.filter((m) => !m.repeatable).map((m) => ({ version: m.version, dependsOn: m.meta.dependsOn, file: m.up.file })),
    [...historyVersions].filter((v) => !isRepeatableKey(v)),
  );
  for (const m of local) {
    if (!m.down && !m.meta.irreversible && !m.repeatable) {
      issues.push({
        kind: 'down_missing',
        version: m.version,
        file: m.up.file,
        message:
          m.type === 'typescript'
            ? `${m.up.file} exports no down(); export one, or set irreversible: true`
            : `${m.up.file} has no down script; add its .down.cypher (or U file), or set irreversible: true in its metadata`,
      });
    }
  }
  return issues;
}

/** Warnings that need only the files: migrations whose up still holds no statement (a fresh template is
 *  normal while someone writes it; `up` refuses it, see emptyInPlan). */
export function validateWarnings(local: LocalMigration[]): ValidationIssue[] {
  return local
    .filter((m) => m.empty)
    .map((m) => ({ kind: 'still_template', version: m.version, file: m.up.file, message: `${m.up.file}: ${STILL_TEMPLATE}` }));
}

export const STILL_TEMPLATE = 'still the template: write at least one statement';

/** Checks of the files against the history: drift, missing files, out-of-order, unresolved failures. */
export function validateHistory(states: MigrationState[], options: { outOfOrder?: boolean } = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const s of states) {
    const file = s.local?.up.file ?? s.applied?.script;
    if (s.checksumChanged && s.status === 'applied') {
      issues.push({
        kind: 'checksum_changed',
        version: s.version,
        file,
        message: `${file} changed after it was applied (checksum ${short(s.applied?.checksum)} recorded, ${short(s.local?.checksum)} now)`,
      });
    }
    if (s.fileMissing && s.status === 'applied') {
      issues.push({
        kind: 'file_missing',
        version: s.version,
        file,
        message: `${s.version} is applied but its file ${s.applied?.script ?? ''} is gone`,
      });
    }
    if (s.outOfOrder && !options.outOfOrder) {
      issues.push({
        kind: 'out_of_order',
        version: s.version,
        file,
        message: `${s.version} is pending but a higher version is already applied`,
      });
    }
    if (s.status === 'failed' && !leftNothing(s.applied?.partialChanges) && !isResumable(s)) {
      issues.push({
        kind: 'failed_changes_remain',
        version: s.version,
        file,
        message: `${s.version} failed and ${remainText(s.applied?.partialChanges)}: ${s.applied?.errorMessage ?? 'unknown error'}`,
      });
    }
  }
  return issues;
}

/** What a user should do about each kind of issue. */
export function adviceFor(kind: ValidationIssue['kind']): string {
  switch (kind) {
    case 'checksum_changed':
      return 'Restore the file as applied, or if the change is intended run `neomig repair` to accept the new checksum.';
    case 'file_missing':
      return 'Restore the file, or reverse the version with `neomig down` (its down script was recorded).';
    case 'out_of_order':
      return 'Give the new migration a version above the current one, or set outOfOrder: true in the config.';
    case 'failed_changes_remain':
      return 'Undo its partial changes by hand, then run `neomig repair`.';
    case 'down_missing':
      return 'Add the down script, or mark the migration irreversible: true.';
    case 'still_template':
      return 'Write at least one statement into the up (a Cypher statement ending with `;`, or code in up(ctx)), or delete the migration.';
    case 'precondition':
      return 'Run against a server that meets the migration\'s requires, or change requires.';
    case 'integrity':
      return 'Restore the file as committed, or after a deliberate edit run `neomig hash` and commit neomig.sum.';
    case 'tampered':
      return 'The history was written outside neomig: inspect the entry\'s downScript before any `neomig down`.';
    default:
      return 'Fix dependsOn in the migration named.';
  }
}

function short(checksum: string | null | undefined): string {
  return checksum ? checksum.slice(0, 8) : 'none';
}
