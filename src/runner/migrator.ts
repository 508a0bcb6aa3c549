import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../config/types.js';
import { buildStatements, groupStatements } from '../core/grouping.js';
import { type UpPlanOptions, planDown, planUp } from '../core/plan.js';
import { currentVersion, isInEffect, reconcile } from '../core/reconcile.js';
import type { LocalMigration, MigrationState, Plan, ValidationIssue } from '../core/types.js';
import { adviceFor, validateHistory, validateLocal } from '../core/validate.js';
import { maxVersion, parseVersion } from '../core/version.js';
import { loadMigrations } from '../discovery/load.js';
import { NeomigError } from '../errors.js';
import { callableNames, wipeDatabase } from '../neo4j/catalog.js';
import { Neo4jClient } from '../neo4j/client.js';
import { errorMessage } from '../neo4j/errors.js';
import { HistoryStore } from '../neo4j/history.js';
import { LeaseLock, forceRelease, readLock } from '../neo4j/lock.js';
import { Events } from './events.js';
import { checkPreconditions } from './preconditions.js';
import { StepFailed, StepRunner, localDown } from './steps.js';
import type {
  BaselineResult,
  CleanResult,
  DownOptions,
  DryRunStep,
  Migrator,
  RepairAction,
  RepairResult,
  RunResult,
  StatusResult,
  StepReport,
  UpOptions,
  ValidateResult,
} from './types.js';

/** A migration failed during up or down; `result` says what was applied, reversed and left. */
export class MigrationRunError extends NeomigError {
  constructor(
    cause: NeomigError,
    message: string,
    readonly result: RunResult,
  ) {
    super('MIGRATION_FAILED', message, { ...cause.details }, { cause });
    this.name = 'MigrationRunError';
  }
}

interface Locked {
  client: Neo4jClient;
  history: HistoryStore;
  lock: LeaseLock;
  steps: StepRunner;
  tookOver: boolean;
}

/** Creates the migrator for a resolved configuration; see the Migrator interface for each operation. */
export function createMigrator(config: ResolvedConfig): Migrator {
  const events = new Events();
  const runId = randomUUID().slice(0, 8);
  let client: Neo4jClient | undefined;

  const connect = async (): Promise<Neo4jClient> => {
    if (!client) {
      client = await Neo4jClient.connect(config.connection);
      events.emit({ type: 'connected', server: client.server });
    }
    return client;
  };
  const historyOf = (c: Neo4jClient) => new HistoryStore(c, config.labels, config.installedBy, runId);
  const load = () => loadMigrations(config.migrationsDir, { defaultTransaction: config.transaction });

  /** connect, ensure neomig's schema, lock, work, unlock in finally (a failed unlock only warns). */
  async function withLock<T>(lockTimeoutSeconds: number | undefined, work: (locked: Locked) => Promise<T>): Promise<T> {
    const c = await connect();
    const history = historyOf(c);
    await history.ensureSchema();
    const lock = new LeaseLock(c, config.labels.lock, config.installedBy, runId, {
      ...config.lock,
      timeoutSeconds: lockTimeoutSeconds ?? config.lock.timeoutSeconds,
    }, (m) => events.warn(m));
    const { tookOverFrom } = await lock.acquire((heldBy) => events.emit({ type: 'lock:waiting', heldBy }));
    events.emit({ type: 'lock:acquired', owner: lock.owner, tookOverFrom });
    try {
      return await work({ client: c, history, lock, steps: new StepRunner(c, history, events, config.migrationsDir), tookOver: Boolean(tookOverFrom) });
    } finally {
      await lock.release();
      events.emit({ type: 'lock:released', owner: lock.owner });
    }
  }

  async function statesOf(history: HistoryStore, local: LocalMigration[]): Promise<MigrationState[]> {
    return reconcile(local, await history.readAll());
  }

  /** Everything validation finds in the files and the history together. */
  function issuesOf(local: LocalMigration[], states: MigrationState[]): ValidationIssue[] {
    return [
      ...validateLocal(local, states.filter((s) => s.applied).map((s) => s.version)),
      ...validateHistory(states, { outOfOrder: config.outOfOrder }),
    ];
  }

  function failOn(issues: ValidationIssue[], what: string): void {
    if (issues.length === 0) return;
    const first = issues[0]!;
    throw new NeomigError('VALIDATION', `${what}: ${issues.map((i) => i.message).join('; ')}`, {
      version: first.version,
      file: first.file,
      issues,
      hint: adviceFor(first.kind),
    });
  }

  async function up(options: UpOptions = {}): Promise<RunResult> {
    const local = await load();
    const atomic = options.atomic ?? config.atomic;

    const prepare = async (c: Neo4jClient, history: HistoryStore) => {
      const states = await statesOf(history, local);
      const rerun = new Set(
        states.filter((s) => (s.status === 'applied' || s.status === 'failed') && s.checksumChanged && options.allowChanged?.(s.version)).map((s) => s.version),
      );
      if (config.validateOnMigrate) {
        const issues = issuesOf(local, states).filter((i) => !rerun.has(i.version));
        for (const i of issues.filter((x) => x.kind === 'down_missing')) events.warn(i.message, i.version);
        failOn(issues.filter((i) => i.kind !== 'down_missing'), 'validation failed before migrating');
      }
      const upOptions: UpPlanOptions = { to: options.to, outOfOrder: config.outOfOrder, rerun };
      const plan = planUp(states, upOptions);
      failOn(await checkPreconditions(plan.steps, c.server, () => callableNames(c)), 'preconditions not met');
      return { states, plan };
    };

    if (options.dryRun) {
      const c = await connect();
      const { states, plan } = await prepare(c, historyOf(c));
      return { ...emptyResult('up', true, plan), pending: pendingOf(states, []), plan: describePlan(plan) };
    }

    return withLock(options.lockTimeoutSeconds, async ({ client: c, history, lock, steps }) => {
      const { states, plan } = await prepare(c, history);
      const result = emptyResult('up', false, plan);
      // dev mode: a changed, unreleased migration is reversed with its recorded down before its new up runs
      const rerun = plan.steps.filter((s) => s.applied?.status === 'applied');
      for (const step of [...rerun].reverse()) {
        lock.assertHeld();
        await steps.down(step.version, step.description, await steps.recordedDown(step.applied!, undefined), 'requested');
        await history.markRolledBack(step.version, 0);
      }
      const reversedForRerun = new Set(rerun.map((s) => s.version));
      const base = maxVersion(states.filter((s) => isInEffect(s.status) && !reversedForRerun.has(s.version)).map((s) => s.version));
      const done: { report: StepReport; migration: LocalMigration }[] = [];
      for (const step of plan.steps) {
        lock.assertHeld();
        try {
          done.push({ report: await steps.up(step.migration!), migration: step.migration! });
        } catch (e) {
          if (!(e instanceof StepFailed)) throw e;
          result.failed = e.failure;
          if (atomic) {
            for (const { migration } of [...done].reverse()) {
              try {
                result.reversed.push(await steps.down(migration.version, migration.description, localDown(migration), 'atomic'));
                await history.markRolledBack(migration.version, Math.round(result.reversed.at(-1)!.elapsedMs));
              } catch (e2) {
                events.warn(`could not reverse ${migration.version} after the failure: ${errorMessage(e2)}`, migration.version);
                result.failed.reverseError = `${result.failed.reverseError ? result.failed.reverseError + '; ' : ''}reversing ${migration.version} failed: ${errorMessage(e2)}`;
                break;
              }
            }
          }
          const reversedSet = new Set(result.reversed.map((r) => r.version));
          result.applied = done.map((d) => d.report).filter((r) => !reversedSet.has(r.version));
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

  async function down(options: DownOptions = {}): Promise<RunResult> {
    const local = await load();
    if (options.dryRun) {
      const c = await connect();
      const states = await statesOf(historyOf(c), local);
      const plan = planDown(states, options);
      return { ...emptyResult('down', true, plan), pending: pendingOf(states, []), plan: describePlan(plan) };
    }
    return withLock(options.lockTimeoutSeconds, async ({ history, lock, steps }) => {
      const states = await statesOf(history, local);
      const plan = planDown(states, options);
      const result = emptyResult('down', false, plan);
      for (const step of plan.steps) {
        lock.assertHeld();
        const started = performance.now();
        try {
          result.applied.push(await steps.down(step.version, step.description, await steps.recordedDown(step.applied!, step.migration), 'requested'));
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
            reversed: false,
          };
          result.to = step.version;
          result.pending = pendingOf(states, []);
          throw new MigrationRunError(
            error,
            `down of ${step.version} failed: ${error.message}. ${step.version} stays recorded as applied; statements of its down that committed before the failure are not undone.`,
            result,
          );
        }
        await history.markRolledBack(step.version, Math.round(result.applied.at(-1)!.elapsedMs));
      }
      result.to = plan.targetVersion;
      result.pending = pendingOf(reconcile(local, await history.readAll()), []);
      return result;
    });
  }

  async function status(): Promise<StatusResult> {
    const local = await load();
    const c = await connect();
    const states = await statesOf(historyOf(c), local);
    const issues = issuesOf(local, states);
    const lock = await readLock(c, config.labels.lock);
    return { server: c.server, current: currentVersion(states), migrations: states, issues, lock };
  }

  async function validate(options: { offline?: boolean } = {}): Promise<ValidateResult> {
    const local = await load();
    if (options.offline) return { offline: true, migrations: local.length, issues: validateLocal(local) };
    const c = await connect();
    const states = await statesOf(historyOf(c), local);
    const issues = issuesOf(local, states);
    try {
      const plan = planUp(states, { outOfOrder: config.outOfOrder });
      issues.push(...(await checkPreconditions(plan.steps, c.server, () => callableNames(c))));
    } catch (e) {
      if (!(e instanceof NeomigError) || e.code !== 'VALIDATION') throw e;
      issues.push({ kind: 'dependency_missing', version: e.details.version ?? '', file: e.details.file, message: e.message });
    }
    return { offline: false, migrations: local.length, issues };
  }

  async function baseline(version: string, description = 'baseline'): Promise<BaselineResult> {
    const v = parseVersion(version);
    if (!v) throw new NeomigError('USAGE', `"${version}" is not a version`, { hint: 'Give a version such as 1.0.0.' });
    return withLock(undefined, async ({ history }) => {
      const applied = (await history.readAll()).filter((a) => a.status !== 'rolled_back');
      if (applied.length > 0) {
        throw new NeomigError('VALIDATION', `database "${client!.databaseName}" already has migration history (${applied.map((a) => `${a.version} ${a.status}`).join(', ')})`, {
          hint: 'Baseline only a database that neomig has not migrated yet.',
        });
      }
      await history.recordBaseline(v, description);
      return { version: v, description };
    });
  }

  async function repair(options: { dryRun?: boolean } = {}): Promise<RepairResult> {
    const local = await load();
    const plan = async (states: MigrationState[]): Promise<RepairAction[]> => {
      const actions: RepairAction[] = [];
      for (const s of states) {
        if (s.status === 'applied' && s.checksumChanged && s.local) {
          actions.push({ kind: 'checksum_realigned', version: s.version, detail: `${s.version}: recorded checksum ${s.applied!.checksum?.slice(0, 8)} -> ${s.local.checksum.slice(0, 8)}, recorded down updated from ${s.local.down?.file ?? 'no down'}` });
        }
        if (s.status === 'failed') {
          actions.push({ kind: 'failed_resolved', version: s.version, detail: `${s.version}: failed entry marked rolled back, so \`up\` runs it again` });
        }
      }
      return actions;
    };
    if (options.dryRun) {
      const c = await connect();
      const actions = await plan(await statesOf(historyOf(c), local));
      const held = await readLock(c, config.labels.lock);
      if (held?.stale) actions.push({ kind: 'lock_released', detail: `stale lock of ${held.owner} (last heartbeat ${held.heartbeatAt})` });
      return { dryRun: true, actions };
    }
    const c = await connect();
    const held = await readLock(c, config.labels.lock);
    return withLock(0, async ({ history }) => {
      const states = await statesOf(history, local);
      const actions = await plan(states);
      for (const a of actions) {
        const s = states.find((x) => x.version === a.version)!;
        if (a.kind === 'checksum_realigned') {
          const m = s.local!;
          await history.repair(s.version, {
            checksum: m.checksum,
            description: m.description,
            script: m.up.file,
            downScript: m.down ? (m.down.kind === 'cypher' ? m.down.text : m.down.source) : null,
            downScriptName: m.down?.file ?? null,
            downChecksum: m.downChecksum ?? null,
          }, a.detail);
        } else if (a.kind === 'failed_resolved') {
          await history.repair(s.version, { status: 'rolled_back' }, a.detail);
        }
      }
      if (held?.stale) actions.push({ kind: 'lock_released', detail: `stale lock of ${held.owner} (last heartbeat ${held.heartbeatAt}) taken over and released` });
      return { dryRun: false, actions };
    });
  }

  async function clean(): Promise<CleanResult> {
    if (!config.cleanEnabled) {
      throw new NeomigError('USAGE', 'clean is disabled for this configuration', {
        hint: 'Set cleanEnabled: true in the config (never for production) to allow it.',
      });
    }
    return withLock(undefined, async ({ client: c }) => {
      const result = await wipeDatabase(c);
      return result;
    });
  }

  return {
    up,
    down,
    status,
    validate,
    baseline,
    repair,
    clean,
    on: (listener) => events.on(listener),
    close: async () => {
      const c = client;
      client = undefined;
      await c?.close();
    },
  };
}

/** A run's result before any step ran. */
function emptyResult(command: 'up' | 'down', dryRun: boolean, plan: Plan): RunResult {
  return { command, dryRun, from: plan.currentVersion, to: dryRun ? plan.targetVersion : plan.currentVersion, applied: [], reversed: [], pending: [] };
}

function pendingOf(states: MigrationState[], appliedNow: string[]): string[] {
  const now = new Set(appliedNow);
  return states
    .filter((s) => s.local && (s.status === 'pending' || (s.status === 'failed' && s.applied?.reversed)) && !now.has(s.version))
    .map((s) => s.version);
}

function describePlan(plan: Plan): DryRunStep[] {
  return plan.steps.map((step) => {
    if (step.direction === 'up') {
      const m = step.migration!;
      return {
        version: step.version,
        description: step.description,
        direction: 'up',
        file: m.up.file,
        type: m.type,
        groups: m.up.kind === 'cypher' ? groupStatements(m.up.statements, m.meta.transaction, m.up.file) : undefined,
        validate: m.meta.validate,
      };
    }
    const a = step.applied!;
    const file = a.downScriptName ?? a.script;
    return {
      version: step.version,
      description: step.description,
      direction: 'down',
      file,
      type: a.type === 'typescript' ? 'typescript' : 'cypher',
      groups: a.type === 'typescript' ? undefined : groupStatements(buildStatements(a.downScript ?? '', file), a.transaction, file),
    };
  });
}

function failureMessage(e: StepFailed, result: RunResult, atomic: boolean): string {
  const f = e.failure;
  const parts = [`${f.version} failed: ${e.error.message}`];
  parts.push(f.reversed ? `its partial changes were reversed by its down` : `its partial changes were NOT reversed (${f.reverseError ?? 'unknown'})`);
  if (result.reversed.length) parts.push(`reversed ${result.reversed.map((r) => r.version).join(', ')} applied earlier in this run${atomic ? ' (atomic)' : ''}`);
  else if (result.applied.length) parts.push(`${result.applied.map((r) => r.version).join(', ')} applied earlier in this run stay applied`);
  return parts.join('; ');
}
