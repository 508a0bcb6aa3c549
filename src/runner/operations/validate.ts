import { planUp } from '../../core/plan.js';
import { reconcile } from '../../core/reconcile.js';
import { tamperedIssues } from '../../core/recorded.js';
import { validateLocal, validateWarnings } from '../../core/validate.js';
import { NeomigError } from '../../errors.js';
import { integrityIssues } from '../integrity.js';
import { CallbackRunner } from '../callbacks.js';
import { checkPreconditions, conditionsOf, evaluateAssumptions } from '../preconditions.js';
import { schemaDriftOf } from '../schema/drift.js';
import type { MigratorSession } from '../session.js';
import type { CallbackReport, ValidateResult } from '../types.js';

/** Files, names, metadata and dependencies; with a database also checksums, history and preconditions. */
export async function validate(session: MigratorSession, options: { offline?: boolean } = {}): Promise<ValidateResult> {
  const local = await session.load({ offline: options.offline });
  const integrity = await integrityIssues(session.config.migrationsDir, local);
  const warnings = validateWarnings(local);
  if (options.offline) return { offline: true, migrations: local.length, issues: [...validateLocal(local), ...integrity], warnings };
  const c = await session.connect();
  const callbacks = await beforeValidate(session);
  const history = await session.historyOf(c).readAll();
  const states = reconcile(local, history);
  const issues = [...session.issuesOf(local, states), ...integrity, ...tamperedIssues(history)];
  try {
    const plan = planUp(states, { outOfOrder: session.config.outOfOrder });
    const conditions = conditionsOf(c);
    issues.push(...(await checkPreconditions(plan.steps, conditions)));
    // an assumption that does not hold is fine (up skips it); one whose query cannot answer is not
    issues.push(...(await evaluateAssumptions(plan.steps, conditions)).issues);
  } catch (e) {
    if (!(e instanceof NeomigError) || e.code !== 'VALIDATION') throw e;
    issues.push({ kind: 'dependency_missing', version: e.details.version ?? '', file: e.details.file, message: e.message });
  }
  const drift = await schemaDriftOf(c, states);
  return {
    offline: false,
    migrations: local.length,
    issues,
    warnings,
    drift,
    driftAllowed: session.config.allowSchemaDrift,
    ...(callbacks.length ? { callbacks } : {}),
  };
}

/** beforeValidate callbacks, inside the lock (they may write); no lock is taken when there are none. */
async function beforeValidate(session: MigratorSession): Promise<CallbackReport[]> {
  const probe = new CallbackRunner(session, await session.connect());
  if (!(await probe.has('beforeValidate'))) return [];
  return session.withLock(undefined, async ({ client }) => {
    const callbacks = new CallbackRunner(session, client);
    await callbacks.run('beforeValidate');
    return callbacks.reports;
  });
}
