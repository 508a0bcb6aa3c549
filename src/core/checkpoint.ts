/**
 * How far a migration's ctx.batch() jobs got, as neomig records it on the migration's history entry
 * (property `checkpoint`, JSON), written in the same transaction as each batch. A run killed at any
 * moment leaves the checkpoint of its last committed batch, so the next `up` resumes after it; the
 * down reads it as `ctx.checkpoint`.
 */
import type { Counters } from './vocabulary.js';
import type { MigrationState } from './types.js';

/** A key as recorded: its Cypher type and its text (an INTEGER beyond 2^53 must survive JSON). */
export interface CheckpointKey {
  type: 'INTEGER' | 'FLOAT' | 'STRING';
  value: string;
}

/** One ctx.batch() call of the step, in call order. */
export interface JobCheckpoint {
  label: string;
  /** the key of the last row of the last committed batch (key-ordered jobs; null before the first
   *  batch and for the loop form) */
  lastKey: CheckpointKey | null;
  rows: number;
  batches: number;
  done: boolean;
  /** rows expected in all, worked out once when the job first started */
  total?: number;
  /** what the job's committed batches changed */
  counters: Counters;
  /** an element-id job that an earlier neomig began (it walked element ids in text order): the rows up
   *  to this element id were done by it */
  before?: string;
  /** the concurrent form's ranges in flight: (after, highs[0]], (highs[0], highs[1]], ...; `done`, the
   *  ranges committed (each records itself on the history entry: see withLoopProgress) */
  chunk?: KeyChunk;
}

/** Ranges of keys a concurrent ctx.batch() query works on (core/batch-query.ts keyedRangesCypher). */
export interface KeyChunk {
  after: CheckpointKey;
  highs: CheckpointKey[];
  done: number[];
  /** the keys ran out within these ranges: the job is done with them */
  last: boolean;
}

export interface Checkpoint {
  jobs: JobCheckpoint[];
}

/** What a down (or a resumed up) sees as `ctx.checkpoint`: per job label, how far the up got. */
export interface CheckpointView {
  lastKey: number | string | null;
  rows: number;
  batches: number;
  done: boolean;
}

export function encodeCheckpoint(checkpoint: Checkpoint): string {
  return JSON.stringify(checkpoint);
}

/** A recorded checkpoint, or null when absent or unreadable. */
export function parseCheckpoint(text: string | null | undefined): Checkpoint | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<Checkpoint>;
    if (!Array.isArray(v.jobs)) return null;
    return {
      jobs: v.jobs.map((j) => ({
        label: String(j.label),
        lastKey: j.lastKey && KEY_TYPES.includes(j.lastKey.type)
          ? { type: j.lastKey.type, value: String(j.lastKey.value) }
          : null,
        rows: Number(j.rows ?? 0),
        batches: Number(j.batches ?? 0),
        done: j.done === true,
        ...(j.total !== undefined && j.total !== null ? { total: Number(j.total) } : {}),
        counters: j.counters ?? {},
        ...(j.chunk ? { chunk: parseChunk(j.chunk) } : {}),
        ...(typeof j.before === 'string' ? { before: j.before } : {}),
      })),
    };
  } catch {
    return null;
  }
}

const KEY_TYPES: CheckpointKey['type'][] = ['INTEGER', 'FLOAT', 'STRING'];

function parseChunk(chunk: Partial<KeyChunk>): KeyChunk {
  const key = (k: Partial<CheckpointKey> | undefined): CheckpointKey => {
    if (!k || !KEY_TYPES.includes(k.type as CheckpointKey['type'])) throw new Error('not a key');
    return { type: k.type as CheckpointKey['type'], value: String(k.value) };
  };
  return {
    after: key(chunk.after),
    highs: (chunk.highs ?? []).map(key),
    done: (chunk.done ?? []).map(Number),
    last: chunk.last === true,
  };
}

/**
 * The checkpoint with what a server-side form recorded after it: `ahead` is the entry's
 * `checkpointAhead`, [job, rows, batches, key text, key type], written by each batch in its own
 * transaction; the loop (core/batch-query.ts keyedLoopCypher) records its last key there, the
 * concurrent form (keyedRangesCypher) the ranges done instead (`done`, the entry's `checkpointDone`).
 * It counts only when it is further than the job's JSON record (which every write of the JSON clears it
 * with); the batches it adds carry no counters.
 */
export function withLoopProgress(checkpoint: Checkpoint | null, ahead: unknown, done?: unknown): Checkpoint | null {
  if (!checkpoint || !Array.isArray(ahead) || ahead.length !== 5) return checkpoint;
  const [job, rows, batches, text, type] = ahead.map((x) => (x === null || x === undefined ? null : String(x)));
  const at = Number(job) - 1;
  const recorded = checkpoint.jobs[at];
  if (!recorded || !(Number(batches) > recorded.batches)) return checkpoint;
  let moved: Partial<JobCheckpoint>;
  if (recorded.chunk) {
    if (!Array.isArray(done)) return checkpoint;
    moved = { chunk: { ...recorded.chunk, done: done.map(Number) } };
  } else {
    const key = checkpointKey(text ?? null, type ?? null);
    if (typeof key === 'string') return checkpoint;
    moved = { lastKey: key };
  }
  const jobs = checkpoint.jobs.map((j, i) => (i === at ? { ...j, rows: Number(rows), batches: Number(batches), ...moved } : j));
  return { jobs };
}

/**
 * A key read back from Neo4j as its text and `valueType()` ("INTEGER NOT NULL"), or a message saying
 * why it cannot be a key.
 */
export function checkpointKey(text: string | null, valueType: string | null): CheckpointKey | string {
  const type = (valueType ?? '').replace(/ NOT NULL$/, '');
  if (text === null) return 'the key is null';
  if (!(KEY_TYPES as string[]).includes(type)) return `a key of type ${type || 'unknown'} cannot be recorded`;
  return { type: type as CheckpointKey['type'], value: text };
}

/**
 * A key of the same type below `key`, with no key between them when `key` is the smallest of a job's:
 * where a walk that takes the keys after one starts so that it takes the smallest too. Null when there
 * is none (the smallest INTEGER, a FLOAT of -Infinity or NaN, the empty STRING) or no key.
 */
export function keyBelow(key: CheckpointKey | null): CheckpointKey | null {
  if (!key) return null;
  if (key.type === 'STRING') return key.value === '' ? null : { type: 'STRING', value: '' };
  if (key.type === 'FLOAT') return Number(key.value) > -Infinity ? { type: 'FLOAT', value: '-Infinity' } : null;
  if (!/^-?\d+$/.test(key.value)) return null;
  const below = BigInt(key.value) - 1n;
  return below < -(2n ** 63n) ? null : { type: 'INTEGER', value: below.toString() };
}

/** The key as a plain value for ctx.checkpoint (an INTEGER beyond 2^53 stays a string). */
export function keyValue(key: CheckpointKey | null): number | string | null {
  if (!key) return null;
  if (key.type === 'STRING') return key.value;
  const n = Number(key.value);
  return key.type === 'INTEGER' && !Number.isSafeInteger(n) ? key.value : n;
}

export function checkpointView(checkpoint: Checkpoint | null | undefined): Record<string, CheckpointView> {
  const out: Record<string, CheckpointView> = {};
  for (const j of checkpoint?.jobs ?? []) {
    out[j.label] = { lastKey: keyValue(j.lastKey), rows: j.rows, batches: j.batches, done: j.done };
  }
  return out;
}

/**
 * A failed entry `up` resumes instead of refusing: its run stopped (killed, or a batch failed and its
 * changes remain) after recording a checkpoint, and its file is the one that ran.
 */
export function isResumable(state: MigrationState): boolean {
  const a = state.applied;
  if (state.status !== 'failed' || !a?.checkpoint || !state.local || state.checksumChanged) return false;
  return a.type === 'typescript' && (a.partialChanges === 'unknown' || a.partialChanges === 'remain');
}

/** "120,000/200,000 rows" (or "120,000 rows") over every job of the checkpoint. */
export function checkpointProgress(checkpoint: Checkpoint): string {
  const rows = checkpoint.jobs.reduce((n, j) => n + j.rows, 0);
  const totals = checkpoint.jobs.map((j) => (j.done ? j.rows : j.total));
  const known = totals.every((t) => t !== undefined) && checkpoint.jobs.length > 0;
  const total = known ? totals.reduce((n: number, t) => n + (t ?? 0), 0) : undefined;
  const count = (n: number) => Math.round(n).toLocaleString('en-US');
  return total !== undefined && total >= rows ? `${count(rows)}/${count(total)} rows` : `${count(rows)} rows`;
}
