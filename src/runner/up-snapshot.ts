/**
 * `up --snapshot`: a snapshot before the first pending migration, and what to do with it when a
 * failure is one the downs could not reverse (a down failed, a migration is irreversible or has no
 * down, or its changes remain or are unknown): restore it with --restore-on-failure, else say the
 * exact command that would. up.ts calls `before` once it has a plan and `afterFailure` when a step failed.
 */
import { leftNothing, type Plan } from '../core/types.js';
import type { Neo4jClient } from '../neo4j/client.js';
import { errorMessage } from '../neo4j/errors.js';
import type { HistoryStore } from '../neo4j/history.js';
import { verifySnapshot } from '../snapshot/file.js';
import { assertRestoreAllowed, restoreWith } from './operations/restore.js';
import { snapshotWith } from './operations/snapshot.js';
import { pendingOf } from './results.js';
import type { MigratorSession } from './session.js';
import { historyEntry } from './steps.js';
import type { RunResult, RunSnapshot, UpOptions } from './types.js';
import type { MigrationState } from '../core/types.js';

export class UpSnapshot {
  private constructor(
    private readonly session: MigratorSession,
    private readonly client: Neo4jClient,
    private readonly history: HistoryStore,
    readonly file: string,
    private readonly restoreOnFailure: boolean,
  ) {}

  /** Takes the snapshot when asked (option or config) and something is pending; names it in every audit event of the run. */
  static async before(
    session: MigratorSession, client: Neo4jClient, history: HistoryStore, plan: Plan, options: UpOptions,
  ): Promise<UpSnapshot | undefined> {
    const restoreOnFailure = options.restoreOnFailure ?? session.config.snapshot.restoreOnFailure;
    // restoring on failure needs the snapshot, so it asks for one
    const wanted = (options.snapshot ?? session.config.snapshot.beforeUp) || restoreOnFailure;
    if (!wanted || plan.steps.length === 0) return undefined;
    // a restore empties the database like clean: refused before anything runs rather than after a failure
    if (restoreOnFailure) assertRestoreAllowed(session);
    const taken = await snapshotWith(session, client, history);
    session.events.info(`snapshot taken before ${plan.steps[0]!.version}: ${taken.file}`);
    history.snapshot = taken.file;
    return new UpSnapshot(session, client, history, taken.file, restoreOnFailure);
  }

  /** What the JSON result says of a run that needed nothing from the snapshot. */
  get report(): RunSnapshot {
    return { file: this.file, restored: false };
  }

  /**
   * After a failed step: when the downs could not bring the database back, restore the snapshot (and
   * record the failure and the restore in the history the snapshot brought back) or tell how to.
   * Returns a sentence for the run's message, or undefined when the downs did their job.
   */
  async afterFailure(result: RunResult, plan: Plan, states: MigrationState[]): Promise<string | undefined> {
    const failed = result.failed!;
    result.snapshot = this.report;
    const because = failed.undoError ? ` (${failed.undoError})` : '';
    const why = !leftNothing(failed.partialChanges)
      ? `${failed.version}'s changes ${failed.partialChanges === 'unknown' ? 'may remain' : 'remain'}${because}`
      : failed.undoError ? `the downs could not undo the run${because}` : undefined;
    if (!why) return undefined;
    result.snapshot.reason = why;
    const command = `neomig restore ${shellQuote(this.file)} --yes`;
    if (!this.restoreOnFailure) {
      result.snapshot.restoreCommand = command;
      return `the downs could not reverse the failure: ${why}. To return to the snapshot taken before this run: ${command}`;
    }
    this.session.events.warn(`the downs could not reverse the failure (${why}): restoring the snapshot ${this.file}`);
    try {
      const verified = await verifySnapshot(this.file);
      await restoreWith(this.session, this.client, this.history, this.file, verified);
      const step = plan.steps.find((s) => s.version === failed.version);
      const detail = `restored snapshot ${this.file} after ${failed.version} failed and ${why}`;
      const writes = step?.migration
        ? [
          this.history.failedWrite(historyEntry(step.migration), 0, 'undone', failed.neo4jCode, failed.message),
          this.history.auditWrite(failed.version, 'restore', detail),
        ]
        : [];
      if (writes.length > 0) await this.history.save(writes);
    } catch (e) {
      result.snapshot.restoreCommand = command;
      this.session.events.warn(`restoring the snapshot failed: ${errorMessage(e)}`);
      return `the downs could not reverse the failure (${why}) and restoring the snapshot failed: ${errorMessage(e)}. Run ${command}`;
    }
    result.snapshot.restored = true;
    // the database is as it was before the run: nothing of it stays applied
    failed.partialChanges = 'undone';
    failed.undoneBy = 'snapshot';
    failed.resumes = undefined;
    failed.undoError = undefined;
    result.applied = [];
    result.to = plan.currentVersion;
    result.pending = pendingOf(states, []);
    return `the downs could not reverse the failure (${why}); restored the snapshot taken before this run (${this.file}): the database is as it was`;
  }
}

function shellQuote(file: string): string {
  return /^[\w./:@+-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}
