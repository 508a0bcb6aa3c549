/**
 * The core's vocabulary: what a migration is on disk, what the history says about it, and what the
 * planner decides. Plain data only; nothing here touches Node I/O or the driver.
 */
import type { Checkpoint } from './checkpoint.js';
import type { ChangeSet } from './fingerprint.js';

/** How Neo4j must run a statement: schema commands and data writes never share a transaction,
 *  `CALL { ... } IN TRANSACTIONS` only runs in an implicit (auto-commit) transaction, and
 *  administration commands (users, roles, databases, privileges: routed to `system` by the server)
 *  share a transaction with neither. */
export type StatementKind = 'schema' | 'data' | 'periodic' | 'admin';

export interface Statement {
  /** 1-based position within its script */
  index: number;
  /** 1-based line in the file where the statement's first non-blank character stands */
  line: number;
  /** 1-based column of that character in its line */
  column?: number;
  /** the statement as sent to Neo4j: without its trailing `;`, comments kept, trimmed; with the
   *  `USE <db>` clause a `:use <db>` line asked for (see `use`) */
  text: string;
  kind: StatementKind;
  /** true for CREATE/DROP INDEX|CONSTRAINT: data steps after it should wait for indexes */
  changesIndexes: boolean;
  /** file line of the `:begin` whose explicit transaction holds this statement */
  block?: number;
  /** a `USE <database> ` clause neomig inserted into `text` at offset `at` (for a `:use` line) */
  use?: { database: string; at: number; length: number };
}

/** `auto`: group consecutive statements Neo4j accepts together; `migration`: one transaction for the
 *  whole script; `statement`: one managed transaction per statement; `implicit`: auto-commit each. */
export type TransactionMode = 'auto' | 'migration' | 'statement' | 'implicit';

export interface TransactionGroup {
  /** `managed`: an explicit transaction committed at the end; `implicit`: session.run auto-commit */
  tx: 'managed' | 'implicit';
  statements: Statement[];
  /** call db.awaitIndexes() after this group commits, before the next one runs */
  awaitIndexes: boolean;
}

export interface Requirements {
  /** semver range the server version must satisfy, e.g. ">=5.26" */
  neo4j?: string;
  edition?: 'community' | 'enterprise';
  /** procedure or function names that must exist, e.g. apoc.create.node */
  procedures?: string[];
  /** Cypher returning one row with one boolean, run in a read transaction; all must be true */
  query?: string | string[];
}

export interface MigrationMeta {
  description?: string;
  /** normalized versions this migration needs applied first */
  dependsOn: string[];
  /** preconditions that stop the run (exit 3) before anything runs when one is not met */
  requires?: Requirements;
  /** preconditions that skip this migration (recorded `skipped`, re-evaluated by later runs) */
  assume?: Requirements;
  /** Cypher queries each returning one row with a boolean column `valid` */
  validate: string[];
  transaction: TransactionMode;
  /** transaction timeout in milliseconds */
  timeoutMs?: number;
  /** no down on purpose; `down` past it refuses */
  irreversible: boolean;
  /** procedures this migration calls that Neo4j runs in schema mode (besides the known ones) */
  schemaProcedures?: string[];
}

export type MigrationType = 'cypher' | 'typescript';

export interface CypherScript {
  kind: 'cypher';
  /** file name relative to the migrations folder */
  file: string;
  /** the file's text as read (BOM removed) */
  text: string;
  statements: Statement[];
}

/** What a TypeScript/JavaScript migration module provides once loaded. The context type lives in the
 *  runner; the core only carries the functions. */
export interface TsHandlers {
  up: (ctx: never) => unknown;
  down?: (ctx: never) => unknown;
}

export interface TsScript {
  kind: 'typescript';
  file: string;
  /** module source, recorded with the applied entry so a rollback never depends on the file */
  source: string;
  handlers: TsHandlers;
}

export interface LocalMigration {
  /** normalized semver: "1.2.0"; for a repeatable its key `R__<description>` (core/repeatable.ts) */
  version: string;
  description: string;
  type: MigrationType;
  /** up script (for TS, the module) */
  up: CypherScript | TsScript;
  /** down script; for TS the same module when it exports down */
  down?: CypherScript | TsScript;
  /** checksum of the up script (normalized statements, or TS source) */
  checksum: string;
  /** checksum of the down script, if any */
  downChecksum?: string;
  meta: MigrationMeta;
  /** true when the up holds no statement yet (a fresh template): a warning for status and validate,
   *  refused by up */
  empty?: boolean;
  /** an `R__` migration: run after the versioned ones, again whenever its checksum changes */
  repeatable?: boolean;
}

/** `skipped`: an `assume` precondition was false; later runs evaluate it again and apply it once true. */
export type AppliedStatus = 'applied' | 'failed' | 'rolled_back' | 'baseline' | 'skipped';

/**
 * For a `failed` entry, what became of the changes the failed run made:
 * - `none`: nothing was committed (its transaction rolled back), the database is as before;
 * - `undone`: parts had committed, and its down undid them;
 * - `remain`: parts committed and are still in the database (its down failed, or it has none);
 * - `unknown`: the run stopped mid-way (killed, connection lost) after parts may have committed.
 * `up` retries a failure whose changes are `none` or `undone`; the others need a look and `neomig repair`.
 */
export type PartialChanges = 'none' | 'undone' | 'remain' | 'unknown';

/** A failure that left nothing behind, so `up` may simply run the migration again. */
export function leftNothing(changes: PartialChanges | null | undefined): boolean {
  return changes === 'none' || changes === 'undone';
}

/** The end of "X failed and ...", for a failure that may have left changes behind. */
export function remainText(changes: PartialChanges | null | undefined): string {
  return changes === 'unknown'
    ? 'its run stopped mid-way, so some of its changes may have committed'
    : 'some of its changes committed and were not undone';
}

/** One :SchemaVersion node as the runner reads it back. */
export interface AppliedMigration {
  version: string;
  description: string;
  type: MigrationType | 'baseline';
  script: string;
  checksum: string | null;
  status: AppliedStatus;
  installedBy: string;
  /** ISO-8601 */
  installedAt: string;
  executionTimeMs: number;
  counters: Record<string, number>;
  /** the down script recorded with the up: Cypher text, or the TS module source */
  downScript: string | null;
  downScriptName: string | null;
  /** the checksum recorded with the down script (absent on entries read by older code) */
  downChecksum?: string | null;
  dependsOn: string[];
  irreversible: boolean;
  /** the transaction mode the up ran with; the recorded down runs with the same */
  transaction: TransactionMode;
  /** for `failed`: what became of the changes the failed run made (null for other statuses) */
  partialChanges: PartialChanges | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** for `skipped`: the assumptions that did not hold */
  skipReason?: string | null;
  /** what the up changed (labels/types counts, schema items), when fingerprints were on; see core/fingerprint.ts */
  changes?: ChangeSet | null;
  /** what its down changed, when it was last reversed with fingerprints on (cleared when applied again) */
  downChanges?: ChangeSet | null;
  /** the counters of each statement of a Cypher up, as the last apply recorded them */
  statementCounters?: StatementCounters[] | null;
  /** how far its ctx.batch() jobs got (see core/checkpoint.ts); null when it ran none */
  checkpoint?: Checkpoint | null;
}

/** One statement's counters as recorded: its 1-based index in the script and its line. */
export interface StatementCounters {
  index: number;
  line: number;
  counters: Record<string, number>;
}

/** The reconciled state of one version (see reconcile()). */
export type MigrationStatus =
  /** a local file with no applied entry, or one rolled back: `up` will run it */
  | 'pending'
  | 'applied'
  | 'baseline'
  /** the last run failed; `partialChanges` on the entry says whether it left changes behind */
  | 'failed'
  /** lower than the baseline version: never run */
  | 'below_baseline'
  /** reversed by `down`, and its file is gone: nothing left to run */
  | 'rolled_back'
  /** an `assume` was false when a run planned it; `up` evaluates it again */
  | 'skipped'
  /** a repeatable whose file changed since it last ran: `up` runs it again */
  | 'outdated';

export interface MigrationState {
  version: string;
  description: string;
  status: MigrationStatus;
  local?: LocalMigration;
  applied?: AppliedMigration;
  /** applied, local file present, checksums differ */
  checksumChanged: boolean;
  /** an applied/failed/baseline entry with no local file */
  fileMissing: boolean;
  /** pending while a higher version is already applied */
  outOfOrder: boolean;
  /** an `R__` repeatable (keyed `R__<description>`, not a version; see core/repeatable.ts) */
  repeatable?: boolean;
}

/** `--to` for up and down: a version, or one of the keywords. */
export type Target = string | 'current' | 'latest' | 'next';

export interface PlanStep {
  version: string;
  direction: 'up' | 'down';
  description: string;
  /** up: the local migration to run */
  migration?: LocalMigration;
  /** down: the entry whose recorded down runs (and the local file, when present) */
  applied?: AppliedMigration;
}

export interface Plan {
  direction: 'up' | 'down';
  steps: PlanStep[];
  /** the version the database will be at when the plan completes (null: nothing applied) */
  targetVersion: string | null;
  /** the version the database is at now (null: nothing applied) */
  currentVersion: string | null;
}

/** A problem found by validation; the runner turns a list of these into one NeomigError. */
export interface ValidationIssue {
  kind:
    | 'checksum_changed'
    | 'file_missing'
    | 'out_of_order'
    | 'failed_changes_remain'
    | 'dependency_missing'
    | 'dependency_cycle'
    | 'dependency_order'
    | 'dependency_stranded'
    | 'down_missing'
    | 'precondition'
    /** a file differs from its line in neomig.sum, has none, or neomig.sum itself is damaged */
    | 'integrity'
    /** a history entry's recorded text no longer matches the checksum recorded with it */
    | 'tampered'
    /** a warning, not a problem: the up still holds no statement */
    | 'still_template';
  version: string;
  file?: string;
  message: string;
}
