import { checkpointView } from '../../core/checkpoint.js';
import { planDown } from '../../core/plan.js';
import { reconcile } from '../../core/reconcile.js';
import { NeomigError } from '../../errors.js';
import { errorMessage } from '../../neo4j/errors.js';
import { MigrationRunError, describePlan, emptyResult, pendingOf } from '../results.js';
import type { MigratorSession } from '../session.js';
import { filler } from '../placeholders.js';
import { trustFor } from '../trust.js';
import { CallbackRunner } from '../callbacks.js';
import type { DownOptions, RunResult } from '../types.js';

/** Reverses applied migrations newest first with their recorded downs. */
export async function down(session: MigratorSession, options: DownOptions = {}): Promise<RunResult> {
  const local = await session.load();
  if (options.dryRun) {
    const c = await session.connect();
    const states = await session.statesOf(session.historyOf(c), local);
    const plan = planDown(states, options);
    // a dry run refuses what the run would refuse (exit 3), so a pipeline learns it before the real run
    const trust = await trustFor(session, c, options);
    for (const step of plan.steps) await trust.check(step.applied!, step.migration, true);
    return { ...emptyResult('down', true, plan), pending: pendingOf(states, []), plan: describePlan(plan, filler(await session.placeholders())) };
  }
  return session.withLock(options.lockTimeoutSeconds, async ({ client, history, lock, steps }) => {
    const states = await session.statesOf(history, local);
    const plan = planDown(states, options);
    const result = emptyResult('down', false, plan);
    // every recorded down is vouched for before the first one runs: a refusal leaves the graph as it was
    const trust = await trustFor(session, client, options);
    for (const step of plan.steps) await trust.check(step.applied!, step.migration, true);
    const callbacks = new CallbackRunner(session, client);
    result.callbacks = callbacks.reports;
    await callbacks.run('beforeDown', { plan });
    for (const step of plan.steps) {
      lock.assertHeld();
      const started = performance.now();
      try {
        result.applied.push(await steps.down(step.version, step.description, await steps.recordedDown(step.applied!, step.migration, trust), 'requested', checkpointView(step.applied?.checkpoint)));
      } catch (e) {
        const error = e instanceof NeomigError ? e : new NeomigError('MIGRATION_FAILED', errorMessage(e), { version: step.version });
        await history.auditDownFailed(step.version, Math.round(performance.now() - started), error.details.neo4jCode, error.message);
        result.failed = {
          version: step.version,
          file: error.details.file ?? step.applied!.downScriptName ?? step.applied!.script,
          direction: 'down',
          statement: error.details.statement,
          line: error.details.line,
          neo4jCode: error.details.neo4jCode,
          message: error.message,
          // statements of the down that committed before the failure stay
          partialChanges: 'remain',
        };
        result.to = step.version;
        result.pending = pendingOf(states, []);
        throw new MigrationRunError(
          error,
          `down of ${step.version} failed: ${error.message}. ${step.version} stays recorded as applied; statements of its down that committed before the failure are not undone.`,
          result,
        );
      }
      const report = result.applied.at(-1)!;
      await history.markRolledBack(step.version, Math.round(report.elapsedMs), undefined, report.changes);
    }
    result.to = plan.targetVersion;
    result.pending = pendingOf(reconcile(local, await history.readAll()), []);
    await callbacks.run('afterDown', { plan, result });
    return result;
  });
}
