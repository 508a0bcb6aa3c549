import type { CallbackPhase } from '../core/callbacks.js';
import { groupStatements } from '../core/grouping.js';
import type { Plan, PlanStep } from '../core/types.js';
import { type LocalCallback, loadCallbacks } from '../discovery/callbacks.js';
import { NeomigError, isNeomigError } from '../errors.js';
import type { Neo4jClient } from '../neo4j/client.js';
import { errorMessage, neo4jCode } from '../neo4j/errors.js';
import { runGroups } from '../neo4j/statements.js';
import { TsStepTransactions } from '../neo4j/ts-step.js';
import { createContext } from './context.js';
import { StepFailed } from './steps.js';
import type { MigratorSession } from './session.js';
import type { CallbackContext, CallbackReport } from './types.js';

/** What a phase's callbacks get to know about the operation. */
export interface CallbackInfo {
  plan?: Plan;
  result?: CallbackContext['result'];
  error?: Error;
  /** the migration a beforeEachMigrate/afterEachMigrate callback runs around */
  version?: string;
}

type Runnable = { name: string } & (
  | { kind: 'cypher'; callback: Extract<LocalCallback, { type: 'cypher' }> }
  | { kind: 'function'; fn: (ctx: never) => unknown }
);

/**
 * Runs an operation's callbacks, inside its lock: per phase the files of `migrations/callbacks/` (in
 * name order), then the `config.callbacks` functions. Cypher callbacks run like a migration's script
 * (`auto` grouping); TS callbacks get a migration's ctx plus phase, plan, result and error. Nothing
 * about them is written to the history; each becomes events and a report in `reports`.
 */
export class CallbackRunner {
  readonly reports: CallbackReport[] = [];
  private files: Promise<LocalCallback[]> | undefined;

  constructor(
    private readonly session: MigratorSession,
    private readonly client: Neo4jClient,
  ) {}

  /** Reads the callback files now, so a misnamed one stops the operation before anything ran. */
  async load(): Promise<void> {
    await this.list('beforeMigrate');
  }

  /** Whether a phase has any callback (files or config). */
  async has(phase: CallbackPhase): Promise<boolean> {
    return (await this.list(phase)).length > 0;
  }

  /** Runs a phase; the first failing callback stops it and throws MIGRATION_FAILED naming its file. */
  async run(phase: CallbackPhase, info: CallbackInfo = {}): Promise<void> {
    for (const item of await this.list(phase)) await this.runOne(phase, item, info);
  }

  /**
   * beforeEachMigrate / afterEachMigrate around one step of `up`: a failure fails that step, so `up`
   * treats it like a failed migration (atomic: this run's migrations, this one included, are reversed).
   */
  async eachMigrate(phase: 'beforeEachMigrate' | 'afterEachMigrate', step: PlanStep, plan: Plan): Promise<void> {
    try {
      await this.run(phase, { plan, version: step.version });
    } catch (e) {
      if (!isNeomigError(e)) throw e;
      throw new StepFailed(e, { version: step.version, file: e.details.file ?? phase, direction: 'up', message: e.message, partialChanges: 'none' });
    }
  }

  /** afterMigrateError and the like: every callback runs; a failure is only a warning, so the original
   *  error stays the one reported. */
  async runQuietly(phase: CallbackPhase, info: CallbackInfo): Promise<void> {
    for (const item of await this.list(phase).catch(() => [])) {
      try {
        await this.runOne(phase, item, info);
      } catch (e) {
        this.session.events.warn(`${phase} callback ${item.name} failed: ${errorMessage(e)}`);
      }
    }
  }

  private async list(phase: CallbackPhase): Promise<Runnable[]> {
    const { migrationsDir, schemaProcedures, callbacks } = this.session.config;
    this.files ??= loadCallbacks(migrationsDir, { schemaProcedures });
    const files: Runnable[] = (await this.files)
      .filter((c) => c.phase === phase)
      .map((c) => (c.type === 'cypher' ? { name: c.file, kind: 'cypher', callback: c } : { name: c.file, kind: 'function', fn: c.handler }));
    const configured = callbacks[phase];
    const fns = configured === undefined ? [] : Array.isArray(configured) ? configured : [configured];
    const fromConfig = fns.map((fn, i): Runnable => ({ name: `config.callbacks.${phase}[${i}]`, kind: 'function', fn: fn as (ctx: never) => unknown }));
    return [...files, ...fromConfig];
  }

  private async runOne(phase: CallbackPhase, item: Runnable, info: CallbackInfo): Promise<void> {
    const { events, config } = this.session;
    events.emit({ type: 'callback:start', phase, name: item.name });
    const started = performance.now();
    try {
      if (item.kind === 'cypher') {
        const groups = groupStatements(item.callback.statements, 'auto', item.name);
        await runGroups(this.client, groups, { version: phase, file: item.name, emit: events.emit });
      } else {
        const transactions = new TsStepTransactions(this.client, 'auto', undefined, { schemaProcedures: config.schemaProcedures });
        try {
          const direction = phase.endsWith('Down') ? 'down' : 'up';
          const base = createContext(this.client, transactions, events, { version: info.version ?? '', direction });
          const ctx: CallbackContext = { ...base, phase, ...info };
          await (item.fn as (c: CallbackContext) => unknown)(ctx);
          await transactions.commitLast();
        } catch (e) {
          await transactions.rollback();
          throw e;
        } finally {
          await transactions.close();
        }
      }
    } catch (e) {
      const error = callbackError(phase, item.name, e);
      this.reports.push({ phase, name: item.name, elapsedMs: Math.round(performance.now() - started), ok: false, error: error.message });
      events.emit({ type: 'callback:failed', phase, name: item.name, error });
      throw error;
    }
    const elapsedMs = Math.round(performance.now() - started);
    this.reports.push({ phase, name: item.name, elapsedMs, ok: true });
    events.emit({ type: 'callback:done', phase, name: item.name, elapsedMs });
  }
}

function callbackError(phase: CallbackPhase, name: string, e: unknown): NeomigError {
  const details = isNeomigError(e) ? e.details : { neo4jCode: neo4jCode(e) };
  return new NeomigError('MIGRATION_FAILED', `${phase} callback ${name} failed: ${errorMessage(e).split('\n')[0]}`, {
    ...details,
    file: name,
    phase,
    hint: `Fix ${name} and run again; callbacks are not recorded, so the next run runs it again.`,
  }, { cause: e });
}
