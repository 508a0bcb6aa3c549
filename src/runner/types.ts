import type { Driver } from 'neo4j-driver';
import type { CallbackPhase } from '../core/callbacks.js';
import type { MigrationState, PartialChanges, Plan, Target, TransactionGroup, ValidationIssue } from '../core/types.js';

import type { ChangeSet } from '../core/fingerprint.js';
import type { CheckpointView } from '../core/checkpoint.js';
import type { RetryOptions } from '../core/retry.js';
import type { Counters, LockHolder, MigratorListener, ServerInfo } from '../core/vocabulary.js';
import type { HashOptions, HashResult } from './operations/hash.js';
import type { ResolveOptions, ResolveResult } from './operations/resolve.js';
import type { CheckOptions, CheckResult } from './operations/check.js';
import type { PreflightReport } from './preflight.js';
import type { ShowResult } from './operations/show.js';
import type { VerifyOptions, VerifyResult } from './operations/verify.js';
import type { RestoreOptions, RestoreResult } from './operations/restore.js';
import type { SnapshotOptions, SnapshotResult } from './operations/snapshot.js';
import type { DriftReport } from './schema/drift.js';
import type { SchemaDiffOptions, SchemaDiffResult } from './schema/diff.js';
import type { SchemaBaselineOptions, SchemaBaselineResult, SchemaPullResult } from './schema/pull.js';
import type { RefactorApi } from './refactor.js';

export type { HashOptions, HashResult } from './operations/hash.js';
export type { ResolveOptions, ResolveResult } from './operations/resolve.js';
export type { CheckOptions, CheckResult } from './operations/check.js';
export type { ShowResult, ShownStatement } from './operations/show.js';
export type { VerifiedMigration, VerifyOptions, VerifyOutcome, VerifyResult, VerifyTarget } from './operations/verify.js';
export type { RestoreOptions, RestoreResult } from './operations/restore.js';
export type { SnapshotOptions, SnapshotResult } from './operations/snapshot.js';
export type { DriftItem, DriftReport } from './schema/drift.js';
export type { SchemaDiffOptions, SchemaDiffResult, SchemaSource } from './schema/diff.js';
export type { SchemaBaselineOptions, SchemaBaselineResult, SchemaPullResult } from './schema/pull.js';
export type { CheckpointView } from '../core/checkpoint.js';
export type { RetryOptions } from '../core/retry.js';

// Shared with neo4j/, so defined below both.
export type {
  BatchProgressEvent, Counters, LockHolder, MigratorEvent, MigratorListener, ServerInfo,
} from '../core/vocabulary.js';

export interface StepReport {
  version: string;
  description: string;
  direction: 'up' | 'down';
  file: string;
  elapsedMs: number;
  counters: Counters;
  /** what the step changed (counts per label and type that moved, schema added or dropped), when
   *  fingerprints are on */
  changes?: ChangeSet;
}

export interface FailureReport {
  version: string;
  file: string;
  direction: 'up' | 'down';
  /** statement number and line that failed, when a statement failed (the line of the error when Neo4j
   *  named a position, with its column and the file line for a caret) */
  statement?: number;
  line?: number;
  column?: number;
  excerpt?: { text: string; caret: number };
  neo4jCode?: string;
  message: string;
  /** what became of the changes the failed migration made: none committed, undone by its down, or
   *  remaining (see PartialChanges) */
  partialChanges: PartialChanges;
  /** why its committed changes were not undone, when they were not */
  undoError?: string;
  /** what undid its changes, when not its down: the snapshot taken before the run (up --restore-on-failure) */
  undoneBy?: 'snapshot';
  /** its ctx.batch() jobs' progress ("149,000/200,000 rows"), when the next `up` resumes them from there */
  resumes?: string;
}

/** What a dry run shows for one step. */
export interface DryRunStep {
  version: string;
  description: string;
  direction: 'up' | 'down';
  file: string;
  type: 'cypher' | 'typescript';
  /** Cypher steps: the transactions that will run, in order */
  groups?: TransactionGroup[];
  validate?: string[];
}

/** A migration `up` did not run because an `assume` did not hold; recorded `skipped`. */
export interface SkippedReport {
  version: string;
  description: string;
  file: string;
  reasons: string[];
}

/** One callback that ran (or failed) during an operation. */
export interface CallbackReport {
  phase: string;
  /** its file (`callbacks/beforeMigrate__seed.cypher`) or `config.callbacks.<phase>[i]` */
  name: string;
  elapsedMs: number;
  ok: boolean;
  /** why it failed */
  error?: string;
}

export interface RunResult {
  command: 'up' | 'down';
  dryRun: boolean;
  /** the version the database was at before */
  from: string | null;
  /** the version it is at now */
  to: string | null;
  /** migrations this run applied and that stayed applied (up) or reversed on request (down) */
  applied: StepReport[];
  /** migrations this run applied and then rolled back (ran their downs) because a later one failed (atomic mode) */
  rolledBack: StepReport[];
  failed?: FailureReport;
  /** versions still pending after the run */
  pending: string[];
  /** up: migrations not run because an `assume` did not hold (recorded `skipped`; a dry run says which would be) */
  skipped?: SkippedReport[];
  /** callbacks that ran, in order */
  callbacks?: CallbackReport[];
  /** the plan, for dry runs */
  plan?: DryRunStep[];
  /** what up's preflight compiled and checked, for dry runs (absent with --no-preflight) */
  preflight?: PreflightReport;
  /** up --snapshot: the snapshot taken before the first migration, and what became of it */
  snapshot?: RunSnapshot;
}

export interface RunSnapshot {
  /** absolute path of the snapshot file */
  file: string;
  /** a failure the downs could not reverse was repaired by restoring the snapshot */
  restored: boolean;
  /** the command that restores it, when a failure needs it and it was not restored */
  restoreCommand?: string;
  /** why a restore was needed (or attempted) */
  reason?: string;
}

export interface StatusResult {
  server: ServerInfo;
  current: string | null;
  migrations: MigrationState[];
  issues: ValidationIssue[];
  /** what is fine for now but will stop `up` (a migration still holding only its template) */
  warnings: ValidationIssue[];
  lock: LockHolder | null;
  /** constraints and indexes created or dropped outside neomig (see core/schema-drift.ts) */
  drift?: DriftReport;
  /** a restore that did not finish: the database holds part of this snapshot (see neo4j/lock.ts) */
  restoreInterrupted?: { file: string; startedAt: string };
}

export interface ValidateResult {
  offline: boolean;
  /** beforeValidate callbacks that ran */
  callbacks?: CallbackReport[];
  migrations: number;
  issues: ValidationIssue[];
  /** what is fine for now but will stop `up` (a migration still holding only its template) */
  warnings: ValidationIssue[];
  /** with a database: constraints and indexes created or dropped outside neomig */
  drift?: DriftReport;
  /** config allowSchemaDrift: drift is a warning, not a failure */
  driftAllowed?: boolean;
}

export interface RepairAction {
  kind: 'checksum_realigned' | 'failed_resolved' | 'lock_released' | 'description_updated';
  version?: string;
  detail: string;
}

export interface RepairResult {
  dryRun: boolean;
  actions: RepairAction[];
}

export interface CleanResult {
  /** beforeClean / afterClean callbacks that ran */
  callbacks?: CallbackReport[];
  nodesDeleted: number;
  constraintsDropped: string[];
  indexesDropped: string[];
}

export interface BaselineResult {
  version: string;
  description: string;
}

export interface UpOptions {
  /** target version, or current | latest | next */
  to?: Target;
  dryRun?: boolean;
  /** override config.atomic */
  atomic?: boolean;
  /** override config.lock.timeoutSeconds */
  lockTimeoutSeconds?: number;
  /** override config.preflight: compile the planned statements and check new constraints first */
  preflight?: boolean;
  /** dev mode: re-run changed, unreleased migrations (down then up) */
  allowChanged?: (version: string) => boolean;
  /** dev mode: the files this process applied (file -> checksum); vouches for their recorded downs, grows
   *  with what up applies, and those lines are written into neomig.sum when the folder has one */
  vouched?: Map<string, string>;
  /** run these versions' recorded downs even if neomig cannot vouch for them (after review; audited) */
  trustRecorded?: string[];
  /** why, for the audit event of trustRecorded */
  trustReason?: string;
  /** take a snapshot before the first pending migration (default: config snapshot.beforeUp) */
  snapshot?: boolean;
  /** restore that snapshot when a failure cannot be reversed by the downs (default: config snapshot.restoreOnFailure) */
  restoreOnFailure?: boolean;
}

export interface DownOptions {
  to?: Target;
  steps?: number;
  all?: boolean;
  /** reverse every migration applied after this moment (milliseconds since the epoch) */
  before?: number;
  dryRun?: boolean;
  lockTimeoutSeconds?: number;
  /** run these versions' recorded downs even if neomig cannot vouch for them (after review; audited) */
  trustRecorded?: string[];
  /** why, for the audit event of trustRecorded */
  trustReason?: string;
}

/** The library API the CLI is built on. Every method opens and closes its own resources except the
 *  driver, which lives until close(). */
export interface Migrator {
  up(options?: UpOptions): Promise<RunResult>;
  down(options?: DownOptions): Promise<RunResult>;
  status(): Promise<StatusResult>;
  validate(options?: { offline?: boolean }): Promise<ValidateResult>;
  baseline(version: string, description?: string): Promise<BaselineResult>;
  repair(options?: { dryRun?: boolean }): Promise<RepairResult>;
  clean(): Promise<CleanResult>;
  /** rewrites migrations/neomig.sum from the files */
  hash(options?: HashOptions): Promise<HashResult>;
  /** records `applied` or `rolled_back` for a version without running anything (audited) */
  resolve(version: string, decision: 'applied' | 'rolled_back', options?: ResolveOptions): Promise<ResolveResult>;
  /** removes a version's history entry; its audit events stay */
  delete(version: string, options?: ResolveOptions): Promise<ResolveResult>;
  /** what pending migrations would meet in the data (constraint violations, counts, unbatched writes); changes nothing */
  check(options?: CheckOptions): Promise<CheckResult>;
  /** one migration in full: files, history entry, statements and counters, before/after delta, audit events */
  show(version: string): Promise<ShowResult>;
  /** applies, reverses and re-applies migrations on a disposable database; reports downs that leave changes */
  verify(options?: VerifyOptions): Promise<VerifyResult>;
  /** a logical snapshot of the database (graph, schema, history) in one compressed file */
  snapshot(options?: SnapshotOptions): Promise<SnapshotResult>;
  /** replaces the database's content with a snapshot's (needs cleanEnabled); checks the file first */
  restore(file: string, options?: RestoreOptions): Promise<RestoreResult>;
  /** the live constraints and indexes, and as Cypher */
  schemaPull(): Promise<SchemaPullResult>;
  /** writes the live schema as a migration pair and records it as the baseline */
  schemaBaseline(options: SchemaBaselineOptions): Promise<SchemaBaselineResult>;
  /** compares two schemas: live, a schema file, or the migrations replayed on a shadow database */
  schemaDiff(options: SchemaDiffOptions): Promise<SchemaDiffResult>;
  on(listener: MigratorListener): () => void;
  close(): Promise<void>;
}

/** What a TS callback (file or config.callbacks function) receives: a migration's ctx and the run's state. */
export interface CallbackContext extends MigrationContext {
  phase: CallbackPhase;
  /** the operation's plan, when it has one (up, down) */
  plan?: Plan;
  /** afterMigrate, afterMigrateError, afterDown: the operation's result so far */
  result?: RunResult | CleanResult | ValidateResult;
  /** afterMigrateError: the error that failed the run */
  error?: Error;
}

/** A logger given to TypeScript migrations; lines become `log` events. */
export interface MigrationLogger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface BatchOptions {
  /** rows per batch, available to the query as $batchSize (default 1000) */
  batchSize?: number;
  /** stop after this many batches (safety net against a query that never reaches 0) */
  maxBatches?: number;
  /** names this job in progress output (default "batch 1", "batch 2", ... per ctx.batch() call of the step) */
  label?: string;
  /** rows expected in all, for the percentage and ETA */
  total?: number;
  /** Cypher returning one number, the rows expected in all (run once, before the first batch, with the same
   *  params); an alternative to `total` */
  countQuery?: string;
  /** how transient errors (deadlocks, a lost connection) are retried: 5 times from 200 ms, doubling, up to 10 s */
  retry?: RetryOptions;
}

/** The key-ordered form of ctx.batch(): walks the rows of `match` in `key` order, `batchSize` per
 *  transaction, each batch recording the last key done in the migration's history entry. */
export interface KeyedBatchOptions extends Omit<BatchOptions, 'maxBatches'> {
  /** the nodes or relationships to walk, as a MATCH pattern: `(b:Book)`, `()-[r:WROTE]->()` */
  match: string;
  /** an optional filter on the pattern's variables: `b.slug IS NULL` */
  where?: string;
  /** the walk order: a property with an index (`b.isbn`; rows where it is null are not visited), or
   *  `elementId(b)` */
  key: string;
  /** Cypher run for each row of a batch, seeing the pattern's variables: `SET b.slug = toLower(b.title)` */
  update: string;
  /** parameters for match, where and update */
  params?: Record<string, unknown>;
  /** batches run at once, each in its own transaction (`CALL { } IN n CONCURRENT TRANSACTIONS`); default 1.
   *  Needs a property key; an update that writes nodes other batches write too can deadlock (retried). */
  concurrency?: number;
}

/** What ctx.batch() did. */
export interface BatchResult {
  rows: number;
  batches: number;
  elapsedMs: number;
  /** what its batches changed; also added to the migration's counters */
  counters: Counters;
}

/** What a TypeScript migration's up(ctx)/down(ctx) receives. */
export interface MigrationContext {
  /** runs a statement inside the step's transaction (grouped as `transaction` says); returns the rows */
  run<T = Record<string, unknown>>(cypher: string, params?: Record<string, unknown>): Promise<T[]>;
  /** repeats `cypher` (which must process at most $batchSize rows and return the processed count as
   *  its first column) in its own transactions until it returns 0; reports progress (rows, rows/s, ETA
   *  when a total is known); adds its counters to the migration's; commits the step's open transaction first */
  batch(cypher: string, params?: Record<string, unknown>, options?: BatchOptions): Promise<BatchResult>;
  /** walks `match` in `key` order, `batchSize` rows per transaction, running `update` on each; records a
   *  checkpoint with every batch, so an interrupted run resumes after its last committed batch */
  batch(job: KeyedBatchOptions): Promise<BatchResult>;
  /** how far the up's ctx.batch() jobs got, per job label: in a down, those of the up it reverses; in an
   *  up that resumes an interrupted run, that run's; else empty */
  checkpoint: Record<string, CheckpointView>;
  driver: Driver;
  database: string;
  log: MigrationLogger;
  server: ServerInfo;
  version: string;
  direction: 'up' | 'down';
  /** refactorings that write their own down: `await ctx.refactor.renameLabel({ from, to })` in up,
   *  `await ctx.refactor.renameLabel.down({ from, to })` in down (see README, Refactorings) */
  refactor: RefactorApi;
}
