import path from 'node:path';
import { buildStatements, groupStatements } from '../core/grouping.js';
import type { AppliedMigration, LocalMigration, TransactionMode, TsHandlers } from '../core/types.js';
import { NeomigError, isNeomigError } from '../errors.js';
import { evalMigrationSource } from '../discovery/typescript.js';
import type { Neo4jClient } from '../neo4j/client.js';
import { errorMessage, neo4jCode } from '../neo4j/errors.js';
import type { HistoryEntry, HistoryStore } from '../neo4j/history.js';
import { StatementFailure, runGroups } from '../neo4j/statements.js';
import { TsStepTransactions } from '../neo4j/ts-step.js';
import { createContext } from './context.js';
import { DownTrust, runsRecordedText } from './trust.js';
import type { Events } from './events.js';
import type { Counters, FailureReport, StepReport } from './types.js';

/** A step failed; carries what a user needs to know, including whether its partial work was undone. */
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
  ) {}

  /** Applies one migration; on failure runs its down to undo what it committed, records `failed`, throws StepFailed. */
  async up(m: LocalMigration): Promise<StepReport> {
    const entry = historyEntry(m);
    const file = m.up.file;
    await this.history.recordStart(entry);
    this.events.emit({ type: 'migration:start', direction: 'up', version: m.version, description: m.description, file, reason: 'requested' });
    const started = performance.now();
    let committed = false;
    try {
      let counters: Counters;
      if (m.up.kind === 'cypher') {
        const groups = groupStatements(m.up.statements, m.meta.transaction, file);
        try {
          counters = await runGroups(this.client, groups, { version: m.version, file, timeoutMs: m.meta.timeoutMs, emit: this.events.emit });
        } catch (e) {
          committed = e instanceof StatementFailure ? e.committed : true;
          throw e;
        }
      } else {
        const result = await this.runTs(m.up.handlers.up, { version: m.version, direction: 'up', file, transaction: m.meta.transaction, timeoutMs: m.meta.timeoutMs, schemaProcedures: m.meta.schemaProcedures });
        committed = result.committed;
        if (result.error) throw result.error;
        counters = result.counters;
      }
      committed = true;
      await this.validate(m);
      const elapsedMs = performance.now() - started;
      await this.history.markApplied(entry, Math.round(elapsedMs), counters);
      this.events.emit({ type: 'migration:done', direction: 'up', version: m.version, elapsedMs, counters });
      return { version: m.version, description: m.description, direction: 'up', file, elapsedMs, counters };
    } catch (e) {
      const error = asStepError(e, m.version, file);
      let reversed = !committed;
      let reverseError: string | undefined;
      if (committed) {
        if (m.down) {
          try {
            await this.down(m.version, m.description, localDown(m), 'compensate');
            reversed = true;
          } catch (e2) {
            reverseError = errorMessage(e2);
          }
        } else {
          reverseError = m.meta.irreversible ? 'it is irreversible (no down)' : 'it has no down script';
        }
      }
      const elapsedMs = performance.now() - started;
      await this.history.markFailed(entry, Math.round(elapsedMs), reversed, error.details.neo4jCode, error.message);
      this.events.emit({ type: 'migration:failed', direction: 'up', version: m.version, error, reversed });
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
        reversed,
        reverseError,
      });
    }
  }

  /** Runs a down script; throws a NeomigError (MIGRATION_FAILED) naming the statement if it fails. */
  async down(version: string, description: string, source: DownSource, reason: 'compensate' | 'atomic' | 'requested'): Promise<StepReport> {
    this.events.emit({ type: 'migration:start', direction: 'down', version, description, file: source.file, reason });
    const started = performance.now();
    let counters: Counters;
    if (source.kind === 'cypher') {
      const statements = buildStatements(source.text, source.file, { schemaProcedures: source.schemaProcedures });
      const groups = groupStatements(statements, source.transaction, source.file);
      counters = await runGroups(this.client, groups, { version, file: source.file, timeoutMs: source.timeoutMs, emit: this.events.emit });
    } else {
      if (!source.handlers.down) throw new NeomigError('VALIDATION', `${source.file} has no down()`, { version, file: source.file });
      const result = await this.runTs(source.handlers.down, { version, direction: 'down', file: source.file, transaction: source.transaction, timeoutMs: source.timeoutMs, schemaProcedures: source.schemaProcedures });
      if (result.error) throw result.error;
      counters = result.counters;
    }
    const elapsedMs = performance.now() - started;
    this.events.emit({ type: 'migration:done', direction: 'down', version, elapsedMs, counters });
    return { version, description, direction: 'down', file: source.file, elapsedMs, counters };
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
  ): Promise<{ counters: Counters; committed: boolean; error?: NeomigError }> {
    const transactions = new TsStepTransactions(this.client, step.transaction, step.timeoutMs, { schemaProcedures: step.schemaProcedures });
    try {
      const ctx = createContext(this.client, transactions, this.events, step);
      await (handler as (c: typeof ctx) => unknown)(ctx);
      await transactions.commit();
      return { counters: transactions.counters, committed: transactions.committed };
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
            hint: code ? 'The statement passed to ctx.run() was refused by Neo4j; fix it and run again.' : 'Fix the migration code and run again.',
          }, { cause: e });
      return { counters: transactions.counters, committed: transactions.committed, error };
    } finally {
      await transactions.close();
    }
  }

  /** Each `validate` query must return one row whose `valid` column (or first column) is true. */
  private async validate(m: LocalMigration): Promise<void> {
    for (const [i, query] of m.meta.validate.entries()) {
      let valid = false;
      let why = '';
      try {
        const rows = await this.client.rows(query, {}, 'read');
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
