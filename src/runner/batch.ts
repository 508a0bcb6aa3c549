/**
 * ctx.batch(): a job of batches, each in its own transaction with the job's checkpoint written in that
 * same transaction (runner/journal.ts). Two forms:
 * - key-ordered (`ctx.batch({ match, key, update })`): each batch takes the next rows after the last key
 *   done, so no batch reads rows done before it (core/batch-query.ts) and a resumed job continues
 *   exactly after its last committed batch; with `concurrency` > 1 its batches are key ranges that
 *   commit in any order (core/batch-query.ts keyedRangesCypher), each recording itself done; by element
 *   id, each batch seeks the next range of internal ids (idLoopCypher);
 * - loop (`ctx.batch(cypher, params, options)`): one query repeated until it reports 0 rows, for
 *   statements that find their own next rows (a resumed loop job simply loops again).
 * Each job has its own label, clock, rate and (given a total) ETA, reported as `batch:progress` events;
 * what its batches change is added to the step's counters. Transient errors are retried with backoff
 * (core/retry.ts); any other error stops the job with its checkpoint recorded.
 */
import type { QueryResult, Session } from 'neo4j-driver';
import {
  type KeyedBatchCypher, type KeyedBatchSpec, LOOP_SETS_PER_BATCH, MAX_CHUNK_ROWS, idLoopCypher, keyIsUnique,
  keyedBatchCypher, keyedLoopCypher, keyedRangesCypher, nextIdWidth, nextLoopBatches, rangeBoundsCypher,
} from '../core/batch-query.js';
import { type CheckpointKey, type JobCheckpoint, checkpointKey, keyBelow } from '../core/checkpoint.js';
import { type RetryOptions, backoffDelay, isTransient, retryPolicy } from '../core/retry.js';
import type { BatchProgressEvent, Counters, MigratorEvent } from '../core/vocabulary.js';
import { NeomigError, isNeomigError } from '../errors.js';
import { batchTransaction, streamColumn } from '../neo4j/batch-tx.js';
import { readSchema } from '../neo4j/catalog.js';
import { type Neo4jClient, type TransactionRun, addCounters, countersOf, cypherInt } from '../neo4j/client.js';
import { errorMessage, neo4jCode } from '../neo4j/errors.js';
import type { BatchJournal } from './journal.js';
import type { BatchOptions, BatchResult, KeyedBatchOptions } from './types.js';

const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_MAX_BATCHES = 1_000_000;
/** Batches a concurrent job may run at once (CALL { } IN n CONCURRENT TRANSACTIONS). */
const MAX_CONCURRENCY = 64;

export interface BatchJob {
  client: Neo4jClient;
  version: string;
  /** the job's place among the step's ctx.batch() calls; "batch <n>" when options.label is not given */
  ordinal: number;
  /** the step's counters, which this job adds to */
  stepCounters: Counters;
  emit: (event: MigratorEvent) => void;
  /** called after every committed batch (the step now has work to compensate for on failure) */
  onCommit: () => void;
  journal: BatchJournal;
  /** commits what the step has open, running `write` (the job's first checkpoint) in that transaction
   *  when it can; `first`: nothing of the step committed yet, so the write records its start too */
  begin: (write: (run: TransactionRun, first: boolean) => Promise<() => void>) => Promise<void>;
  timeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** One batch to run: its query, and how to read what it did from its result. */
interface BatchPlan {
  cypher: string;
  params: Record<string, unknown>;
  read: (result: QueryResult) => { rows: number; lastKey: CheckpointKey | null; last: boolean };
}

interface JobSpec {
  label: string;
  options: { total?: number; countQuery?: string; retry?: RetryOptions; maxBatches?: number };
  countParams: Record<string, unknown>;
  /** the job's count query when neither total nor countQuery is given */
  defaultCount?: string;
  /** the job's own count when neither is given, when it has one (instead of defaultCount) */
  total?: () => Promise<number>;
  /** the job as it continues from what an earlier run recorded */
  fromRecord?: (recorded: JobCheckpoint) => JobCheckpoint;
  /** which rows of that count the job may not walk (a job that processed fewer is warned about) */
  notWalked?: string;
  /** the next batch after `state`; called once per batch (retries reuse it) */
  next: (state: JobCheckpoint) => Promise<BatchPlan>;
  /** the server-side form: up to `batches` batches after `after` in one query (see keyedLoopCypher) */
  loop?: (state: JobCheckpoint, after: CheckpointKey, batches: number, session: Session) => Promise<LoopResult>;
  /** where the server-side form starts a job with no key yet: a key below its smallest (null: no rows,
   *  or none is below it; the client runs the first batch then) */
  loopStart?: () => Promise<CheckpointKey | null>;
  /** batches per query of the server-side form */
  loopBatches?: number;
  close?: () => Promise<void>;
}

/** What one query of the server-side form did. */
interface LoopResult {
  rows: number;
  batches: number;
  lastKey: CheckpointKey | null;
  done: boolean;
  counters: Counters;
}

/** Rows of the first query of the server-side form; later ones are sized by time (nextLoopBatches). */
const LOOP_ROWS = 100_000;

/** The loop form: `cypher` repeated in its own transactions until it returns 0. */
export async function runBatch(
  job: BatchJob,
  cypher: string,
  params: Record<string, unknown>,
  options: BatchOptions,
): Promise<BatchResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const label = options.label?.trim() || `batch ${job.ordinal}`;
  const queryParams = { ...params, batchSize: cypherInt(batchSize) };
  const read = (result: QueryResult) => {
    const processed = firstNumber(result.records[0]?.toObject());
    if (processed === undefined) {
      const what = 'must return the number of rows it processed as its first column';
      throw new NeomigError('MIGRATION_FAILED', `ctx.batch() query of ${job.version} (${label}) ${what}`, {
        version: job.version,
        hint: 'End the query with e.g. `RETURN count(*) AS processed`, and limit it with `LIMIT $batchSize`.',
      });
    }
    return { rows: processed, lastKey: null, last: processed === 0 };
  };
  return runJob(job, {
    label,
    options: { ...options, maxBatches: options.maxBatches ?? DEFAULT_MAX_BATCHES },
    countParams: queryParams,
    next: async () => ({ cypher, params: queryParams, read }),
  });
}

/** The key-ordered form: the rows of `match` in `key` order, `batchSize` per transaction. */
export async function runKeyedBatch(job: BatchJob, spec: KeyedBatchOptions): Promise<BatchResult> {
  const label = spec.label?.trim() || `batch ${job.ordinal}`;
  const fail = (what: string, hint: string) =>
    new NeomigError('MIGRATION_FAILED', `ctx.batch() in ${job.version} (${label}): ${what}`, { version: job.version, hint });
  const checked = keyedBatchCypher(spec as KeyedBatchSpec);
  if (typeof checked === 'string') {
    throw fail(checked, 'E.g. ctx.batch({ match: "(b:Book)", key: "b.isbn", update: "SET b.slug = toLower(b.title)" }).');
  }
  // equal keys need batches that take them whole (a second seek per batch), unless the pattern and a
  // constraint (or element ids) rule them out
  const constraints = checked.by === 'property' ? await readSchema(job.client).catch(() => []) : [];
  const unique = keyIsUnique(spec as KeyedBatchSpec, constraints);
  const cypher = unique ? (keyedBatchCypher(spec as KeyedBatchSpec, true) as KeyedBatchCypher) : checked;
  const batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw fail(`batchSize must be a whole number of at least 1, not ${batchSize}`, 'E.g. batchSize: 10000.');
  }
  const params = { ...(spec.params ?? {}), neomigBatchSize: cypherInt(batchSize), batchSize: cypherInt(batchSize) };
  const lastOf = (result: QueryResult): CheckpointKey | null => {
    const row = result.records[0];
    const last = row?.get('last') as string | null;
    if (last === null || last === undefined) return null;
    const key = checkpointKey(last, row!.get('lastType') as string | null);
    if (typeof key === 'string') {
      const variable = spec.key.replace(/\..*$/, '');
      throw fail(`${key}; a key is an INTEGER, FLOAT or STRING property`,
        `Walk by a property of one of those types with an index, or by elementId(${variable}).`);
    }
    return key;
  };
  // a key has one type: `key > last` is null for a row whose key is null or of another type
  const notWalked = cypher.by === 'property'
    ? `rows whose ${spec.key.trim()} is null, or of another type than its first key's (a key has one type), are left out`
    : undefined;
  const base = { label, options: spec, countParams: params, defaultCount: cypher.count, notWalked };

  const concurrency = spec.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw fail(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, not ${concurrency}`, 'E.g. concurrency: 4 (batches at once).');
  }
  if (concurrency > 1 && cypher.by !== 'property') {
    throw fail('concurrency needs a key that is a property with an index', 'Walk by an indexed property (e.g. b.isbn), or leave concurrency out.');
  }

  if (cypher.by === 'property') {
    const entry = job.journal.loopEntry;
    const rangesCypher = entry && concurrency > 1 ? keyedRangesCypher(spec as KeyedBatchSpec, entry.pattern, concurrency) : null;
    const ranges = rangesCypher ? concurrentRanges(job, { ranges: rangesCypher, bounds: rangeBoundsCypher(spec as KeyedBatchSpec)! }, entry!.params, params, batchSize, fail) : undefined;
    const loopCypher = entry ? keyedLoopCypher(spec as KeyedBatchSpec, entry.pattern, unique) : null;
    const loop: NonNullable<JobSpec['loop']> = async (state, after, batches, session) => {
      const result = await job.client.implicit(session, loopCypher!, {
        ...params,
        ...(await progressParams(job, entry!.params, state)),
        neomigBatches: cypherInt(batches),
        neomigAfter: keyParam(after),
      });
      const row = result.records[0];
      const done = Number(row?.get('batches') ?? 0);
      const lastRows = Number(row?.get('lastRows') ?? 0);
      return {
        rows: rowsOf(result),
        batches: done,
        lastKey: lastOf(result),
        done: done < batches || lastRows < batchSize,
        // each batch also set the entry's loop properties: those are not the job's
        counters: withoutProperties(countersOf(result), LOOP_SETS_PER_BATCH * done),
      };
    };
    return runJob(job, {
      ...base,
      ...(loopCypher ? {
        loop: ranges ?? loop,
        // the entry's element id is looked up alongside (the entry exists by now: the job has begun)
        loopStart: async () => keyBelow(lastOf((await Promise.all([job.client.query(cypher.firstKey!, params, 'read'), entry!.params()]))[0])),
      } : {}),
      // the concurrent form's ranges run `concurrency` at a time: its first query is that many times longer
      loopBatches: Math.max(1, Math.ceil((LOOP_ROWS * (rangesCypher ? concurrency : 1)) / batchSize)),
      next: async (state) => ({
        cypher: state.lastKey ? cypher.next! : cypher.first!,
        params: state.lastKey ? { ...params, neomigAfter: keyParam(state.lastKey) } : params,
        read: (result) => {
          const rows = rowsOf(result);
          return { rows, lastKey: lastOf(result), last: rows < batchSize };
        },
      }),
    });
  }

  // by element id: id ranges, on the server, or from the client; a job an earlier neomig began leaves out
  // the rows it did (the queries that do so are built only then)
  const entry = job.journal.loopEntry;
  const walk = idWalk(job, cypher, params, batchSize);
  // an earlier neomig walked element ids in text order: the rows up to its last one are left out
  const fromRecord = (state: JobCheckpoint): JobCheckpoint =>
    (state.lastKey?.type === 'STRING' ? { ...state, lastKey: null, before: state.lastKey.value } : state);
  const recorded = job.journal.recorded(job.ordinal, label);
  const resumesOld = recorded !== undefined && fromRecord(recorded).before !== undefined;
  const rangeCypher = resumesOld ? (keyedBatchCypher(spec as KeyedBatchSpec, unique, true) as KeyedBatchCypher).range! : cypher.range!;
  const loopCypher = entry ? idLoopCypher(spec as KeyedBatchSpec, entry.pattern, unique, resumesOld) : null;
  const done: BatchPlan = { cypher: 'RETURN 0 AS rows', params: {}, read: () => ({ rows: 0, lastKey: null, last: true }) };
  return runJob(job, {
    ...base,
    fromRecord,
    total: async () => (await walk.bounds()).rows,
    ...(loopCypher ? {
      loop: async (state, after, batches, session) => {
        const { hi } = await walk.bounds();
        const width = walk.width;
        const result = await job.client.implicit(session, loopCypher, {
          ...params,
          ...(await progressParams(job, entry!.params, state)),
          ...walk.params(state, width),
          neomigBatches: cypherInt(batches),
          neomigAfter: keyParam(after),
          neomigHigh: cypherInt(hi ?? 0),
        });
        const rows = rowsOf(result);
        const ranges = Number(result.records[0]?.get('ranges') ?? 0);
        const lastKey = ranges > 0 ? lastOf(result) : null;
        if (lastKey) walk.walked(rows, Number(after.value), Number(lastKey.value));
        return {
          rows,
          batches: Number(result.records[0]?.get('batches') ?? 0),
          lastKey,
          done: ranges < batches || hi === null || Number(lastKey?.value ?? after.value) >= hi,
          counters: withoutProperties(countersOf(result), LOOP_SETS_PER_BATCH * ranges),
        };
      },
      // a key below the smallest id (no rows: the client's batch says the job is done)
      loopStart: async () => {
        const { lo } = await walk.bounds();
        return lo === null ? null : { type: 'INTEGER', value: String(lo - 1) };
      },
    } : {}),
    loopBatches: Math.max(1, Math.ceil(LOOP_ROWS / batchSize)),
    next: async (state) => {
      const { lo, hi } = await walk.bounds();
      const after = state.lastKey ? Number(state.lastKey.value) : (lo ?? 0) - 1;
      if (hi === null || after >= hi) return done;
      const width = walk.width;
      return {
        cypher: rangeCypher,
        params: { ...params, ...walk.params(state, width), neomigAfter: cypherInt(after) },
        read: (result) => {
          const rows = rowsOf(result);
          const upto = rows < batchSize ? after + width : Number(lastOf(result)?.value ?? after + width);
          walk.walked(rows, after, upto);
          return { rows, lastKey: { type: 'INTEGER', value: String(upto) }, last: upto >= hi };
        },
      };
    },
  });
}

/**
 * An element-id job's walk: the ids its rows have (read once, when first asked: `rows`, and the smallest
 * and largest id, null without rows) and the width of its next id range, which starts at the ids per
 * `batchSize` rows on average and follows the rows the last ranges found (core/batch-query.ts nextIdWidth).
 */
function idWalk(job: BatchJob, cypher: KeyedBatchCypher, params: Record<string, unknown>, batchSize: number) {
  type Bounds = { rows: number; lo: number | null; hi: number | null };
  let bounds: Promise<Bounds> | undefined;
  let hi: number | null = null;
  let width = batchSize;
  return {
    get width() {
      return width;
    },
    bounds: (): Promise<Bounds> => {
      bounds ??= job.client.query(cypher.bounds!, params, 'read').then((result) => {
        const row = result.records[0];
        const number = (name: string) => (row?.get(name) === null || row?.get(name) === undefined ? null : Number(row.get(name)));
        const found: Bounds = { rows: number('rows') ?? 0, lo: number('lo'), hi: number('hi') };
        if (found.lo !== null && found.hi !== null && found.rows > 0) {
          width = Math.max(batchSize, Math.ceil((batchSize * (found.hi - found.lo + 1)) / found.rows));
        }
        hi = found.hi;
        return found;
      });
      return bounds;
    },
    /** what ranges found: `rows` rows in the ids after `from` up to `upto` */
    walked: (rows: number, from: number, upto: number) => {
      width = nextIdWidth(width, rows, upto - from, batchSize, (hi ?? upto) - upto);
    },
    params: (state: JobCheckpoint, w: number) => ({ neomigWidth: cypherInt(w), neomigBefore: state.before ?? null }),
  };
}

/**
 * The concurrent form's queries: the next ranges after `after` are worked out (keys only) and written
 * into the checkpoint, then run in one query; a job resumed with ranges in flight runs those again, less
 * the ones done (see core/batch-query.ts keyedRangesCypher).
 */
function concurrentRanges(
  job: BatchJob,
  cypher: { ranges: string; bounds: string },
  entryParams: () => Promise<Record<string, unknown>>,
  params: Record<string, unknown>,
  batchSize: number,
  fail: (what: string, hint: string) => NeomigError,
): NonNullable<JobSpec['loop']> {
  return async (state, after, batches, session) => {
    let chunk = state.chunk;
    if (!chunk) {
      const chunkRows = Math.min(batches * batchSize, Math.max(batchSize, MAX_CHUNK_ROWS));
      const bounds = (await job.client.query(cypher.bounds, { ...params, neomigAfter: keyParam(after), neomigChunkRows: cypherInt(chunkRows) }, 'read')).records[0];
      const highs = ((bounds?.get('highs') ?? []) as string[]).filter((h, i, all) => i === 0 || h !== all[i - 1]);
      const type = bounds?.get('type') as string | null;
      if (highs.length === 0) return { rows: 0, batches: 0, lastKey: null, done: true, counters: {} };
      const keys = highs.map((h) => checkpointKey(h, type));
      const bad = keys.find((k): k is string => typeof k === 'string');
      if (bad) throw fail(`${bad}; a key is an INTEGER, FLOAT or STRING property`, 'Walk by a property of one of those types with an index.');
      chunk = { after, highs: keys as CheckpointKey[], done: [], last: Number(bounds?.get('rows') ?? 0) < chunkRows };
      // the ranges go in the checkpoint before any of them runs: a resumed run must take the same ones
      const inFlight = { ...state, chunk };
      const confirm = await job.client.writeTransaction((run) => job.journal.write(run, job.ordinal, inFlight));
      confirm();
    }
    const result = await job.client.implicit(session, cypher.ranges, {
      ...params,
      ...(await progressParams(job, entryParams, state)),
      neomigAfter: keyParam(chunk.after),
      neomigHighs: chunk.highs.map(keyParam),
      neomigDoneRanges: chunk.done.map((i) => cypherInt(i)),
    });
    const ran = Number(result.records[0]?.get('batches') ?? 0);
    return {
      rows: rowsOf(result),
      batches: ran,
      lastKey: chunk.highs.at(-1)!,
      done: chunk.last,
      counters: withoutProperties(countersOf(result), LOOP_SETS_PER_BATCH * ran),
    };
  };
}

/** Runs a job's batches from where its checkpoint says, recording each with its batch. */
async function runJob(job: BatchJob, spec: JobSpec): Promise<BatchResult> {
  const { client, version, ordinal, journal } = job;
  const now = job.now ?? (() => performance.now());
  const sleep = job.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { label } = spec;
  const policy = retryPolicy(spec.options.retry);
  if (typeof policy === 'string') {
    throw new NeomigError('MIGRATION_FAILED', `ctx.batch() in ${version} (${label}): ${policy}`, {
      version,
      hint: 'E.g. retry: { retries: 5, initialDelayMs: 200, maxDelayMs: 10000 }.',
    });
  }
  checkTotal(version, label, spec.options.total);
  const recorded = journal.recorded(ordinal, label);
  const started = now();
  let state: JobCheckpoint = recorded ? (spec.fromRecord?.(recorded) ?? recorded) : { label, lastKey: null, rows: 0, batches: 0, done: false, counters: {} };
  const resumedRows = state.rows;
  // what earlier runs' batches changed is part of what the migration changed
  addCounters(job.stepCounters, state.counters);
  const report = (phase: BatchProgressEvent['phase']) => {
    const done = { rows: state.rows, batches: state.batches, total: state.total, resumedRows };
    job.emit(progressEvent(version, label, phase, done, now() - started, state.counters));
  };
  const result = (): BatchResult => ({
    rows: state.rows, batches: state.batches, elapsedMs: now() - started, counters: { ...state.counters },
  });
  const log = (level: 'info' | 'warn', message: string) => job.emit({ type: 'log', level, version, message: `${label}: ${message}` });
  if (state.done) {
    report('done');
    return result();
  }
  await job.begin(async (run, first) => journal.write(run, ordinal, state, first));
  if (recorded) log('info', `resuming after ${state.batches} committed batches (${state.rows} rows)`);
  let session = client.session();
  let loopOff = false;
  let loopBatches = spec.loopBatches ?? 1;
  /** where the server-side form starts a new job, once asked (null: it does not) */
  let start: CheckpointKey | null | undefined;
  const maxBatches = spec.options.maxBatches ?? Infinity;
  /** One batch in its own transaction, with the checkpoint. */
  const oneBatch = async (plan: BatchPlan, from: JobCheckpoint): Promise<JobCheckpoint> => {
    const { next, confirm } = await batchTransaction(client, session, plan, async (res, counters, run) => {
      const did = plan.read(res);
      const next: JobCheckpoint = {
        ...from,
        rows: from.rows + did.rows,
        batches: from.batches + (did.rows > 0 ? 1 : 0),
        lastKey: did.lastKey ?? from.lastKey,
        done: did.last,
        counters: addCounters({ ...from.counters }, counters),
      };
      return { next, confirm: await journal.write(run, ordinal, next) };
    }, job.timeoutMs);
    confirm();
    return next;
  };
  /** Batches of the server-side form, each committed with its progress; then the JSON checkpoint (counters, done). */
  const loopQuery = async (loop: NonNullable<JobSpec['loop']>, from: JobCheckpoint, after: CheckpointKey): Promise<JobCheckpoint> => {
    const asked = Math.max(1, Math.min(loopBatches, maxBatches - from.batches));
    const t = now();
    const did = await loop(from, after, asked, session);
    loopBatches = nextLoopBatches(asked, did.batches, now() - t);
    // no batch at all: the job is probably done, but a batch from the client says so for certain (a loop
    // that cannot find the history entry would do nothing and say nothing); ranges that a killed run had
    // all committed have a key to go on from
    if (did.batches === 0 && !did.lastKey) {
      loopOff = true;
      return from;
    }
    const next: JobCheckpoint = {
      ...from,
      rows: from.rows + did.rows,
      batches: from.batches + did.batches,
      lastKey: did.lastKey ?? from.lastKey,
      done: did.done,
      counters: addCounters({ ...from.counters }, did.counters),
    };
    delete next.chunk;
    const confirm = await client.writeTransaction((run) => journal.write(run, ordinal, next));
    confirm();
    return next;
  };
  try {
    state.total ??= await expectedTotal(client, version, label, spec);
    // a resumed job's recorded checkpoint may have no total (the loop's progress on the entry has none)
    const held = journal.checkpoint.jobs[ordinal - 1];
    if (held && held.total === undefined && state.total !== undefined) journal.adopt(ordinal, { ...held, total: state.total });
    report('start');
    // what the history holds for this job after a failure: a server-side loop's batches commit one by one
    const adoptCommitted = async () => {
      const read = await journal.committed(ordinal).catch(() => undefined);
      if (!read || read.batches <= state.batches) return false;
      // the entry's loop progress has no total: the one counted at the start stays
      const committed = { ...read, total: read.total ?? state.total };
      journal.adopt(ordinal, committed);
      addCounters(job.stepCounters, diffCounters(committed.counters, state.counters));
      state = committed;
      job.onCommit();
      return true;
    };
    while (!state.done) {
      // the server-side form runs the batches after the last key recorded, or a new job's from below its
      // smallest key; a timeout applies per transaction, so not there; the client's batches when it cannot
      const serverSide = job.timeoutMs === undefined && !loopOff ? spec.loop : undefined;
      if (serverSide && state.lastKey === null && start === undefined) {
        // a failure here leaves the first batch to the client, which retries and reports
        start = spec.loopStart ? await spec.loopStart().catch(() => null) : null;
      }
      const after = state.chunk?.after ?? state.lastKey ?? start ?? undefined;
      const loop = serverSide && after ? serverSide : undefined;
      const plan = loop ? undefined : await spec.next(state);
      for (let attempt = 0; ; attempt++) {
        try {
          const next = loop ? await loopQuery(loop, state, after!) : await oneBatch(plan!, state);
          addCounters(job.stepCounters, diffCounters(next.counters, state.counters));
          state = next;
          break;
        } catch (e) {
          const code = neo4jCode(e);
          if (isNeomigError(e) || !isTransient(code) || attempt >= policy.retries) {
            if (loop) await adoptCommitted();
            throw e;
          }
          const delay = backoffDelay(attempt + 1, policy);
          const why = `${code}: ${errorMessage(e).split('\n')[0]}`;
          log('warn', `batch ${state.batches + 1} failed (${why}); retry ${attempt + 1}/${policy.retries} in ${delay} ms`);
          await sleep(delay);
          await session.close().catch(() => undefined);
          session = client.session();
          // a commit whose answer was lost may have happened (or a loop's first batches did): the history says
          if (await adoptCommitted()) break;
        }
      }
      job.onCommit();
      if (!state.done) report('running');
      if (state.batches >= maxBatches && !state.done) {
        const what = `did not finish within ${maxBatches} batches`;
        throw new NeomigError('MIGRATION_FAILED', `ctx.batch() in ${version} (${label}) ${what}`, {
          version,
          hint: 'The query must eventually process 0 rows: filter out rows it has already handled.',
        });
      }
    }
  } finally {
    await session.close().catch(() => undefined);
    await spec.close?.();
  }
  const counted = spec.options.total === undefined && spec.options.countQuery === undefined;
  if (spec.notWalked && counted && state.total !== undefined && state.rows < state.total) {
    log('warn', `processed ${state.rows} of the ${state.total} rows counted when it started: ${spec.notWalked}`);
  }
  report('done');
  return result();
}

/** The rows a batch query reports it did. */
function rowsOf(result: QueryResult): number {
  return Number(result.records[0]?.get('rows') ?? 0);
}

/** What every server-side form's query needs to record its progress on the history entry: the entry,
 *  and the job's totals so far (the entry's own, once a batch has written them, come first). */
async function progressParams(job: BatchJob, entryParams: () => Promise<Record<string, unknown>>, state: JobCheckpoint): Promise<Record<string, unknown>> {
  return {
    ...(await entryParams()),
    neomigRows: cypherInt(state.rows),
    neomigDone: cypherInt(state.batches),
    neomigJob: cypherInt(job.ordinal),
  };
}

/** A recorded key as the parameter that compares with the property (an INTEGER must not become a FLOAT). */
function keyParam(key: CheckpointKey): unknown {
  if (key.type === 'INTEGER') return cypherInt(key.value);
  return key.type === 'FLOAT' ? Number(key.value) : key.value;
}

/** Counters less `n` properties set (neomig's own bookkeeping written by the same query). */
function withoutProperties(counters: Counters, n: number): Counters {
  const left = (counters['propertiesSet'] ?? 0) - n;
  const out = { ...counters };
  if (left > 0) out['propertiesSet'] = left;
  else delete out['propertiesSet'];
  return out;
}

function diffCounters(after: Counters, before: Counters): Counters {
  const out: Counters = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0)) out[k] = v - (before[k] ?? 0);
  return out;
}

/**
 * The event for a job's state; rate and ETA are worked out here so every listener shows the same. The
 * rate counts the rows of this run only (`resumedRows` were done by an interrupted run before it).
 */
export function progressEvent(
  version: string,
  label: string,
  phase: BatchProgressEvent['phase'],
  done: { rows: number; batches: number; total?: number; resumedRows?: number },
  elapsedMs: number,
  counters: Counters,
): BatchProgressEvent {
  const { rows, batches, total } = done;
  const resumedRows = done.resumedRows ?? 0;
  const rowsPerSecond = elapsedMs > 0 ? (Math.max(rows - resumedRows, 0) * 1000) / elapsedMs : 0;
  const event: BatchProgressEvent = {
    type: 'batch:progress', version, phase, label, batches, rows, elapsedMs, rowsPerSecond, counters: { ...counters },
  };
  if (resumedRows > 0) event.resumedRows = resumedRows;
  if (total !== undefined) {
    event.total = total;
    if (phase === 'done') event.etaMs = 0;
    else if (rowsPerSecond > 0) event.etaMs = (Math.max(total - rows, 0) * 1000) / rowsPerSecond;
  }
  return event;
}

function checkTotal(version: string, label: string, total: number | undefined): void {
  if (total === undefined || (Number.isFinite(total) && total >= 0)) return;
  const what = `total must be a number of rows, not ${String(total)}`;
  throw new NeomigError('MIGRATION_FAILED', `ctx.batch() in ${version} (${label}): ${what}`, {
    version,
    hint: 'Pass the number of rows the job will process, or a countQuery, or neither.',
  });
}

/** options.total, or what options.countQuery (else the job's own count) returns, run once when the job first starts. */
async function expectedTotal(client: Neo4jClient, version: string, label: string, spec: JobSpec): Promise<number | undefined> {
  const { options } = spec;
  if (options.total !== undefined) return options.total;
  if (options.countQuery === undefined && spec.total) return spec.total();
  const query = options.countQuery ?? spec.defaultCount;
  if (!query) return undefined;
  const result = await client.query(query, spec.countParams, 'read');
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
