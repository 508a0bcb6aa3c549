import { planUp } from '../../core/plan.js';
import { reconcile } from '../../core/reconcile.js';
import { tamperedIssues } from '../../core/recorded.js';
import { validateLocal, validateWarnings } from '../../core/validate.js';
import { NeomigError } from '../../errors.js';
import { callableNames } from '../../neo4j/catalog.js';
import { integrityIssues } from '../integrity.js';
import { checkPreconditions } from '../preconditions.js';
import { schemaDriftOf } from '../schema/drift.js';
import type { MigratorSession } from '../session.js';
import type { ValidateResult } from '../types.js';

/** Files, names, metadata and dependencies; with a database also checksums, history and preconditions. */
export async function validate(session: MigratorSession, options: { offline?: boolean } = {}): Promise<ValidateResult> {
  const local = await session.load();
  const integrity = await integrityIssues(session.config.migrationsDir, local);
  const warnings = validateWarnings(local);
  if (options.offline) return { offline: true, migrations: local.length, issues: [...validateLocal(local), ...integrity], warnings };
  const c = await session.connect();
  const history = await session.historyOf(c).readAll();
  const states = reconcile(local, history);
  const issues = [...session.issuesOf(local, states), ...integrity, ...tamperedIssues(history)];
  try {
    const plan = planUp(states, { outOfOrder: session.config.outOfOrder });
    issues.push(...(await checkPreconditions(plan.steps, c.server, () => callableNames(c))));
  } catch (e) {
    if (!(e instanceof NeomigError) || e.code !== 'VALIDATION') throw e;
    issues.push({ kind: 'dependency_missing', version: e.details.version ?? '', file: e.details.file, message: e.message });
  }
  const drift = await schemaDriftOf(c, states);
  return { offline: false, migrations: local.length, issues, warnings, drift, driftAllowed: session.config.allowSchemaDrift };
}
