/**
 * `up --snapshot`: a snapshot before the first pending migration, and what to do with it when a
 * failure is one the downs could not reverse (a down failed, a migration is irreversible or has no
 * down, or its changes remain or are unknown): restore it with --restore-on-failure, else say the
 * exact command that would. up.ts calls `before` once it has a plan and `afterFailure` when a step failed.
 */
import { leftNothing, type Plan } from '../core/types.js';
import type { Neo4jClient } from '../neo4j/client.js';
import { errorMessage } from '../neo4j/errors.js';
import type { HistoryStore, RunEvent } from '../neo4j/history.js';
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
      // the snapshot's history has none of this run: its events are read first and put back after
      const events = await this.history.runEvents();
      await restoreWith(this.session, this.client, this.history, this.file, verified);
      await this.recordRestore(plan, failed, events, `restored snapshot ${this.file} after ${failed.version} failed and ${why}`);
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

  /**
   * The history after the restore: this run's audit events as they were, and every migration the run
   * changed as the restore left it, with a `restore` event: the failed one failed with its changes
   * undone; one the run applied and the snapshot did not have, rolled back; one the snapshot has
   * (a repeatable run again), as it was before the run.
   */
  private async recordRestore(plan: Plan, failed: Failure, events: RunEvent[], detail: string): Promise<void> {
    const entryOf = (version: string) => plan.steps.find((s) => s.version === version)?.migration;
    const versions = [...new Set([...events.map((e) => e.version), failed.version])];
    const existing = await this.history.existing(versions);
    const writes = versions.flatMap((version) => {
      const migration = entryOf(version);
      if (version === failed.version && migration) {
        return [this.history.restoredWrite(historyEntry(migration), detail, { errorCode: failed.neo4jCode, errorMessage: failed.message })];
      }
      if (existing.has(version)) return [this.history.auditWrite(version, 'restore', detail)];
      return migration ? [this.history.restoredWrite(historyEntry(migration), detail)] : [];
    });
    await this.history.saveWithEvents(writes, events);
  }
}

/** The inputs of recordRestore that come from the failed step. */
type Failure = NonNullable<RunResult['failed']>;

function shellQuote(file: string): string {
  return /^[\w./:@+-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}
