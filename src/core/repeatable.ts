/**
 * Repeatable migrations (`R__<description>.cypher|.ts`): no version, applied after every versioned
 * migration of a run, in description order, and again whenever their checksum changes.
 *
 * In the history a repeatable is keyed `R__<description as written in the file name>` (the `version`
 * property of its :SchemaVersion node): a version never starts with a letter, so the two can never
 * clash, and the key reads as the file it came from. Its status is `applied` while its file matches the
 * recorded checksum, `outdated` once the file changed (up runs it again; not drift, not an error),
 * `pending` before its first run or after `down --all` reversed it.
 */
import type { AppliedMigration, LocalMigration, MigrationState, MigrationStatus } from './types.js';
import { entryStatus } from './entry-status.js';

export const REPEATABLE_PREFIX = 'R__';

/** Whether a history key or local version names a repeatable rather than a version. */
export function isRepeatableKey(version: string): boolean {
  return version.startsWith(REPEATABLE_PREFIX);
}

/** Description order (code points, so every machine orders alike). */
export function compareRepeatables(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One state per repeatable known locally or in the history, in description order. */
export function reconcileRepeatables(local: LocalMigration[], applied: AppliedMigration[]): MigrationState[] {
  const localByKey = new Map(local.map((m) => [m.version, m]));
  const appliedByKey = new Map(applied.map((a) => [a.version, a]));
  const keys = [...new Set([...localByKey.keys(), ...appliedByKey.keys()])].sort(compareRepeatables);
  return keys.map((key) => {
    const l = localByKey.get(key);
    const a = appliedByKey.get(key);
    const changed = Boolean(l && a && a.checksum !== null && a.checksum !== l.checksum);
    return {
      version: key,
      description: l?.description ?? a?.description ?? '',
      status: statusOf(l, a, changed),
      local: l,
      applied: a,
      checksumChanged: changed && (a!.status === 'applied' || a!.status === 'failed'),
      fileMissing: Boolean(a && !l && a.status !== 'rolled_back'),
      outOfOrder: false,
      repeatable: true,
    };
  });
}

function statusOf(local: LocalMigration | undefined, applied: AppliedMigration | undefined, changed: boolean): MigrationStatus {
  if (!applied) return 'pending';
  const status = entryStatus(local, applied);
  return status === 'applied' || status === 'baseline' ? (changed ? 'outdated' : 'applied') : status;
}

/** Repeatables `up` runs: new ones, changed ones, and failures that left nothing behind. */
export function runsAgain(s: MigrationState, leftNothing: boolean): boolean {
  return Boolean(s.local) && (s.status === 'pending' || s.status === 'outdated' || s.status === 'skipped' || (s.status === 'failed' && leftNothing));
}
