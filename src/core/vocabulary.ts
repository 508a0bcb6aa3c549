import type { NeomigError } from '../errors.js';
import type { PartialChanges } from './types.js';

/** Counters Neo4j reported, summed over a step's statements (nodesCreated, indexesAdded, ...). */
export type Counters = Record<string, number>;

export interface ServerInfo {
  version: string;
  edition: 'community' | 'enterprise' | string;
  /** the database migrations run against */
  database: string;
}

export interface LockHolder {
  owner: string;
  host: string;
  pid: number;
  acquiredAt: string;
  heartbeatAt: string;
}

/** Progress a migrator reports while it works; the CLI renders these. */
export type MigratorEvent =
  | { type: 'connected'; server: ServerInfo }
  | { type: 'lock:waiting'; heldBy: LockHolder }
  | { type: 'lock:acquired'; owner: string; tookOverFrom?: LockHolder }
  | { type: 'lock:released'; owner: string }
  | { type: 'migration:start'; direction: 'up' | 'down'; version: string; description: string; file: string; reason?: 'compensate' | 'atomic' | 'requested' }
  | { type: 'statement:start'; version: string; index: number; total: number; line: number; text: string }
  | { type: 'statement:done'; version: string; index: number; counters: Counters; elapsedMs: number }
  | BatchProgressEvent
  | { type: 'validate'; version: string; query: string; valid: boolean }
  | { type: 'migration:done'; direction: 'up' | 'down'; version: string; elapsedMs: number; counters: Counters }
  | { type: 'migration:failed'; direction: 'up' | 'down'; version: string; error: NeomigError; partialChanges: PartialChanges }
  | { type: 'log'; level: 'info' | 'warn' | 'debug'; message: string; version?: string }
  /** an `assume` did not hold (or the migration depends on one that is skipped): not run, recorded `skipped` */
  | { type: 'migration:skipped'; version: string; description: string; file: string; reasons: string[] }
  /** a callback (a file in migrations/callbacks/ or a config.callbacks function) of a phase */
  | { type: 'callback:start'; phase: string; name: string }
  | { type: 'callback:done'; phase: string; name: string; elapsedMs: number }
  | { type: 'callback:failed'; phase: string; name: string; error: NeomigError }
  /** up's preflight (runner/preflight.ts): compiling the planned statements, checking new constraints */
  | { type: 'preflight:start'; migrations: number; statements: number }
  | { type: 'preflight:done'; compiled: number; notChecked: number; constraints: number; elapsedMs: number };

/** One ctx.batch() job: `start` before its first batch, `running` after each batch, `done` after the
 *  last. */
export interface BatchProgressEvent {
  type: 'batch:progress';
  version: string;
  phase: 'start' | 'running' | 'done';
  /** names this job: the `label` option, else "batch 1", "batch 2", ... per ctx.batch() call of the step */
  label: string;
  /** batches committed so far */
  batches: number;
  /** rows processed so far (the sum of what the batches returned), including those of the interrupted
   *  run this one resumes */
  rows: number;
  /** rows an interrupted run had done when this one resumed the job (not counted in the rate) */
  resumedRows?: number;
  /** since this ctx.batch() call started */
  elapsedMs: number;
  /** rows / elapsed seconds; 0 before the first batch */
  rowsPerSecond: number;
  /** rows expected in all, from the `total` or `countQuery` option */
  total?: number;
  /** time left at the current rate, when a total is known and a batch has run */
  etaMs?: number;
  /** what this job's batches changed so far (nodesCreated, propertiesSet, ...) */
  counters: Counters;
}

export type MigratorListener = (event: MigratorEvent) => void;
