import { entryStatus } from './entry-status.js';
import { isRepeatableKey, reconcileRepeatables } from './repeatable.js';
import type { AppliedMigration, LocalMigration, MigrationState, MigrationStatus } from './types.js';
import { compareVersions, maxVersion } from './version.js';

/** Versions whose entries count as "the database is at least here". */
export function isInEffect(status: MigrationStatus): boolean {
  return status === 'applied' || status === 'baseline';
}

/**
 * Joins the migration files with the history into one state per version, sorted by version, then one
 * per repeatable in description order. Purely a comparison: deciding what to run is plan()'s job,
 * judging drift is validate's.
 */
export function reconcile(local: LocalMigration[], applied: AppliedMigration[]): MigrationState[] {
  const repeatable = (key: string) => isRepeatableKey(key);
  return [
    ...reconcileVersions(local.filter((m) => !repeatable(m.version)), applied.filter((a) => !repeatable(a.version))),
    ...reconcileRepeatables(local.filter((m) => repeatable(m.version)), applied.filter((a) => repeatable(a.version))),
  ];
}

function reconcileVersions(local: LocalMigration[], applied: AppliedMigration[]): MigrationState[] {
  const localByVersion = new Map(local.map((m) => [m.version, m]));
  const appliedByVersion = new Map(applied.map((a) => [a.version, a]));
  const baseline = maxVersion(applied.filter((a) => a.status === 'baseline').map((a) => a.version));
  const highest = maxVersion(applied.filter((a) => a.status === 'applied' || a.status === 'baseline').map((a) => a.version));

  const versions = [...new Set([...localByVersion.keys(), ...appliedByVersion.keys()])].sort(compareVersions);
  return versions.map((version) => {
    const l = localByVersion.get(version);
    const a = appliedByVersion.get(version);
    const status = statusOf(version, l, a, baseline);
    return {
      version,
      description: l?.description ?? a?.description ?? '',
      status,
      local: l,
      applied: a,
      checksumChanged: Boolean(l && a && (a.status === 'applied' || a.status === 'failed') && a.checksum !== null && a.checksum !== l.checksum),
      fileMissing: Boolean(a && !l && a.status !== 'baseline' && a.status !== 'rolled_back'),
      outOfOrder: status === 'pending' && highest !== null && compareVersions(version, highest) < 0,
    };
  });
}

function statusOf(
  version: string,
  local: LocalMigration | undefined,
  applied: AppliedMigration | undefined,
  baseline: string | null,
): MigrationStatus {
  if (applied) return entryStatus(local, applied);
  if (baseline !== null && compareVersions(version, baseline) < 0) return 'below_baseline';
  return 'pending';
}

/** The version the database is at: the highest applied or baseline entry. */
export function currentVersion(states: MigrationState[]): string | null {
  return maxVersion(states.filter((s) => isInEffect(s.status) && !s.repeatable).map((s) => s.version));
}
