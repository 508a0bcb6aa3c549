import path from 'node:path';
import { buildStatements, groupStatements } from '../core/grouping.js';
import type { AppliedMigration, LocalMigration, StatementCounters, PartialChanges, TransactionGroup, TransactionMode, TsHandlers } from '../core/types.js';
import { type Checkpoint, type CheckpointView, checkpointProgress, checkpointView } from '../core/checkpoint.js';
import { NeomigError, isNeomigError } from '../errors.js';
import { evalMigrationSource } from '../discovery/typescript.js';
import { type Neo4jClient, type TransactionRun, rowsOf } from '../neo4j/client.js';
import { errorMessage, neo4jCode } from '../neo4j/errors.js';
import { type Fingerprint, diffFingerprints } from '../core/fingerprint.js';
import type { Fingerprinter } from '../neo4j/fingerprint.js';
import type { RanStatement } from '../core/schema-step.js';
import { namedEntities } from '../core/touches.js';
import type { HistoryEntry, HistoryStore, HistoryWrite, StepRecord } from '../neo4j/history.js';
import { StatementFailure, runGroups } from '../neo4j/statements.js';
import { TsStepTransactions } from '../neo4j/ts-step.js';
import { createContext } from './context.js';
import { BatchJournal } from './journal.js';
import { DownTrust, runsRecordedText } from './trust.js';
import type { Events } from './events.js';
import type { MigratorEvent } from '../core/vocabulary.js';
import type { FillText } from './placeholders.js';
import type { Counters, FailureReport, StepReport } from './types.js';

/** A step failed; carries what a user needs to know, including what became of its partial changes. */
export class StepFailed extends Error {
  constructor(
    readonly error: NeomigError,
    readonly failure: FailureReport,
  ) {
    super(error.message);
  }
}

/** A down script, from the history or from the files, ready to run. */
export type DownSource =
  | { kind: 'cypher'; file: string; text: string; transaction: TransactionMode; timeoutMs?: number; schemaProcedures?: string[] }
  | { kind: 'typescript'; file: string; handlers: Partial<TsHandlers>; transaction: TransactionMode; timeoutMs?: number; schemaProcedures?: string[] };

/** Runs single steps: an up with its validation and compensation, or a down. */
export class StepRunner {
  constructor(
    private readonly client: Neo4jClient,
    private readonly history: HistoryStore,
    private readonly events: Events,
    private readonly migrationsDir: string,
    /** present when fingerprints are on: each step's before/after delta is recorded */
    private readonly fingerprints?: Fingerprinter,
    /** fills `${name}` placeholders in a down's text (recorded or local) before it runs */
    private readonly fill?: FillText,
  ) {}

  /**
   * Applies one migration and records it. A migration whose statements share one transaction (all
   * data; a TS step that never commits mid-way) is validated and recorded in that transaction, so its
   * effect and its record commit together and a failure rolls it back whole. Any other migration is
   * recorded as started first (as failed, "interrupted"), runs, is validated, and on failure its down
   * undoes what it committed. `next` is the migration the run applies after this one: when it needs a
   * start record, that record is written with this one's, not in a transaction of its own.
   * Throws StepFailed after recording the failure.
   */
  async up(m: LocalMigration, next?: LocalMigration, resume?: Checkpoint | null): Promise<StepReport> {
    const entry = historyEntry(m);
    const file = m.up.file;
    const groups = m.up.kind === 'cypher' ? groupStatements(m.up.statements, m.meta.transaction, file) : undefined;
    // ctx.batch() jobs record their checkpoint in the entry; a run resuming an interrupted one starts from its checkpoint
    const journal = new BatchJournal(this.history, m.version, resume ?? null, (run, checkpoint) => this.history.save([this.history.startWrite(entry, checkpoint)], run));
    const recordStart = async () => {
      if (!this.history.hasStarted(m.version)) await this.history.recordStart(entry, journal.hasJobs ? journal.checkpoint : null);
    };
    if (groups && !isOneTransaction(groups)) await recordStart();
    const fp = this.fingerprints;
    const before = await fp?.before();
    const statements = new StatementLog(m.version, this.events.emit);
    this.events.emit({ type: 'migration:start', direction: 'up', version: m.version, description: m.description, file, reason: 'requested' });
    const started = performance.now();
    let after: Fingerprint | undefined;
    const writes = (counters: Counters) => {
      const record: StepRecord = {
        changes: before && after ? diffFingerprints(before, after) : undefined,
        statementCounters: groups ? statements.counters : undefined,
        checkpoint: journal.hasJobs ? journal.checkpoint : null,
      };
      return this.recordWrites(entry, performance.now() - started, counters, next, record);
    };
    let committed = false;
    let confirm: (() => void) | undefined;
    // the counts go out with the last statement (one round trip less per migration); a failed
    // statement fails them too, and the statement's error is the one reported
    let counting: Promise<Fingerprint> | undefined;
    const alongside = (run: TransactionRun) => {
      if (!fp || !before || !groups) return;
      counting = fp.inTransaction(run, before, namedEntities(groups.flatMap((g) => g.statements.map((s) => s.text))));
      counting.catch(() => undefined);
    };
    // in the one transaction: the validate queries read its writes, the counts see them, then the record joins them
    const bookkeeping = async (run: TransactionRun, counters: Counters) => {
      await this.validate(m, run);
      if (fp && before) after = await (counting ?? fp.inTransaction(run, before));
      confirm = await this.history.save(writes(counters), run);
    };
    try {
      let counters: Counters;
      let atomic: boolean;
      if (groups) {
        atomic = isOneTransaction(groups);
        try {
          counters = await runGroups(this.client, groups, {
            version: m.version,
            file,
            timeoutMs: m.meta.timeoutMs,
            emit: statements.emit,
            inTransaction: atomic ? bookkeeping : undefined,
            alongside,
          });
        } catch (e) {
          committed = !atomic && (e instanceof StatementFailure ? e.committed : true);
          throw e;
        }
      } else {
        const step = { version: m.version, direction: 'up' as const, file, transaction: m.meta.transaction, timeoutMs: m.meta.timeoutMs, schemaProcedures: m.meta.schemaProcedures };
        const handler = m.up.kind === 'typescript' ? m.up.handlers.up : undefined;
        const result = await this.runTs(handler, step, { beforeFirstCommit: recordStart, bookkeeping, journal });
        committed = result.committed;
        if (result.error) throw result.error;
        counters = result.counters;
        atomic = result.atomic;
      }
      if (atomic) {
        confirm?.();
        if (after) fp?.settle(after);
      } else {
        committed = true;
        await this.validate(m);
        if (fp) after = groups && onlySchema(groups) ? await fp.afterSchema(before!, ranStatements(groups, statements)) : await fp.read();
        await this.history.save(writes(counters));
      }
      const elapsedMs = performance.now() - started;
      this.events.emit({ type: 'migration:done', direction: 'up', version: m.version, elapsedMs, counters });
      const changes = before && after ? diffFingerprints(before, after) : undefined;
      return { version: m.version, description: m.description, direction: 'up', file, elapsedMs, counters, ...(changes ? { changes } : {}) };
    } catch (e) {
      fp?.forget();
      const error = asStepError(e, m.version, file);
      // a resumed run goes on from batches an earlier run committed: they remain whatever this one does
      const earlier: PartialChanges = !resume ? 'none' : resume.jobs.some((j) => j.batches > 0) ? 'remain' : 'unknown';
      let partialChanges: PartialChanges = committed ? 'remain' : earlier;
      let undoError: string | undefined;
      if (partialChanges === 'remain') {
        if (m.down) {
          try {
            await this.down(m.version, m.description, localDown(m), 'compensate', checkpointView(journal.checkpoint));
            partialChanges = 'undone';
          } catch (e2) {
            // the down's own Neo4j code, when a statement of it was refused
            const code = e2 instanceof StepFailed ? e2.failure.neo4jCode : isNeomigError(e2) ? e2.details.neo4jCode : neo4jCode(e2);
            undoError = code && !errorMessage(e2).includes(code) ? `${errorMessage(e2)} (${code})` : errorMessage(e2);
          }
        } else {
          undoError = m.meta.irreversible ? 'it is irreversible (no down)' : 'it has no down script';
        }
      }
      const elapsedMs = performance.now() - started;
      await this.history.save([this.history.failedWrite(entry, Math.round(elapsedMs), partialChanges, error.details.neo4jCode, error.message)]);
      this.events.emit({ type: 'migration:failed', direction: 'up', version: m.version, error, partialChanges });
      throw new StepFailed(error, {
        version: m.version,
        file,
        direction: 'up',
        statement: error.details.statement,
        line: error.details.line,
        column: error.details.column,
        excerpt: error.details.excerpt,
        neo4jCode: error.details.neo4jCode,
        message: error.message,
        partialChanges,
        undoError,
        // the next `up` resumes the ctx.batch() jobs from their checkpoint (core/checkpoint.ts isResumable)
        ...(m.up.kind === 'typescript' && journal.hasJobs && partialChanges === 'remain' ? { resumes: checkpointProgress(journal.checkpoint) } : {}),
      });
    }
  }

  /** This migration's applied record, and the start record of the next one if it will need one. */
  private recordWrites(
    entry: HistoryEntry,
    elapsedMs: number,
    counters: Counters,
    next: LocalMigration | undefined,
    record: StepRecord,
  ): HistoryWrite[] {
    const writes = [this.history.appliedWrite(entry, Math.round(elapsedMs), counters, record)];
    if (next && next.version !== entry.version && needsStartRecord(next) && !this.history.hasStarted(next.version)) {
      writes.push(this.history.startWrite(historyEntry(next)));
    }
    return writes;
  }

  /** Runs a down script; throws a NeomigError (MIGRATION_FAILED) naming the statement if it fails. */
  async down(
    version: string,
    description: string,
    source: DownSource,
    reason: 'compensate' | 'atomic' | 'requested',
    /** ctx.checkpoint: how far the up's ctx.batch() jobs got */
    checkpoint: Record<string, CheckpointView> = {},
  ): Promise<StepReport> {
    const fp = this.fingerprints;
    const before = await fp?.before();
    this.events.emit({ type: 'migration:start', direction: 'down', version, description, file: source.file, reason });
    const started = performance.now();
    let counters: Counters;
    let schemaRan: RanStatement[] | undefined;
    try {
      ({ counters, schemaRan } = await this.runDown(version, source, checkpoint));
    } catch (e) {
      fp?.forget();
      throw e;
    }
    const elapsedMs = performance.now() - started;
    this.events.emit({ type: 'migration:done', direction: 'down', version, elapsedMs, counters });
    const changes = fp && before ? diffFingerprints(before, schemaRan ? await fp.afterSchema(before, schemaRan) : await fp.read()) : undefined;
    return { version, description, direction: 'down', file: source.file, elapsedMs, counters, ...(changes ? { changes } : {}) };
  }

  /** Runs a down's statements; `schemaRan` when they were all schema statements (see onlySchema): each as it ran, with its counters. */
  private async runDown(version: string, source: DownSource, checkpoint: Record<string, CheckpointView>): Promise<{ counters: Counters; schemaRan?: RanStatement[] }> {
    let counters: Counters;
    if (source.kind === 'cypher') {
      const text = this.fill ? this.fill(source.text, source.file, version) : source.text;
      const statements = buildStatements(text, source.file, { schemaProcedures: source.schemaProcedures });
      const groups = groupStatements(statements, source.transaction, source.file);
      const log = new StatementLog(version, this.events.emit);
      counters = await runGroups(this.client, groups, { version, file: source.file, timeoutMs: source.timeoutMs, emit: log.emit });
      return { counters, ...(onlySchema(groups) ? { schemaRan: ranStatements(groups, log) } : {}) };
    } else {
      if (!source.handlers.down) throw new NeomigError('VALIDATION', `${source.file} has no down()`, { version, file: source.file });
      const step = { version, direction: 'down' as const, file: source.file, transaction: source.transaction, timeoutMs: source.timeoutMs, schemaProcedures: source.schemaProcedures };
      const result = await this.runTs(source.handlers.down, step, undefined, checkpoint);
      if (result.error) throw result.error;
      counters = result.counters;
    }
    return { counters };
  }

  /**
   * The recorded down of an applied entry; for TS, the local module when it is unchanged. Recorded text
   * is checked by `trust` (default: this folder's neomig.sum, no overrides) before it is returned.
   */
  async recordedDown(applied: AppliedMigration, local: LocalMigration | undefined, trust?: DownTrust): Promise<DownSource> {
    const file = applied.downScriptName ?? applied.script;
    if (!runsRecordedText(applied, local)) return localDown(local!);
    // what follows runs text read from the database: never without a voucher (runner/trust.ts)
    await (trust ?? (await DownTrust.forFolder(this.migrationsDir, this.events))).check(applied, local);
    if (applied.type === 'typescript') {
      const module = await evalMigrationSource(applied.downScript ?? '', path.join(this.migrationsDir, applied.script));
      return { kind: 'typescript', file, handlers: { down: module.down as TsHandlers['down'] }, transaction: applied.transaction, schemaProcedures: local?.meta.schemaProcedures };
    }
    // the local migration's schemaProcedures (config and metadata) when it is still there
    return { kind: 'cypher', file, text: applied.downScript ?? '', transaction: applied.transaction, schemaProcedures: local?.meta.schemaProcedures };
  }

  private async runTs(
    handler: ((ctx: never) => unknown) | undefined,
    step: { version: string; direction: 'up' | 'down'; file: string; transaction: TransactionMode; timeoutMs?: number; schemaProcedures?: string[] },
    up?: { beforeFirstCommit: () => Promise<void>; bookkeeping: (run: TransactionRun, counters: Counters) => Promise<void>; journal: BatchJournal },
    checkpoint?: Record<string, CheckpointView>,
  ): Promise<{ counters: Counters; committed: boolean; atomic: boolean; error?: NeomigError }> {
    const classify = { schemaProcedures: step.schemaProcedures };
    const transactions = new TsStepTransactions(this.client, step.transaction, step.timeoutMs, classify, up?.beforeFirstCommit);
    try {
      const ctx = createContext(this.client, transactions, this.events, step, up?.journal, checkpoint);
      await (handler as (c: typeof ctx) => unknown)(ctx);
      let atomic = false;
      if (up) atomic = await transactions.finish((run) => up.bookkeeping(run, transactions.counters));
      else await transactions.commitLast();
      return { counters: transactions.counters, committed: transactions.committed && !atomic, atomic };
    } catch (e) {
      await transactions.rollback();
      const code = neo4jCode(e);
      const error = isNeomigError(e)
        ? e
        : new NeomigError('MIGRATION_FAILED', `${step.file}: ${step.direction}() failed: ${errorMessage(e).split('\n')[0]}`, {
            file: step.file,
            version: step.version,
            statement: transactions.statements || undefined,
            neo4jCode: code,
            hint: code ? 'A statement of the migration (ctx.run, ctx.batch, ...) was refused by Neo4j; fix it, or the data it failed on, and run again.' : 'Fix the migration code and run again.',
          }, { cause: e });
      return { counters: transactions.counters, committed: transactions.committed, atomic: false, error };
    } finally {
      await transactions.close();
    }
  }

  /**
   * Each `validate` query must return one row whose `valid` column (or first column) is true. With
   * `run`, inside the step's own transaction (which reads its own writes); else after waiting for indexes.
   */
  private async validate(m: LocalMigration, run?: TransactionRun): Promise<void> {
    if (m.meta.validate.length && !run) await this.client.settleIndexes();
    for (const [i, query] of m.meta.validate.entries()) {
      let valid = false;
      let why = '';
      try {
        const rows = run ? await run(query) : rowsOf(await this.client.autoCommit(query, {}, 'read'));
        const row = rows[0];
        const value = row ? ('valid' in row ? row['valid'] : Object.values(row)[0]) : undefined;
        valid = rows.length === 1 && value === true;
        if (!valid) why = rows.length === 1 ? `returned ${JSON.stringify(value)}` : `returned ${rows.length} rows`;
      } catch (e) {
        why = `failed: ${errorMessage(e).split('\n')[0]}`;
        this.events.emit({ type: 'validate', version: m.version, query, valid: false });
        throw new NeomigError('MIGRATION_FAILED', `${m.up.file}: validation query ${i + 1} ${why}`, {
          file: m.up.file,
          version: m.version,
          neo4jCode: neo4jCode(e),
          hint: 'Fix the validate query in the migration\'s metadata.',
        });
      }
      this.events.emit({ type: 'validate', version: m.version, query, valid });
      if (!valid) {
        throw new NeomigError('MIGRATION_FAILED', `${m.up.file}: validation query ${i + 1} ${why}, not valid = true`, {
          file: m.up.file,
          version: m.version,
          hint: 'The migration ran but did not leave the graph as its validate query expects; fix the migration or the query.',
        });
      }
    }
  }
}

/** What the history records about a local migration, including the down that matches this up. */
export function historyEntry(m: LocalMigration): HistoryEntry {
  return {
    version: m.version,
    description: m.description,
    type: m.type,
    script: m.up.file,
    checksum: m.checksum,
    downScript: m.down ? (m.down.kind === 'cypher' ? m.down.text : m.down.source) : null,
    downScriptName: m.down?.file ?? null,
    downChecksum: m.downChecksum ?? null,
    dependsOn: m.meta.dependsOn,
    irreversible: m.meta.irreversible,
    transaction: m.meta.transaction,
  };
}

/** Whether the statements of a script run in one managed transaction that can hold its record too (data only). */
export function isOneTransaction(groups: TransactionGroup[]): boolean {
  if (groups.length === 0) return true;
  return groups.length === 1 && groups[0]!.tx === 'managed' && groups[0]!.statements.every((s) => s.kind === 'data');
}

/** Only schema statements (indexes, constraints): node and relationship counts cannot have moved, and
 *  after each index that comes online the count query would be planned again for nothing. */
function onlySchema(groups: TransactionGroup[]): boolean {
  return groups.every((g) => g.statements.every((s) => s.kind === 'schema'));
}

/** The statements of a script as they ran, each with the counters Neo4j returned for it (see StatementLog). */
function ranStatements(groups: TransactionGroup[], log: StatementLog): RanStatement[] {
  const counters = new Map(log.counters.map((c) => [c.index, c.counters]));
  return groups.flatMap((g) => g.statements).map((s) => ({ text: s.text, counters: counters.get(s.index) ?? {} }));
}

/** A Cypher migration that spans several transactions is recorded as started before it runs. TS
 *  migrations are not known before they run: they record their start when they first commit mid-way. */
function needsStartRecord(m: LocalMigration): boolean {
  if (m.up.kind !== 'cypher') return false;
  try {
    return !isOneTransaction(groupStatements(m.up.statements, m.meta.transaction, m.up.file));
  } catch {
    return false;
  }
}

export function localDown(m: LocalMigration): DownSource {
  const down = m.down!;
  return down.kind === 'cypher'
    ? { kind: 'cypher', file: down.file, text: down.text, transaction: m.meta.transaction, timeoutMs: m.meta.timeoutMs, schemaProcedures: m.meta.schemaProcedures }
    : { kind: 'typescript', file: down.file, handlers: down.handlers, transaction: m.meta.transaction, timeoutMs: m.meta.timeoutMs, schemaProcedures: m.meta.schemaProcedures };
}

function asStepError(e: unknown, version: string, file: string): NeomigError {
  if (isNeomigError(e)) return e;
  return new NeomigError('MIGRATION_FAILED', `${file}: ${errorMessage(e).split('\n')[0]}`, { file, version, neo4jCode: neo4jCode(e) }, { cause: e });
}

/** Passes a step's statement events on and keeps each statement's counters for its history entry. */
class StatementLog {
  readonly counters: StatementCounters[] = [];
  private readonly lines = new Map<number, number>();

  constructor(
    private readonly version: string,
    private readonly forward: (event: MigratorEvent) => void,
  ) {}

  readonly emit = (event: MigratorEvent): void => {
    if (event.type === 'statement:start' && event.version === this.version) this.lines.set(event.index, event.line);
    if (event.type === 'statement:done' && event.version === this.version) {
      this.counters.push({ index: event.index, line: this.lines.get(event.index) ?? 0, counters: event.counters });
    }
    this.forward(event);
  };
}
