import type { AppliedMigration, LocalMigration, MigrationStatus } from './types.js';

/** What a history entry's status means for its version, given whether its local file is still there
 *  (shared by versioned and repeatable migrations). */
export function entryStatus(local: LocalMigration | undefined, applied: AppliedMigration): MigrationStatus {
  switch (applied.status) {
    case 'applied':
      return 'applied';
    case 'baseline':
      return 'baseline';
    case 'failed':
      return 'failed';
    case 'rolled_back':
      return local ? 'pending' : 'rolled_back';
    case 'skipped':
      // an `assume` did not hold when it last came up: evaluated again on the next run
      return 'skipped';
  }
}
