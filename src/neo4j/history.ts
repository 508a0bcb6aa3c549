import type { AppliedMigration, AppliedStatus, PartialChanges, StatementCounters, TransactionMode } from '../core/types.js';
import type { Counters } from '../core/vocabulary.js';
import { LOOP_PROPERTIES, loopProgressProjection } from '../core/batch-query.js';
import { type Checkpoint, encodeCheckpoint, parseCheckpoint, withLoopProgress } from '../core/checkpoint.js';
import { type ChangeSet, parseChangeSet } from '../core/fingerprint.js';
import { type Neo4jClient, type Query, type Row, type TransactionRun, label } from './client.js';

export interface HistoryLabels {
  history: string;
  audit: string;
  lock: string;
}

/** What the runner writes about one version. */
export interface HistoryEntry {
  version: string;
  description: string;
  type: 'cypher' | 'typescript' | 'baseline';
  script: string;
  checksum: string | null;
  downScript: string | null;
  downScriptName: string | null;
  downChecksum: string | null;
  dependsOn: string[];
  irreversible: boolean;
  transaction: TransactionMode;
}

/** What a step's applied record carries besides its counters. */
export interface StepRecord {
  /** what the step changed (fingerprints on) */
  changes?: ChangeSet;
  /** each statement's counters, for Cypher steps (`neomig show`) */
  statementCounters?: StatementCounters[];
  /** how far the step's ctx.batch() jobs got (null: it ran none) */
  checkpoint?: Checkpoint | null;
}

export type AuditAction = 'up' | 'down' | 'failed' | 'down_failed' | 'baseline' | 'repair' | 'start' | 'skipped' | 'resolve' | 'delete' | 'restore';

export interface AuditEvent {
  action: AuditAction;
  durationMs?: number;
  errorCode?: string | null;
  errorMessage?: string | null;
  detail?: string;
  /** what the step changed (a ChangeSet as JSON), when fingerprints are on */
  changes?: string | null;
}

/** One write to the history: properties of a version's node and the audit event about it. */
export interface HistoryWrite {
  version: string;
  /** the write sends the whole entry (script, checksum, down script) */
  full: boolean;
  props: Record<string, unknown>;
  /** set installedBy/installedAt to who and now */
  stamp: boolean;
  /** the audit event; null for a checkpoint, which only moves the entry's `checkpoint` */
  event: Record<string, unknown> | null;
}

/**
 * The :SchemaVersion history and its audit trail. Every write, of one version or several, is the same
 * query (UNWIND over the writes; each updates or creates the version node and appends an audit node
 * linked to it), so history and audit never disagree, and the history costs one plan.
 *
 * One plan matters: each index or constraint that comes online empties Neo4j's query plan cache, and
 * the first run of each distinct query after that is planned again, ~60-120 ms of server time on 5.26
 * whatever the query's length (measured: a long MERGE, a short CREATE, a SET by element id alike).
 * With several query shapes an index migration paid that once per shape; with one it pays it once.
 * The entry (and its down script) is sent once per run, not with every write.
 */
/** An audit event read back with the version whose entry holds it. */
export interface RunEvent {
  version: string;
  event: Record<string, unknown>;
}

export class HistoryStore {
  private readonly h: string;
  private readonly a: string;
  /** versions whose whole entry this run has written already (a start record) */
  private readonly entryWritten = new Set<string>();
  private primed: AppliedMigration[] | undefined;
  /** the snapshot this run took before its first migration (up --snapshot): every audit event of the run names it */
  snapshot: string | undefined;

  constructor(
    private readonly client: Neo4jClient,
    private readonly labels: HistoryLabels,
    private readonly installedBy: string,
    private readonly runId: string,
  ) {
    this.h = label(labels.history);
    this.a = label(labels.audit);
  }

  private get database(): string {
    return this.client.databaseName;
  }

  private get constraintNames(): [string, string] {
    const suffix = `${this.labels.history}_${this.labels.lock}`.toLowerCase();
    return [`neomig_version_${suffix}`, `neomig_lock_${suffix}`];
  }

  /** neomig's own constraints: one read when they exist (every run but the first), created otherwise. */
  async ensureSchema(): Promise<void> {
    const [version, lock] = this.constraintNames;
    const found = await this.client.autoCommit('SHOW CONSTRAINTS YIELD name WHERE name IN $names RETURN count(*) AS n', { names: [version, lock] }, 'read');
    if (Number(found.records[0]?.get('n')) === 2) return;
    await this.client.writeAll([
      `CREATE CONSTRAINT ${version} IF NOT EXISTS FOR (v:${this.h}) REQUIRE (v.database, v.version) IS UNIQUE`,
      `CREATE CONSTRAINT ${lock} IF NOT EXISTS FOR (l:${label(this.labels.lock)}) REQUIRE l.name IS UNIQUE`,
    ]);
  }

  /** The query that reads the history (so it can travel with the lock's; see prime()). */
  readQuery(): Query {
    return {
      cypher: `MATCH (v:${this.h}) WHERE v.database = $database
       RETURN v {.*, installedAt: toString(v.installedAt), checkpointAhead: ${loopProgressProjection('v')}} AS v ORDER BY v.version`,
      params: { database: this.database },
    };
  }

  /** Rows of readQuery() read together with something else; the next readAll() returns them. */
  prime(rows: Row[]): void {
    this.primed = this.fromRows(rows);
  }

  async readAll(): Promise<AppliedMigration[]> {
    const primed = this.primed;
    this.primed = undefined;
    if (primed) return primed;
    const q = this.readQuery();
    const result = await this.client.autoCommit(q.cypher, q.params, 'read');
    return this.fromRows(result.records.map((r) => r.toObject()));
  }

  private fromRows(rows: Row[]): AppliedMigration[] {
    return rows.map((r) => toApplied(r['v'] as Row));
  }

  /** Whether this run has recorded that `version` started (its entry is written, status failed/interrupted). */
  hasStarted(version: string): boolean {
    return this.entryWritten.has(version);
  }

  /** The record written before a step that spans several transactions: if the process dies mid-step, the history says so. */
  startWrite(entry: HistoryEntry, checkpoint: Checkpoint | null = null): HistoryWrite {
    return this.entryWriteFor(entry, {
      status: 'failed',
      partialChanges: 'unknown',
      errorCode: null,
      errorMessage: `interrupted: the run ${this.runId} started this up and did not finish`,
      // a run that resumes keeps the checkpoint it resumes from; any other starts without one
      checkpoint: checkpoint ? encodeCheckpoint(checkpoint) : null,
    }, { action: 'start', detail: 'up' });
  }

  /** The checkpoint recorded for `version` now (a batch whose commit went unanswered may have committed). */
  async readCheckpoint(version: string): Promise<Checkpoint | null> {
    const q = this.readQuery();
    const rows = await this.client.autoCommit(q.cypher, q.params, 'read');
    const v = rows.records.map((r) => r.get('v') as Row).find((x) => String(x['version']) === version);
    return v ? checkpointOf(v) : null;
  }

  /** `record`: what fingerprints, statements and ctx.batch() add (see StepRecord); an absent one clears an earlier run's. */
  appliedWrite(entry: HistoryEntry, durationMs: number, counters: Counters, record: StepRecord = {}): HistoryWrite {
    const changes = record.changes ? JSON.stringify(record.changes) : null;
    const statementCounters = record.statementCounters ? JSON.stringify(record.statementCounters) : null;
    const outcome = {
      status: 'applied', partialChanges: null, errorCode: null, errorMessage: null, executionTimeMs: durationMs,
      counters: JSON.stringify(counters), changes, downChanges: null, statementCounters,
      checkpoint: record.checkpoint ? encodeCheckpoint(record.checkpoint) : null,
    };
    return this.entryWriteFor(entry, outcome, { action: 'up', durationMs, changes });
  }

  failedWrite(entry: HistoryEntry, durationMs: number, partialChanges: PartialChanges, errorCode: string | undefined, errorMessage: string): HistoryWrite {
    const outcome: Record<string, unknown> = { status: 'failed', partialChanges, errorCode: errorCode ?? null, errorMessage, executionTimeMs: durationMs };
    // its down undid what the checkpoint describes: the next up starts over
    if (partialChanges === 'undone') outcome['checkpoint'] = null;
    return this.entryWriteFor(entry, outcome, { action: 'failed', durationMs, errorCode, errorMessage, detail: `partial changes: ${partialChanges}` });
  }

  /** An `assume` did not hold: recorded `skipped` (with the whole entry, so status shows what it is). */
  skippedWrite(entry: HistoryEntry, reasons: string[]): HistoryWrite {
    const reason = reasons.join('; ');
    const outcome = { status: 'skipped', skipReason: reason, partialChanges: null, errorCode: null, errorMessage: null, executionTimeMs: 0, counters: '{}' };
    return this.entryWriteFor(entry, outcome, { action: 'skipped', detail: reason });
  }

  /** `neomig resolve`: a decision recorded by hand (props of the entry, or the whole entry), audited. */
  async resolve(version: string, props: Record<string, unknown>, detail: string, stamp: boolean): Promise<void> {
    await this.save([this.write(version, props, { action: 'resolve', detail }, stamp)]);
  }

  /**
   * `neomig delete`: removes a version's entry. Its audit events stay (they carry database and version),
   * detached from the deleted node, and one more event says who deleted it, why, and what it said.
   */
  async deleteEntry(version: string, detail: string): Promise<boolean> {
    const { event } = this.write(version, {}, { action: 'delete', detail }, false);
    const result = await this.client.autoCommit(
      `MATCH (v:${this.h} {database: $database, version: $version})
       CREATE (e:${this.a}) SET e = $event, e.at = datetime()
       DETACH DELETE v
       RETURN count(*) AS n`,
      { database: this.database, version, event },
    );
    return Number(result.records[0]?.get('n') ?? 0) > 0;
  }

  rolledBackWrite(version: string, durationMs: number, detail?: string, downChanges?: ChangeSet): HistoryWrite {
    const changes = downChanges ? JSON.stringify(downChanges) : null;
    const props = { status: 'rolled_back', partialChanges: null, executionTimeMs: durationMs, downChanges: changes };
    return this.write(version, props, { action: 'down', durationMs, detail, changes }, false);
  }

  /**
   * The pattern matching a version's entry as `neomig_entry`, for a query that writes progress on it
   * (a server-side batch loop), and its parameters (entryParams). The entry is found by its element id,
   * then checked: looked up by (database, version), Neo4j takes the uniqueness constraint's locking
   * seek in every batch's transaction, which cost about 5 % of a 1 M-node backfill.
   */
  entryPattern(): string {
    return `(neomig_entry) WHERE elementId(neomig_entry) = $neomigEntry AND neomig_entry:${this.h} AND neomig_entry.version = $neomigVersion`;
  }

  /** entryPattern's parameters for `version`'s entry as it is now (no entry: the pattern matches nothing). */
  async entryParams(version: string): Promise<Record<string, unknown>> {
    const result = await this.client.query(
      `MATCH (v:${this.h} {database: $database, version: $version}) RETURN elementId(v) AS id`,
      { database: this.database, version },
      'read',
    );
    return { neomigEntry: result.records[0]?.get('id') ?? null, neomigVersion: version };
  }

  checkpointWrite(version: string, checkpoint: Checkpoint): HistoryWrite {
    return { ...this.write(version, { checkpoint: encodeCheckpoint(checkpoint) }, { action: 'up' }, false), event: null };
  }

  /** Writes in one query: inside `run`'s transaction when given (call the returned function once it
   *  committed), else auto-committed on its own. */
  async save(writes: HistoryWrite[], run?: TransactionRun): Promise<() => void> {
    const query = {
      cypher: `UNWIND $writes AS w
       MERGE (v:${this.h} {database: $database, version: w.version})
       SET v += w.props
       FOREACH (_ IN CASE WHEN w.stamp THEN [1] ELSE [] END | SET v.installedBy = $by, v.installedAt = datetime())
       REMOVE v.reversed
       FOREACH (_ IN CASE WHEN w.event IS NULL THEN [] ELSE [1] END |
         CREATE (v)-[:HAS_EVENT]->(e:${this.a}) SET e = w.event, e.at = datetime())`,
      params: { writes: writes.map(({ version, props, stamp, event }) => ({ version, props: withLoopCleared(props), stamp, event })), database: this.database, by: this.installedBy },
    };
    if (run) await run(query.cypher, query.params);
    else await this.client.autoCommit(query.cypher, query.params);
    const committed = () => writes.forEach((w) => w.full && this.entryWritten.add(w.version));
    if (!run) committed();
    return committed;
  }

  async recordStart(entry: HistoryEntry, checkpoint: Checkpoint | null = null): Promise<void> {
    await this.save([this.startWrite(entry, checkpoint)]);
  }

  async markRolledBack(version: string, durationMs: number, detail?: string, downChanges?: ChangeSet): Promise<void> {
    await this.save([this.rolledBackWrite(version, durationMs, detail, downChanges)]);
  }

  /** A down that failed leaves the entry applied; only the audit trail learns of it. */
  async auditDownFailed(version: string, durationMs: number, errorCode: string | undefined, errorMessage: string): Promise<void> {
    await this.save([this.write(version, {}, { action: 'down_failed', durationMs, errorCode, errorMessage }, false)]);
  }

  /** `changes`: the schema the database had, which the baselined versions made (for drift) */
  async recordBaseline(version: string, description: string, changes?: ChangeSet): Promise<void> {
    const entry: HistoryEntry = {
      version,
      description,
      type: 'baseline',
      script: '<< baseline >>',
      checksum: null,
      downScript: null,
      downScriptName: null,
      downChecksum: null,
      dependsOn: [],
      irreversible: true,
      transaction: 'auto',
    };
    const outcome = { status: 'baseline', partialChanges: null, executionTimeMs: 0, counters: '{}', ...(changes ? { changes: JSON.stringify(changes) } : {}) };
    await this.save([this.entryWriteFor(entry, outcome, { action: 'baseline' })]);
  }

  /** repair: set new properties on an entry and say why in the audit trail. */
  async repair(version: string, props: Record<string, unknown>, detail: string): Promise<void> {
    await this.save([this.write(version, props, { action: 'repair', detail }, false)]);
  }

  /** An audit event about a version whose entry exists (the entry itself is left as it is). */
  auditWrite(version: string, action: AuditAction, detail: string): HistoryWrite {
    return this.write(version, {}, { action, detail }, false);
  }

  /**
   * After `up --restore-on-failure` brought the history back to the snapshot's: `entry`, which this run
   * changed, as the restore left it: its changes undone (`failure`: the step that failed, recorded failed
   * with its error; any other is rolled back), with the restore as its event.
   */
  restoredWrite(entry: HistoryEntry, detail: string, failure?: { errorCode?: string; errorMessage: string }): HistoryWrite {
    const outcome = failure
      ? { status: 'failed', partialChanges: 'undone', errorCode: failure.errorCode ?? null, errorMessage: failure.errorMessage, checkpoint: null }
      : { status: 'rolled_back', partialChanges: null, checkpoint: null };
    return this.entryWriteFor(entry, outcome, { action: 'restore', detail });
  }

  /** This run's audit events (each with its version), oldest first: a restore must not erase them. */
  async runEvents(): Promise<RunEvent[]> {
    const result = await this.client.query(
      `MATCH (v:${this.h} {database: $database})-[:HAS_EVENT]->(e:${this.a}) WHERE e.runId = $runId
       RETURN v.version AS version, properties(e) AS event ORDER BY e.at, id(e)`,
      { database: this.database, runId: this.runId },
      'read',
    );
    return result.records.map((r) => ({ version: r.get('version') as string, event: r.get('event') as Record<string, unknown> }));
  }

  /** Which of `versions` have an entry. */
  async existing(versions: string[]): Promise<Set<string>> {
    const result = await this.client.query(
      `MATCH (v:${this.h} {database: $database}) WHERE v.version IN $versions RETURN v.version AS version`,
      { database: this.database, versions },
      'read',
    );
    return new Set(result.records.map((r) => r.get('version') as string));
  }

  /** `writes`, then `events` (read by runEvents before a restore) put back on their entries as they were, in one transaction. */
  async saveWithEvents(writes: HistoryWrite[], events: RunEvent[]): Promise<void> {
    const confirm = await this.client.writeTransaction(async (run) => {
      const confirm = await this.save(writes, run);
      await run(
        `UNWIND $events AS w MATCH (v:${this.h} {database: $database, version: w.version})
         CREATE (v)-[:HAS_EVENT]->(e:${this.a}) SET e = w.event`,
        { events, database: this.database },
      );
      return confirm;
    });
    confirm();
  }

  /** After a restore replaced the history: the next write of each entry sends it whole again. */
  forgetWritten(): void {
    this.entryWritten.clear();
  }

  /** A write of the entry's outcome, with the whole entry unless this run wrote it already. */
  private entryWriteFor(entry: HistoryEntry, outcome: Record<string, unknown>, event: AuditEvent): HistoryWrite {
    const full = !this.entryWritten.has(entry.version);
    return { ...this.write(entry.version, full ? { ...entry, ...outcome } : outcome, event, true), full };
  }

  // `reversed` (removed by save()) is the word earlier versions used for partialChanges
  private write(version: string, props: Record<string, unknown>, event: AuditEvent, stamp: boolean): HistoryWrite {
    return {
      version,
      full: false,
      props,
      stamp,
      event: {
        database: this.database,
        version,
        action: event.action,
        by: this.installedBy,
        runId: this.runId,
        durationMs: event.durationMs ?? null,
        errorCode: event.errorCode ?? null,
        errorMessage: event.errorMessage ?? null,
        detail: event.detail ?? null,
        changes: event.changes ?? null,
        snapshot: this.snapshot ?? null,
      },
    };
  }
}

/** A write of the JSON checkpoint supersedes what a batch loop recorded after the last one (see withLoopProgress). */
function withLoopCleared(props: Record<string, unknown>): Record<string, unknown> {
  if (!('checkpoint' in props)) return props;
  return { ...props, ...Object.fromEntries(LOOP_PROPERTIES.map((p) => [p, null])), checkpointAhead: null };
}

/** An entry's checkpoint: its JSON, with what a server-side batch loop recorded after it. */
function checkpointOf(v: Row): Checkpoint | null {
  const text = v['checkpoint'] === undefined || v['checkpoint'] === null ? null : String(v['checkpoint']);
  return withLoopProgress(parseCheckpoint(text), v['checkpointAhead'], v['checkpointDone']);
}

/** An entry as read, including entries written by earlier neomig versions (which said `reversed`). */
export function toApplied(v: Row): AppliedMigration {
  const str = (k: string): string | null => (v[k] === null || v[k] === undefined ? null : String(v[k]));
  let counters: Counters = {};
  try {
    counters = JSON.parse(str('counters') ?? '{}') as Counters;
  } catch {
    counters = {};
  }
  const status = (str('status') ?? 'applied') as AppliedStatus;
  const errorMessage = str('errorMessage');
  return {
    version: String(v['version']),
    description: str('description') ?? '',
    type: (str('type') ?? 'cypher') as AppliedMigration['type'],
    script: str('script') ?? '',
    checksum: str('checksum'),
    status,
    installedBy: str('installedBy') ?? '',
    installedAt: str('installedAt') ?? '',
    executionTimeMs: Number(v['executionTimeMs'] ?? 0),
    counters,
    downScript: str('downScript'),
    downScriptName: str('downScriptName'),
    downChecksum: str('downChecksum'),
    dependsOn: Array.isArray(v['dependsOn']) ? (v['dependsOn'] as unknown[]).map(String) : [],
    irreversible: v['irreversible'] === true,
    transaction: (str('transaction') ?? 'auto') as TransactionMode,
    partialChanges: status === 'failed' ? ((str('partialChanges') as PartialChanges | null) ?? legacyPartialChanges(v['reversed'], errorMessage)) : null,
    errorCode: str('errorCode'),
    errorMessage,
    skipReason: status === 'skipped' ? str('skipReason') : null,
    changes: parseChangeSet(str('changes')),
    downChanges: parseChangeSet(str('downChanges')),
    statementCounters: parseJsonList<StatementCounters>(str('statementCounters')),
    checkpoint: checkpointOf(v),
  };
}

function parseJsonList<T>(text: string | null): T[] | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as T[]) : null;
  } catch {
    return null;
  }
}

/** Entries of earlier versions: `reversed: true` meant the down undid the failure; false, that it did not. */
function legacyPartialChanges(reversed: unknown, errorMessage: string | null): PartialChanges {
  if (reversed === true) return 'undone';
  return errorMessage?.startsWith('interrupted') ? 'unknown' : 'remain';
}
