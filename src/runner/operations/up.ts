import { type UpPlanOptions, planUp } from '../../core/plan.js';
import { isInEffect } from '../../core/reconcile.js';
import type { LocalMigration } from '../../core/types.js';
import { maxVersion } from '../../core/version.js';
import { callableNames } from '../../neo4j/catalog.js';
import type { Neo4jClient } from '../../neo4j/client.js';
import { errorMessage } from '../../neo4j/errors.js';
import type { HistoryStore } from '../../neo4j/history.js';
import { checkPreconditions } from '../preconditions.js';
import { MigrationRunError, describePlan, emptyResult, failureMessage, pendingOf } from '../results.js';
import { type MigratorSession, failOn } from '../session.js';
import { StepFailed, localDown } from '../steps.js';
import type { RunResult, StepReport, UpOptions } from '../types.js';

/** Applies pending migrations in order; with `atomic`, a failure reverses what this run applied. */
export async function up(session: MigratorSession, options: UpOptions = {}): Promise<RunResult> {
  const { config, events } = session;
  const local = await session.load();
  const atomic = options.atomic ?? config.atomic;

  const prepare = async (c: Neo4jClient, history: HistoryStore) => {
    const states = await session.statesOf(history, local);
    const rerun = new Set(
      states.filter((s) => (s.status === 'applied' || s.status === 'failed') && s.checksumChanged && options.allowChanged?.(s.version)).map((s) => s.version),
    );
    if (config.validateOnMigrate) {
      const issues = session.issuesOf(local, states).filter((i) => !rerun.has(i.version));
      for (const i of issues.filter((x) => x.kind === 'down_missing')) events.warn(i.message, i.version);
      failOn(issues.filter((i) => i.kind !== 'down_missing'), 'validation failed before migrating');
    }
    const upOptions: UpPlanOptions = { to: options.to, outOfOrder: config.outOfOrder, rerun };
    const plan = planUp(states, upOptions);
    failOn(await checkPreconditions(plan.steps, c.server, () => callableNames(c)), 'preconditions not met');
    return { states, plan };
  };

  if (options.dryRun) {
    const c = await session.connect();
    const { states, plan } = await prepare(c, session.historyOf(c));
    return { ...emptyResult('up', true, plan), pending: pendingOf(states, []), plan: describePlan(plan) };
  }

  return session.withLock(options.lockTimeoutSeconds, async ({ client: c, history, lock, steps }) => {
    const { states, plan } = await prepare(c, history);
    const result = emptyResult('up', false, plan);
    // dev mode: a changed, unreleased migration is reversed with its recorded down before its new up runs
    const rerun = plan.steps.filter((s) => s.applied?.status === 'applied');
    for (const step of [...rerun].reverse()) {
      lock.assertHeld();
      const report = await steps.down(step.version, step.description, await steps.recordedDown(step.applied!, undefined), 'requested');
      await history.markRolledBack(step.version, Math.round(report.elapsedMs), 'changed: run again');
    }
    const reversedForRerun = new Set(rerun.map((s) => s.version));
    const base = maxVersion(states.filter((s) => isInEffect(s.status) && !reversedForRerun.has(s.version)).map((s) => s.version));
    const done: { report: StepReport; migration: LocalMigration }[] = [];
    for (const [i, step] of plan.steps.entries()) {
      lock.assertHeld();
      try {
        done.push({ report: await steps.up(step.migration!, plan.steps[i + 1]?.migration), migration: step.migration! });
      } catch (e) {
        if (!(e instanceof StepFailed)) throw e;
        result.failed = e.failure;
        if (atomic) {
          for (const { migration } of [...done].reverse()) {
            try {
              const report = await steps.down(migration.version, migration.description, localDown(migration), 'atomic');
              result.rolledBack.push(report);
              await history.markRolledBack(migration.version, Math.round(report.elapsedMs), `atomic: ${e.failure.version} failed`);
            } catch (e2) {
              events.warn(`could not roll back ${migration.version} after the failure: ${errorMessage(e2)}`, migration.version);
              result.failed.undoError = `${result.failed.undoError ? result.failed.undoError + '; ' : ''}rolling back ${migration.version} failed: ${errorMessage(e2)}`;
              break;
            }
          }
        }
        const rolledBack = new Set(result.rolledBack.map((r) => r.version));
        result.applied = done.map((d) => d.report).filter((r) => !rolledBack.has(r.version));
        result.to = maxVersion([...(base ? [base] : []), ...result.applied.map((r) => r.version)]);
        result.pending = pendingOf(states, result.applied.map((r) => r.version));
        throw new MigrationRunError(e.error, failureMessage(e, result, atomic), result);
      }
    }
    result.applied = done.map((d) => d.report);
    result.to = plan.targetVersion;
    result.pending = pendingOf(states, result.applied.map((r) => r.version));
    return result;
  });
}
