import type { Driver } from 'neo4j-driver';
import type { MigrationState, PartialChanges, Target, TransactionGroup, ValidationIssue } from '../core/types.js';

import type { Counters, LockHolder, MigratorListener, ServerInfo } from '../core/vocabulary.js';
import type { HashOptions, HashResult } from './operations/hash.js';
import type { RefactorApi } from './refactor.js';

export type { HashOptions, HashResult } from './operations/hash.js';

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
  /** the plan, for dry runs */
  plan?: DryRunStep[];
}

export interface StatusResult {
  server: ServerInfo;
  current: string | null;
  migrations: MigrationState[];
  issues: ValidationIssue[];
  /** what is fine for now but will stop `up` (a migration still holding only its template) */
  warnings: ValidationIssue[];
  lock: LockHolder | null;
}

export interface ValidateResult {
  offline: boolean;
  migrations: number;
  issues: ValidationIssue[];
  /** what is fine for now but will stop `up` (a migration still holding only its template) */
  warnings: ValidationIssue[];
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
  /** dev mode: re-run changed, unreleased migrations (down then up) */
  allowChanged?: (version: string) => boolean;
  /** dev mode: the files this process applied (file -> checksum); vouches for their recorded downs, grows
   *  with what up applies, and those lines are written into neomig.sum when the folder has one */
  vouched?: Map<string, string>;
  /** run these versions' recorded downs even if neomig cannot vouch for them (after review; audited) */
  trustRecorded?: string[];
  /** why, for the audit event of trustRecorded */
  trustReason?: string;
}

export interface DownOptions {
  to?: Target;
  steps?: number;
  all?: boolean;
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
  on(listener: MigratorListener): () => void;
  close(): Promise<void>;
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
