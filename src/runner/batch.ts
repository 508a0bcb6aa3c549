/**
 * ctx.batch(): one query repeated in its own transactions until it reports 0 rows. Each call is a job with
 * its own label, clock, rate and (given a total) ETA, reported as `batch:progress` events; what its batches
 * change is added to the step's counters, so the history and the run summary carry it.
 */
import { type Neo4jClient, addCounters, countersOf, cypherInt } from '../neo4j/client.js';
import type { BatchProgressEvent, Counters } from '../core/vocabulary.js';
import { NeomigError } from '../errors.js';
import type { BatchOptions, BatchResult } from './types.js';

const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_MAX_BATCHES = 1_000_000;

export interface BatchJob {
  client: Neo4jClient;
  version: string;
  /** "batch <n>" when options.label is not given */
  ordinal: number;
  /** the step's counters, which this job adds to */
  stepCounters: Counters;
  emit: (event: BatchProgressEvent) => void;
  /** called after every committed batch (the step now has work to compensate for on failure) */
  onCommit: () => void;
  now?: () => number;
}

export async function runBatch(
  job: BatchJob,
  cypher: string,
  params: Record<string, unknown>,
  options: BatchOptions,
): Promise<BatchResult> {
  const { client, version } = job;
  const now = job.now ?? (() => performance.now());
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
  const label = options.label?.trim() || `batch ${job.ordinal}`;
  const queryParams = { ...params, batchSize: cypherInt(batchSize) };
  const started = now();
  const total = await expectedTotal(client, version, label, options, queryParams);
  const counters: Counters = {};
  let rows = 0;
  let batches = 0;
  const report = (phase: BatchProgressEvent['phase']) =>
    job.emit(progressEvent(version, label, phase, { rows, batches, total }, now() - started, counters));

  report('start');
  for (;;) {
    const result = await client.query(cypher, queryParams);
    job.onCommit();
    const changed = countersOf(result);
    addCounters(counters, changed);
    addCounters(job.stepCounters, changed);
    const processed = firstNumber(result.records[0]?.toObject());
    if (processed === undefined) {
      const what = 'must return the number of rows it processed as its first column';
      throw new NeomigError('MIGRATION_FAILED', `ctx.batch() query of ${version} (${label}) ${what}`, {
        version,
        hint: 'End the query with e.g. `RETURN count(*) AS processed`, and limit it with `LIMIT $batchSize`.',
      });
    }
    if (processed === 0) break;
    rows += processed;
    batches++;
    report('running');
    if (batches >= maxBatches) {
      const what = `did not finish within ${maxBatches} batches`;
      throw new NeomigError('MIGRATION_FAILED', `ctx.batch() in ${version} (${label}) ${what}`, {
        version,
        hint: 'The query must eventually process 0 rows: filter out rows it has already handled.',
      });
    }
  }
  report('done');
  return { rows, batches, elapsedMs: now() - started, counters };
}

/** The event for a job's state; rate and ETA are worked out here so every listener shows the same. */
export function progressEvent(
  version: string,
  label: string,
  phase: BatchProgressEvent['phase'],
  done: { rows: number; batches: number; total?: number },
  elapsedMs: number,
  counters: Counters,
): BatchProgressEvent {
  const { rows, batches, total } = done;
  const rowsPerSecond = elapsedMs > 0 ? (rows * 1000) / elapsedMs : 0;
  const event: BatchProgressEvent = {
    type: 'batch:progress', version, phase, label, batches, rows, elapsedMs, rowsPerSecond, counters: { ...counters },
  };
  if (total !== undefined) {
    event.total = total;
    if (phase === 'done') event.etaMs = 0;
    else if (rowsPerSecond > 0) event.etaMs = (Math.max(total - rows, 0) * 1000) / rowsPerSecond;
  }
  return event;
}

/** options.total, or what options.countQuery returns (run once, before the first batch). */
async function expectedTotal(
  client: Neo4jClient,
  version: string,
  label: string,
  options: BatchOptions,
  params: Record<string, unknown>,
): Promise<number | undefined> {
  if (options.total !== undefined) {
    if (!Number.isFinite(options.total) || options.total < 0) {
      const what = `total must be a number of rows, not ${String(options.total)}`;
      throw new NeomigError('MIGRATION_FAILED', `ctx.batch() in ${version} (${label}): ${what}`, {
        version,
        hint: 'Pass the number of rows the job will process, or a countQuery, or neither.',
      });
    }
    return options.total;
  }
  if (!options.countQuery) return undefined;
  const result = await client.query(options.countQuery, params, 'read');
  const total = firstNumber(result.records[0]?.toObject());
  if (total === undefined || result.records.length !== 1) {
    const what = 'must return one row whose first column is a number';
    throw new NeomigError('MIGRATION_FAILED', `ctx.batch() countQuery in ${version} (${label}) ${what}`, {
      version,
      hint: 'E.g. `MATCH (b:Book) WHERE b.slug IS NULL RETURN count(b)`.',
    });
  }
  return total;
}

function firstNumber(row: Record<string, unknown> | undefined): number | undefined {
  const value = row ? Object.values(row)[0] : 0;
  const n = Number(value ?? 0);
  return typeof value === 'boolean' || !Number.isFinite(n) ? undefined : n;
}
