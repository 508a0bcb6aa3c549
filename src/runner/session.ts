import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../config/types.js';
import { reconcile } from '../core/reconcile.js';
import type { LocalMigration, MigrationState, ValidationIssue } from '../core/types.js';
import { adviceFor, validateHistory, validateLocal } from '../core/validate.js';
import { loadMigrations } from '../discovery/load.js';
import { NeomigError } from '../errors.js';
import { Neo4jClient } from '../neo4j/client.js';
import { Fingerprinter } from '../neo4j/fingerprint.js';
import { HistoryStore } from '../neo4j/history.js';
import { LeaseLock, type RestoreMark, restoreMarkOf, restoringQuery } from '../neo4j/lock.js';
import type { PlaceholderContext } from '../core/placeholders.js';
import { Events } from './events.js';
import { filler, placeholderContext } from './placeholders.js';
import { StepRunner } from './steps.js';

/** What an operation holds while it runs inside the migration lock. */
export interface Locked {
  client: Neo4jClient;
  history: HistoryStore;
  lock: LeaseLock;
  steps: StepRunner;
  tookOver: boolean;
}

/**
 * What every operation shares: the configuration, the events, one connection opened on first use, and
 * `withLock` (connect, ensure neomig's schema, lock, work, unlock in finally; a failed unlock only warns).
 * Each operation lives in its own module under operations/ and receives this.
 */
export class MigratorSession {
  readonly events = new Events();
  readonly runId = randomUUID().slice(0, 8);
  private client: Neo4jClient | undefined;

  constructor(readonly config: ResolvedConfig) {}

  async connect(): Promise<Neo4jClient> {
    if (!this.client) {
      this.client = await Neo4jClient.connect(this.config.connection);
      this.events.emit({ type: 'connected', server: this.client.server });
    }
    return this.client;
  }

  historyOf(client: Neo4jClient): HistoryStore {
    return new HistoryStore(client, this.config.labels, this.config.installedBy, this.runId);
  }

  /** The local migrations, read from the migrations folder, their placeholders filled (`offline`: no
   *  connection, so `${neomig:database}` stands for the configured database or `neo4j`). */
  async load(options: { offline?: boolean } = {}): Promise<LocalMigration[]> {
    const { migrationsDir, transaction, schemaProcedures } = this.config;
    const placeholders = await this.placeholders(options.offline);
    return loadMigrations(migrationsDir, { defaultTransaction: transaction, schemaProcedures, placeholders });
  }

  /** What fills `${name}`: the config's values and the built-ins for this connection (runner/placeholders.ts). */
  async placeholders(offline = false): Promise<PlaceholderContext> {
    return placeholderContext(this.config, offline ? undefined : () => this.connect());
  }

  /** `options.afterInterruptedRestore`: the operation may run on a database a restore left half loaded
   *  (restore itself, clean); every other one stops there (see markRestoring). */
  async withLock<T>(
    lockTimeoutSeconds: number | undefined,
    work: (locked: Locked) => Promise<T>,
    options: { afterInterruptedRestore?: boolean } = {},
  ): Promise<T> {
    const { config, events, runId } = this;
    const client = await this.connect();
    const history = this.historyOf(client);
    await history.ensureSchema();
    const lock = new LeaseLock(client, config.labels.lock, config.installedBy, runId, {
      ...config.lock,
      timeoutSeconds: lockTimeoutSeconds ?? config.lock.timeoutSeconds,
    }, (m) => events.warn(m));
    // the history, and the mark of a restore that did not finish, are read in the round trip that takes the lock
    const { tookOverFrom, alongRows } = await lock.acquire(
      (heldBy) => events.emit({ type: 'lock:waiting', heldBy }),
      [history.readQuery(), restoringQuery(client, config.labels.lock)],
    );
    history.prime(alongRows[0] ?? []);
    const interrupted = restoreMarkOf(alongRows[1]);
    events.emit({ type: 'lock:acquired', owner: lock.owner, tookOverFrom });
    try {
      if (interrupted && !options.afterInterruptedRestore) throw interruptedRestore(client, interrupted);
      const fingerprints = config.fingerprints ? new Fingerprinter(client, config.labels) : undefined;
      const steps = new StepRunner(client, history, events, config.migrationsDir, fingerprints, filler(await this.placeholders()));
      const result = await work({ client, history, lock, steps, tookOver: Boolean(tookOverFrom) });
      // index changes are waited for once, at the end, unless a later statement needed them earlier
      await client.settleIndexes();
      return result;
    } catch (e) {
      await client.settleIndexes().catch(() => undefined);
      throw e;
    } finally {
      await lock.release();
      events.emit({ type: 'lock:released', owner: lock.owner });
    }
  }

  async statesOf(history: HistoryStore, local: LocalMigration[]): Promise<MigrationState[]> {
    return reconcile(local, await history.readAll());
  }

  /** Everything validation finds in the files and the history together. */
  issuesOf(local: LocalMigration[], states: MigrationState[]): ValidationIssue[] {
    return [
      ...validateLocal(local, states.filter((s) => s.applied).map((s) => s.version)),
      ...validateHistory(states, { outOfOrder: this.config.outOfOrder }),
    ];
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.close();
  }
}

/** Throws a VALIDATION error listing the issues, if there are any. */
export function failOn(issues: ValidationIssue[], what: string): void {
  if (issues.length === 0) return;
  const first = issues[0]!;
  throw new NeomigError('VALIDATION', `${what}: ${issues.map((i) => i.message).join('; ')}`, {
    version: first.version,
    file: first.file,
    issues,
    hint: adviceFor(first.kind),
  });
}

/** A database a restore left half loaded takes nothing but another restore (or clean). */
function interruptedRestore(client: Neo4jClient, mark: RestoreMark): NeomigError {
  return new NeomigError('VALIDATION', `a restore of ${mark.file} into database "${client.databaseName}", started at ${mark.startedAt}, did not finish: the database holds part of that snapshot`, {
    file: mark.file,
    hint: `Run \`neomig restore ${mark.file} --yes\` again (it empties the database first), or \`neomig clean\` to start from nothing.`,
  });
}
