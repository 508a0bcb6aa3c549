import type { Checkpoint, JobCheckpoint } from '../core/checkpoint.js';
import { NeomigError } from '../errors.js';
import type { TransactionRun } from '../neo4j/client.js';
import type { HistoryStore } from '../neo4j/history.js';

/**
 * A step's ctx.batch() jobs as its history entry records them: each batch writes the whole checkpoint
 * in its own transaction. A step resumed from a checkpoint starts with the jobs of the run it resumes:
 * jobs recorded done are not run again, the first unfinished one continues after its last key, and
 * the ctx.run() calls before that job are not sent again (they committed before it started).
 */
export class BatchJournal {
  private readonly jobs: JobCheckpoint[];
  private entryParams: Record<string, unknown> | undefined;

  constructor(
    /** where the checkpoint is written; none for a down, whose jobs are not recorded */
    private readonly history: HistoryStore | undefined,
    private readonly version: string,
    /** the checkpoint of the interrupted run this step resumes, if any */
    readonly resumed: Checkpoint | null,
    /** writes the step's start record in `run` (with this checkpoint) when nothing of it committed yet */
    private readonly startIn: (run: TransactionRun, checkpoint: Checkpoint) => Promise<() => void>,
  ) {
    this.jobs = resumed ? resumed.jobs.map((j) => ({ ...j, counters: { ...j.counters } })) : [];
  }

  get checkpoint(): Checkpoint {
    return { jobs: this.jobs.map((j) => ({ ...j })) };
  }

  /** Whether a job's checkpoint has been written in this step (or the run it resumes). */
  get hasJobs(): boolean {
    return this.jobs.length > 0;
  }

  /** ctx.run() calls before the resumed run's last started job committed with it: they are not sent again. */
  skipsRun(nextOrdinal: number): boolean {
    return this.resumed !== null && nextOrdinal <= this.resumed.jobs.length;
  }

  /** What the resumed run recorded for job `ordinal`; refuses a job whose label moved (the code is not
   *  the code that ran, or it calls ctx.batch() in a different order). */
  recorded(ordinal: number, label: string): JobCheckpoint | undefined {
    const job = this.resumed?.jobs[ordinal - 1];
    if (!job) return undefined;
    if (job.label !== label) {
      const what = `resumes its ctx.batch() job ${ordinal} "${job.label}", but this run's job ${ordinal} is "${label}"`;
      throw new NeomigError('MIGRATION_FAILED', `${this.version} ${what}`, {
        version: this.version,
        hint: 'A resumed migration must call its ctx.batch() jobs in the same order with the same labels. '
          + 'Undo its partial changes, then `neomig repair`.',
      });
    }
    return { ...job, counters: { ...job.counters } };
  }

  /** Records `job` as job `ordinal` in `run`'s transaction (call the returned function once it
   *  committed); `first`: the step's start record goes with it. */
  async write(run: TransactionRun, ordinal: number, job: JobCheckpoint, first = false): Promise<() => void> {
    const checkpoint = this.checkpoint;
    checkpoint.jobs[ordinal - 1] = job;
    const history = this.history;
    const confirm = !history ? () => undefined
      : first ? await this.startIn(run, checkpoint)
      : await history.save([history.checkpointWrite(this.version, checkpoint)], run);
    return () => {
      this.adopt(ordinal, job);
      confirm();
    };
  }

  /** Where a server-side batch loop records its progress (core/batch-query.ts keyedLoopCypher): this
   *  step's history entry, and its parameters once the entry exists; none for a down, whose jobs are
   *  not recorded. */
  get loopEntry(): { pattern: string; params: () => Promise<Record<string, unknown>> } | undefined {
    const history = this.history;
    if (!history) return undefined;
    return {
      pattern: history.entryPattern(),
      params: async () => {
        // the entry keeps its element id for the run (it holds the lock); not found yet: asked again
        const params = this.entryParams ?? (await history.entryParams(this.version));
        if (params['neomigEntry'] !== null) this.entryParams = params;
        return params;
      },
    };
  }

  /** Takes `job` as what job `ordinal` committed (read back from the history). */
  adopt(ordinal: number, job: JobCheckpoint): void {
    this.jobs[ordinal - 1] = { ...job, counters: { ...job.counters } };
  }

  /** The job as the history holds it now: after a batch whose commit went unanswered, it tells whether
   *  that commit happened. */
  async committed(ordinal: number): Promise<JobCheckpoint | undefined> {
    return (await this.history?.readCheckpoint(this.version))?.jobs[ordinal - 1];
  }
}
