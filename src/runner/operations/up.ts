import { type UpPlanOptions, planUp } from '../../core/plan.js';
import { isInEffect } from '../../core/reconcile.js';
import type { LocalMigration } from '../../core/types.js';
import { STILL_TEMPLATE } from '../../core/validate.js';
import { maxVersion } from '../../core/version.js';
import { NeomigError, isNeomigError } from '../../errors.js';
import { skipAssumed } from '../../core/preconditions.js';
import type { Neo4jClient } from '../../neo4j/client.js';
import { errorMessage } from '../../neo4j/errors.js';
import type { HistoryStore } from '../../neo4j/history.js';
import { CallbackRunner } from '../callbacks.js';
import { checkPreconditions, conditionsOf, evaluateAssumptions } from '../preconditions.js';
import { runPreflight } from '../preflight.js';
import { recordSkipped, skippedReports } from '../skipped.js';
import { MigrationRunError, describePlan, emptyResult, failureMessage, pendingOf } from '../results.js';
import { type MigratorSession, failOn } from '../session.js';
import { integrityIssues, vouchApplied } from '../integrity.js';
import { StepFailed, localDown } from '../steps.js';
import { trustFor } from '../trust.js';
import type { RunResult, StepReport, UpOptions } from '../types.js';
import { UpSnapshot } from '../up-snapshot.js';

/** A migration whose up holds no statement would be recorded as applied having done nothing: refused
 *  before anything runs, naming the file. */
function refuseTemplates(planned: LocalMigration[]): void {
  const empty = planned.find((m) => m.empty);
  if (!empty) return;
  throw new NeomigError('MIGRATION_FILE', `${empty.up.file}: ${STILL_TEMPLATE}; neomig up does not apply a migration that does nothing`, {
    file: empty.up.file,
    version: empty.version,
    hint: `Write the migration's statements, or run neomig up --to a lower version to apply the ones before it.`,
  });
}

/** Applies pending migrations in order; with `atomic`, a failure reverses what this run applied. */
export async function up(session: MigratorSession, options: UpOptions = {}): Promise<RunResult> {
  const { config, events } = session;
  const local = await session.load();
  const atomic = options.atomic ?? config.atomic;

  const prepare = async (c: Neo4jClient, history: HistoryStore) => {
    const states = await session.statesOf(history, local);
    const rerun = new Set(
      states
        .filter((s) => !s.repeatable && (s.status === 'applied' || s.status === 'failed') && s.checksumChanged && options.allowChanged?.(s.version))
        .map((s) => s.version),
    );
    if (config.validateOnMigrate) {
      const issues = session.issuesOf(local, states).filter((i) => !rerun.has(i.version));
      for (const i of issues.filter((x) => x.kind === 'down_missing')) events.warn(i.message, i.version);
      failOn(issues.filter((i) => i.kind !== 'down_missing'), 'validation failed before migrating');
    }
    const upOptions: UpPlanOptions = { to: options.to, outOfOrder: config.outOfOrder, rerun };
    const planned = planUp(states, upOptions);
    // neomig.sum, when present: every file must match its line. dev applies edited files itself and
    // records them, so it tolerates the files of the migrations it is about to (re-)apply.
    const devApplies = new Set(options.vouched ? planned.steps.map((s) => s.version) : []);
    const integrity = (await integrityIssues(config.migrationsDir, local)).filter((i) => !devApplies.has(i.version));
    failOn(integrity, 'the migration files do not match neomig.sum');
    refuseTemplates(planned.steps.flatMap((s) => (s.migration ? [s.migration] : [])));
    // requires and assume are evaluated before anything runs, against the database as it is now
    const conditions = conditionsOf(c);
    const required = await checkPreconditions(planned.steps, conditions);
    // dev mode re-runs applied migrations: an assumption never turns one of those into `skipped`
    const { skip, issues: broken } = await evaluateAssumptions(planned.steps.filter((s) => s.applied?.status !== 'applied'), conditions);
    failOn([...required, ...broken], 'preconditions not met');
    const { plan, skipped } = skipAssumed(planned, skip);
    const toRun = plan.steps.flatMap((s) => (s.migration ? [s.migration] : []));
    const preflight = (options.preflight ?? config.preflight) && toRun.length ? await runPreflight(c, events, toRun) : undefined;
    return { states, plan, skipped, preflight };
  };

  if (options.dryRun) {
    const c = await session.connect();
    const { states, plan, skipped, preflight } = await prepare(c, session.historyOf(c));
    const skippedNow = skipped.map((s) => s.step.version);
    return {
      ...emptyResult('up', true, plan),
      pending: pendingOf(states, skippedNow),
      plan: describePlan(plan),
      skipped: skippedReports(skipped),
      ...(preflight ? { preflight } : {}),
    };
  }

  return session.withLock(options.lockTimeoutSeconds, async ({ client: c, history, lock, steps }) => {
    const { states, plan, skipped } = await prepare(c, history);
    const result: RunResult = { ...emptyResult('up', false, plan), skipped: skippedReports(skipped) };
    const skippedNow = skipped.map((s) => s.step.version);
    const callbacks = new CallbackRunner(session, c);
    await callbacks.load();
    result.callbacks = callbacks.reports;
    // before the callbacks: a restore brings back the database as it was before the run
    const snapshot = await UpSnapshot.before(session, c, history, plan, options);
    try {
      await recordSkipped(history, events, skipped);
      await callbacks.run('beforeMigrate', { plan });
      await applyPlan();
      await callbacks.run('afterMigrate', { plan, result });
    } catch (e) {
      // the original error stays the one reported: afterMigrateError failures are only warnings
      await callbacks.runQuietly('afterMigrateError', { plan, result, error: e as Error });
      // afterMigrate failed after migrations were applied: the report still says what was applied
      if (isNeomigError(e) && !(e instanceof MigrationRunError) && result.applied.length) throw new MigrationRunError(e, e.message, result);
      throw e;
    }
    return result;

    async function applyPlan(): Promise<void> {
      // dev mode: a changed, unreleased migration is reversed with its recorded down before its new up runs
      // (a changed repeatable simply runs again: no down first)
      const rerun = plan.steps.filter((s) => s.applied?.status === 'applied' && !s.migration?.repeatable);
      // the local file changed, so only neomig.sum or what this dev session applied can vouch for the recorded down
      const trust = await trustFor(session, c, options, options.vouched);
      for (const step of rerun) await trust.check(step.applied!, undefined, true);
      for (const step of [...rerun].reverse()) {
        lock.assertHeld();
        const report = await steps.down(step.version, step.description, await steps.recordedDown(step.applied!, undefined, trust), 'requested');
        await history.markRolledBack(step.version, Math.round(report.elapsedMs), 'changed: run again', report.changes);
      }
      const reversedForRerun = new Set(rerun.map((s) => s.version));
      const base = maxVersion(states.filter((s) => isInEffect(s.status) && !reversedForRerun.has(s.version)).map((s) => s.version));
      const done: { report: StepReport; migration: LocalMigration }[] = [];
      for (const [i, step] of plan.steps.entries()) {
        lock.assertHeld();
        try {
          await callbacks.eachMigrate('beforeEachMigrate', step, plan);
          // a failed entry planned again with a checkpoint is an interrupted run to resume (core/checkpoint.ts)
          const resume = step.applied?.status === 'failed' ? step.applied.checkpoint : undefined;
          done.push({ report: await steps.up(step.migration!, plan.steps[i + 1]?.migration, resume), migration: step.migration! });
          if (options.vouched) await vouchApplied(config.migrationsDir, step.migration!, options.vouched);
          await callbacks.eachMigrate('afterEachMigrate', step, plan);
        } catch (e) {
          if (!(e instanceof StepFailed)) throw e;
          result.failed = e.failure;
          if (atomic) {
            for (const { migration } of [...done].reverse()) {
              try {
                const report = await steps.down(migration.version, migration.description, localDown(migration), 'atomic');
                result.rolledBack.push(report);
                await history.markRolledBack(migration.version, Math.round(report.elapsedMs), `atomic: ${e.failure.version} failed`, report.changes);
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
          result.pending = pendingOf(states, [...result.applied.map((r) => r.version), ...skippedNow]);
          const message = failureMessage(e, result, atomic);
          const note = await snapshot?.afterFailure(result, plan, states);
          const error = new MigrationRunError(e.error, note ? `${message}; ${note}` : message, result);
          if (note) error.details.hint = note;
          throw error;
        }
      }
      result.applied = done.map((d) => d.report);
      result.to = plan.targetVersion;
      result.pending = pendingOf(states, [...result.applied.map((r) => r.version), ...skippedNow]);
      if (snapshot) result.snapshot = snapshot.report;
    }
  });
}
