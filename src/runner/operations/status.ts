import { currentVersion, reconcile } from '../../core/reconcile.js';
import { tamperedIssues } from '../../core/recorded.js';
import { validateWarnings } from '../../core/validate.js';
import { readLockAndRestore } from '../../neo4j/lock.js';
import { integrityIssues } from '../integrity.js';
import { schemaDriftOf } from '../schema/drift.js';
import type { MigratorSession } from '../session.js';
import type { StatusResult } from '../types.js';

/** Every version, local and applied, with the issues validation finds and the lock holder. */
export async function status(session: MigratorSession): Promise<StatusResult> {
  const local = await session.load();
  const c = await session.connect();
  const history = await session.historyOf(c).readAll();
  const states = reconcile(local, history);
  const integrity = await integrityIssues(session.config.migrationsDir, local);
  const issues = [...session.issuesOf(local, states), ...integrity, ...tamperedIssues(history)];
  const { lock, restoring: restoreInterrupted } = await readLockAndRestore(c, session.config.labels.lock);
  const drift = await schemaDriftOf(c, states);
  return {
    server: c.server, current: currentVersion(states), migrations: states, issues, warnings: validateWarnings(local), lock, drift,
    ...(restoreInterrupted ? { restoreInterrupted } : {}),
  };
}
