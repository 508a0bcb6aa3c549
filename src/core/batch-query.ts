/**
 * The Cypher of a key-ordered ctx.batch() job, built from its parts. Each batch takes the next
 * `batchSize` rows after the last key done, in key order:
 *
 * - by an indexed property (`key: 'b.isbn'`): `WHERE b.isbn > $after ORDER BY b.isbn LIMIT n`, which
 *   Neo4j answers with an ordered range seek on the index, so a batch reads only its own rows and the
 *   whole job is linear in the rows (plus the rest of a run of equal keys, unless a constraint makes
 *   the key unique: see batchRows);
 * - by element id (`key: 'elementId(b)'`): in the order of Neo4j's internal ids (`id(b)`), which a
 *   batch reads directly: it seeks the ids of a range (`id(b) IN range(after + 1, after + width)`, one
 *   node or relationship record each, no index) and takes the first `batchSize` rows it finds. The
 *   range's width follows the density of the pattern's rows among the ids (see nextIdWidth).
 *
 * An update made only of SET, REMOVE and DELETE clauses keeps one row per row, so it is inlined; any
 * other (MATCH, WITH, MERGE, ...) runs in a unit subquery, so whatever it does to its rows the batch still
 * counts them and knows their last key. The subquery costs about a third more per row (measured on 5.26).
 */
import { canonicalType, type SchemaItem } from './schema.js';

export interface KeyedBatchSpec {
  /** a MATCH pattern binding the variable the key names, e.g. `(b:Book)` or `()-[r:WROTE]->()` */
  match: string;
  /** an optional filter on the pattern's variables */
  where?: string;
  /** `v.property` (with an index on it) or `elementId(v)` */
  key: string;
  /** Cypher run on each row of a batch (SET, REMOVE, MERGE, DELETE, ...); must not RETURN */
  update: string;
}

export interface KeyedBatchCypher {
  by: 'property' | 'elementId';
  /** the rows the job will process, for progress (run once, before the first batch) */
  count: string;
  /** property keys: the job's smallest key (`last`, `lastType`): the server-side form starts a new job below it */
  firstKey?: string;
  /** property keys: the first batch (no key yet) and every later one (`$neomigAfter`) */
  first?: string;
  next?: string;
  /** element ids: the rows to walk and their smallest and largest internal id (`rows`, `lo`, `hi`), and
   *  one batch: the rows with an id in ($neomigAfter, $neomigAfter + $neomigWidth], at most batchSize keys */
  bounds?: string;
  range?: string;
}

/**
 * The server-side form of a job keyed by a property: `$neomigBatches` batches in one auto-commit query,
 * each its own inner transaction (`CALL { } IN TRANSACTIONS OF 1 ROW`) that takes the next
 * `$neomigBatchSize` rows after the key the previous one recorded and records its own progress on the
 * history entry in that same transaction: `checkpointAfter` (the last key, as it is), `checkpointJob`,
 * `checkpointRows` and `checkpointBatches` (scalars: a list here cost 5 % of a 1 M-node backfill; the
 * history reads them back as one list, see LOOP_PROGRESS and withLoopProgress in checkpoint.ts). No
 * round trip between batches: on 5.26 it runs as fast as the bare `CALL { } IN TRANSACTIONS`, where a
 * transaction per batch from the client ran at about 0.6 of it. The first batch starts after `$neomigAfter`
 * (a new job: a key below its smallest, see `firstKey` and keyBelow), at `$neomigRows` rows and
 * `$neomigDone` batches, unless the entry already records a later key.
 * `entry`: the pattern matching the history entry as `neomig_entry`.
 */
/** The properties the server-side forms write on the history entry (set to null when the JSON checkpoint
 *  is written): the loop all but `checkpointDone`, the concurrent form all but `checkpointAfter`. */
export const LOOP_PROPERTIES = ['checkpointAfter', 'checkpointJob', 'checkpointRows', 'checkpointBatches', 'checkpointDone'] as const;

/** How many of them each batch of a form sets (its counters are not the job's). */
export const LOOP_SETS_PER_BATCH = 4;

/** What the history reads of them, as the list withLoopProgress takes (an entry whose loop ran under an
 *  earlier neomig has the list itself, `checkpointAhead`). `v`: the entry. */
export function loopProgressProjection(v: string): string {
  return `CASE WHEN ${v}.checkpointBatches IS NULL THEN ${v}.checkpointAhead ELSE [toString(${v}.checkpointJob), ` +
    `toString(${v}.checkpointRows), toString(${v}.checkpointBatches), toString(${v}.checkpointAfter), valueType(${v}.checkpointAfter)] END`;
}

export function keyedLoopCypher(spec: KeyedBatchSpec, entry: string, unique: boolean): string | null {
  const parts = keyedParts(spec);
  if (typeof parts === 'string' || parts.element) return null;
  const { key, update } = parts;
  const body = rowPreserving(update) ? update : `CALL (*) {\n${update}\n}`;
  return `UNWIND range(1, $neomigBatches) AS neomig_batch
CALL (neomig_batch) {
  MATCH ${entry}
  WITH neomig_entry, coalesce(neomig_entry.checkpointAfter, $neomigAfter) AS neomig_after,
    coalesce(neomig_entry.checkpointRows, $neomigRows) AS neomig_rows,
    coalesce(neomig_entry.checkpointBatches, $neomigDone) AS neomig_done
  CALL (neomig_after) {
    ${batchRows(parts, `${key} > neomig_after`, 'neomig_after', unique).replace(/\n/g, '\n    ')}
    ${body}
    RETURN count(*) AS neomig_count, max(neomig_key) AS neomig_last
  }
  WITH neomig_entry, neomig_count, neomig_last, neomig_rows + neomig_count AS neomig_rows, neomig_done + 1 AS neomig_done
  WHERE neomig_count > 0
  SET neomig_entry.checkpointAfter = neomig_last, neomig_entry.checkpointJob = $neomigJob,
    neomig_entry.checkpointRows = neomig_rows, neomig_entry.checkpointBatches = neomig_done
  RETURN neomig_count, neomig_last
} IN TRANSACTIONS OF 1 ROW
RETURN sum(neomig_count) AS rows, count(*) AS batches, last(collect(neomig_count)) AS lastRows,
  toString(last(collect(neomig_last))) AS last, valueType(last(collect(neomig_last))) AS lastType`;
}

/**
 * The rows of one batch, bound with their key as `neomig_key`: those after the last key (`from`, a
 * condition on the key) up to the `$neomigBatchSize`-th key after it, **and every other row with that
 * key**. Taking `LIMIT $neomigBatchSize` rows alone would cut a run of equal keys in two, and the next
 * batch, which starts after the key, would never see the rest of it. Both reads are ordered range
 * seeks on the key's index; the first reads the keys only (measured: 10 % of a 1 M-node backfill). A
 * key a uniqueness or key constraint guarantees has no equal keys (`unique`): one seek, `LIMIT` alone.
 * `imports`: the variables `from` uses.
 */
function batchRows(parts: { match: string; where: string; key: string }, from: string, imports: string, unique: boolean): string {
  const { match, where, key } = parts;
  const and = (...conditions: string[]) => conditions.filter(Boolean).join(' AND ');
  if (unique) return `MATCH ${match} WHERE ${and(from, where)}\nWITH *, ${key} AS neomig_key ORDER BY neomig_key LIMIT $neomigBatchSize`;
  return `CALL (${imports}) {
  MATCH ${match} WHERE ${and(from, where)}
  WITH ${key} AS neomig_key ORDER BY neomig_key LIMIT $neomigBatchSize
  RETURN max(neomig_key) AS neomig_upto
}
MATCH ${match} WHERE ${and(from, `${key} <= neomig_upto`, where)}
WITH *, ${key} AS neomig_key`;
}

/**
 * The concurrent form (`concurrency` > 1) takes its batches as key ranges worked out before the query:
 * the keys after `$neomigAfter`, `$neomigChunkRows` of them, read in order (keys only), give the upper
 * key of every `$neomigBatchSize`-th row and of the last (`highs`, as text, with their type). Batch i
 * then takes the rows with a key in (highs[i-1], highs[i]] (the first from `$neomigAfter`): a range
 * holds a run of equal keys whole, and the ranges can commit in any order. (`range(a, b, step)` with
 * a > b is not always empty in Neo4j: `range(9999, 4999, 10000)` is `[9999]`; hence the `WHERE`, or a
 * chunk of fewer keys than a batch would get a null high.)
 */
export function rangeBoundsCypher(spec: KeyedBatchSpec): string | null {
  const parts = keyedParts(spec);
  if (typeof parts === 'string' || parts.element) return null;
  const { match, where, key } = parts;
  return `MATCH ${match} WHERE ${[`${key} > $neomigAfter`, where].filter(Boolean).join(' AND ')}
WITH ${key} AS neomig_key ORDER BY neomig_key LIMIT $neomigChunkRows
WITH collect(neomig_key) AS neomig_keys
RETURN size(neomig_keys) AS rows, valueType(head(neomig_keys)) AS type,
  [i IN range($neomigBatchSize - 1, size(neomig_keys) - 1, $neomigBatchSize) WHERE i < size(neomig_keys) | toString(neomig_keys[i])]
    + CASE WHEN size(neomig_keys) % $neomigBatchSize = 0 THEN [] ELSE [toString(last(neomig_keys))] END AS highs`;
}

/**
 * The concurrent form's query: the batches of one set of ranges (rangeBoundsCypher) in
 * `CALL { } IN n CONCURRENT TRANSACTIONS OF 1 ROW`, each range its own transaction, which records on
 * the history entry that it is done (`checkpointDone`, the range's index), with the job's rows and
 * batches. It writes the entry first and reads the totals after, so its write lock orders the
 * transactions that add to them. A range already done (`$neomigDoneRanges`, from the checkpoint, or
 * what the entry records since) is skipped: a resumed run takes up the same ranges.
 */
export function keyedRangesCypher(spec: KeyedBatchSpec, entry: string, concurrency: number): string | null {
  const parts = keyedParts(spec);
  if (typeof parts === 'string' || parts.element || !Number.isInteger(concurrency) || concurrency < 2) return null;
  const { match, where, key, update } = parts;
  const body = rowPreserving(update) ? update : `CALL (*) {\n${update}\n}`;
  const range = `${key} > neomig_lo AND ${key} <= neomig_hi`;
  return `UNWIND range(0, size($neomigHighs) - 1) AS neomig_i
CALL (neomig_i) {
  MATCH ${entry}
  WITH neomig_entry WHERE NOT neomig_i IN coalesce(neomig_entry.checkpointDone, $neomigDoneRanges)
  CALL (neomig_i) {
    WITH CASE WHEN neomig_i = 0 THEN $neomigAfter ELSE $neomigHighs[neomig_i - 1] END AS neomig_lo, $neomigHighs[neomig_i] AS neomig_hi
    MATCH ${match} WHERE ${[range, where].filter(Boolean).join(' AND ')}
    ${body}
    RETURN count(*) AS neomig_count
  }
  SET neomig_entry.checkpointJob = $neomigJob
  WITH neomig_entry, neomig_i, neomig_count
  SET neomig_entry.checkpointDone = coalesce(neomig_entry.checkpointDone, $neomigDoneRanges) + neomig_i,
    neomig_entry.checkpointRows = coalesce(neomig_entry.checkpointRows, $neomigRows) + neomig_count,
    neomig_entry.checkpointBatches = coalesce(neomig_entry.checkpointBatches, $neomigDone) + 1
  RETURN neomig_count
} IN ${concurrency} CONCURRENT TRANSACTIONS OF 1 ROW
RETURN sum(neomig_count) AS rows, count(*) AS batches`;
}

/**
 * The server-side form of a job keyed by element id: `$neomigBatches` batches in one auto-commit query,
 * as keyedLoopCypher's, each taking the rows of the next id range after the id the previous one recorded
 * (`$neomigWidth` ids wide, or up to its `batchSize`-th key when the range holds more), until the
 * ranges pass `$neomigHigh`, the largest id the job walks. A range with no row still records that it
 * was walked, but counts no batch. `onePerKey`: see keyIsUnique.
 */
export function idLoopCypher(spec: KeyedBatchSpec, entry: string, onePerKey: boolean, before = false): string | null {
  const parts = keyedParts(spec);
  if (typeof parts === 'string' || !parts.element) return null;
  const body = rowPreserving(parts.update) ? parts.update : `CALL (*) {\n${parts.update}\n}`;
  const rows = batchRows(idParts(parts, before), idRange(parts.variable, 'neomig_after'), 'neomig_after', onePerKey);
  return `UNWIND range(1, $neomigBatches) AS neomig_batch
CALL (neomig_batch) {
  MATCH ${entry}
  WITH neomig_entry, coalesce(neomig_entry.checkpointAfter, $neomigAfter) AS neomig_after,
    coalesce(neomig_entry.checkpointRows, $neomigRows) AS neomig_rows,
    coalesce(neomig_entry.checkpointBatches, $neomigDone) AS neomig_done
  WHERE neomig_after < $neomigHigh
  CALL (neomig_after) {
    ${rows.replace(/\n/g, '\n    ')}
    ${body}
    RETURN count(*) AS neomig_count, max(neomig_key) AS neomig_last
  }
  WITH neomig_entry, neomig_count, neomig_rows + neomig_count AS neomig_rows, neomig_done + sign(neomig_count) AS neomig_done,
    CASE WHEN neomig_count < $neomigBatchSize THEN neomig_after + $neomigWidth ELSE neomig_last END AS neomig_last
  SET neomig_entry.checkpointAfter = neomig_last, neomig_entry.checkpointJob = $neomigJob,
    neomig_entry.checkpointRows = neomig_rows, neomig_entry.checkpointBatches = neomig_done
  RETURN neomig_count, neomig_last
} IN TRANSACTIONS OF 1 ROW
RETURN sum(neomig_count) AS rows, sum(sign(neomig_count)) AS batches, count(*) AS ranges,
  toString(last(collect(neomig_last))) AS last, 'INTEGER' AS lastType`;
}

/**
 * A job's rows (`rows`) and their smallest and largest internal id (`lo`, `hi`; null without rows). The
 * ends are read in id order (`ORDER BY id(v) LIMIT 1`, each way), which Neo4j answers from the label's
 * (type's) lookup index in that order, stopping at the first row; and a pattern without a filter is
 * counted from the count store. A label of 1 M nodes takes about 6 ms where `min(id(v))`, `max(id(v))`
 * over a scan of every row took 40-60 ms (2026.08), and that grows with the label; with a filter both
 * read about as much.
 */
function idBoundsCypher(matchWhere: string, v: string): string {
  const end = (order: string, as: string) => `CALL () {\n  ${matchWhere}\n  WITH ${v} ORDER BY id(${v})${order} LIMIT 1\n  RETURN collect(id(${v}))[0] AS ${as}\n}`;
  return `${end('', 'lo')}\n${end(' DESC', 'hi')}\nCALL () {\n  ${matchWhere}\n  RETURN count(*) AS rows\n}\nRETURN rows, lo, hi`;
}

/** The rows of an id range after `after` (an expression), `$neomigWidth` ids wide: a seek by id. */
function idRange(variable: string, after: string): string {
  return `id(${variable}) IN range(${after} + 1, ${after} + $neomigWidth)`;
}

/**
 * An element-id job's parts as a walk by internal id: the key is `id(v)`. `before`: an earlier neomig's
 * element-id form (which walked element ids in text order) began the job, and the rows it did, up to
 * the element id `$neomigBefore`, are left out.
 */
function idParts(parts: { match: string; where: string; variable: string }, before: boolean): { match: string; where: string; key: string } {
  const v = parts.variable;
  const done = before ? `elementId(${v}) > $neomigBefore` : '';
  return { match: parts.match, where: [parts.where, done].filter(Boolean).join(' AND '), key: `id(${v})` };
}

/**
 * The width of the next id range of an element-id job: as many ids as held `batchSize` rows in the last
 * ranges (`rows` rows in `walked` ids), at least `batchSize`, at most four times `width` (the last
 * one's), and no more than the ids left to walk (`left`).
 */
export function nextIdWidth(width: number, rows: number, walked: number, batchSize: number, left: number): number {
  const fits = rows > 0 ? Math.ceil((batchSize * walked) / rows) : width * 4;
  return Math.max(batchSize, Math.min(fits, width * 4, Math.max(left, batchSize)));
}

/** Keys one query of the concurrent form reads to work out its ranges (and the server holds, as a list). */
export const MAX_CHUNK_ROWS = 500_000;

const RESULT = 'RETURN count(*) AS rows, toString(max(neomig_key)) AS last, valueType(max(neomig_key)) AS lastType';

/** A job's parts, trimmed and checked; or a message saying what is wrong with them. */
function keyedParts(spec: KeyedBatchSpec): { match: string; where: string; key: string; update: string; element: boolean; variable: string } | string {
  for (const part of ['match', 'key', 'update'] as const) {
    if (typeof spec[part] !== 'string' || !spec[part].trim()) return `\`${part}\` is required`;
  }
  const match = spec.match.trim().replace(/^MATCH\s+/i, '');
  const where = spec.where?.trim() ? `(${spec.where.trim()})` : '';
  const key = spec.key.trim();
  const update = spec.update.trim();
  // a RETURN after the last brace ends the update itself (one inside a subquery is the user's business)
  if (/\bRETURN\b[^{}]*$/i.test(update.replace(/\/\/.*$/gm, ''))) {
    return '`update` must not RETURN: its rows are counted by ctx.batch()';
  }
  const element = /^elementId\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/i.exec(key);
  const property = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*|`[^`]+`)$/.exec(key);
  if (!element && !property) return `\`key\` must be a property of the pattern (e.g. b.isbn) or elementId(b), not "${key}"`;
  const variable = (element ?? property)![1]!;
  if (!new RegExp(`[(\\[]\\s*${variable}\\b`).test(match)) return `\`key\` names ${variable}, which \`match\` does not bind`;
  return { match, where, key, update, element: element !== null, variable };
}

/** The job's queries, or a message saying what is wrong with its parts. `unique`: see keyIsUnique;
 *  `before`: see idParts. */
export function keyedBatchCypher(spec: KeyedBatchSpec, unique = false, before = false): KeyedBatchCypher | string {
  const parts = keyedParts(spec);
  if (typeof parts === 'string') return parts;
  const { match, where, key, update } = parts;
  const filter = (...parts: string[]) => {
    const all = parts.filter(Boolean);
    return all.length ? ` WHERE ${all.join(' AND ')}` : '';
  };
  const count = `MATCH ${match}${filter(where)} RETURN count(*) AS total`;
  const body = rowPreserving(update) ? `${update}\n${RESULT}` : `CALL (*) {\n${update}\n}\n${RESULT}`;
  if (parts.element) {
    const v = parts.variable;
    return {
      by: 'elementId',
      count,
      // every row of the job, whichever an earlier neomig did
      bounds: idBoundsCypher(`MATCH ${match}${filter(where)}`, v),
      range: `${batchRows(idParts(parts, before), idRange(v, '$neomigAfter'), '', unique)}\n${body}`,
    };
  }
  const page = (first: boolean) => `${batchRows(parts, first ? `${key} IS NOT NULL` : `${key} > $neomigAfter`, '', unique)}\n${body}`;
  const firstKey = `MATCH ${match}${filter(`${key} IS NOT NULL`, where)}\n` +
    `WITH ${key} AS neomig_key ORDER BY neomig_key LIMIT 1\n` +
    'RETURN toString(neomig_key) AS last, valueType(neomig_key) AS lastType';
  return { by: 'property', count, firstKey, first: page(true), next: page(false) };
}

/**
 * Whether no two rows of the job can have the same key: `match` gives one row per node (relationship)
 * the key's variable binds (onlyRowOf), and that one's key is unique: a uniqueness or key constraint on
 * exactly the key's property, for a label (type) the key's variable must have in `match` (a label
 * expression, `:A|B`, `:!A`, guarantees nothing), or its element id.
 */
export function keyIsUnique(spec: KeyedBatchSpec, constraints: SchemaItem[]): boolean {
  const parts = keyedParts(spec);
  if (typeof parts === 'string' || !onlyRowOf(parts.match, parts.variable)) return false;
  if (parts.element) return true;
  const [variable, property] = parts.key.split(/\.(.*)/s) as [string, string];
  const name = (word: string) => word.replace(/^`(.*)`$/s, '$1').replace(/``/g, '`');
  const bound = new RegExp(`[(\\[]\\s*${variable}\\s*((?::\\s*(?:[A-Za-z_][A-Za-z0-9_]*|\`[^\`]+\`)\\s*)+)[){\\]]`).exec(parts.match);
  if (!bound) return false;
  const labels = bound[1]!.split(':').map((w) => w.trim()).filter(Boolean).map(name);
  const relationship = bound[0]!.startsWith('[');
  return constraints.some((c) =>
    c.kind === 'constraint'
    && /UNIQUENESS$|KEY$/.test(canonicalType(c.type))
    && (c.entityType === 'RELATIONSHIP') === relationship
    && c.properties.length === 1 && c.properties[0] === name(property)
    && c.labelsOrTypes.some((l) => labels.includes(l)));
}

/**
 * Whether `match` gives one row per node or relationship `variable` binds: it is that node's pattern
 * alone (`(b:Book {lang: 'en'})`), or a relationship pattern with one direction binding it as the
 * relationship (`(a)-[w:WROTE]->(b)`). Any other (`(a)-[:WROTE]->(b)` keyed by `b`, an undirected
 * relationship, two patterns) may give a node or relationship several rows.
 */
function onlyRowOf(match: string, variable: string): boolean {
  const node = new RegExp(`^\\(\\s*${variable}\\b[^()]*\\)$`);
  const rel = `\\[\\s*${variable}\\b[^\\[\\]*]*\\]`;
  const relationship = new RegExp(`^\\([^()]*\\)\\s*(?:-${rel}->|<-${rel}-)\\s*\\([^()]*\\)$`);
  return node.test(match) || relationship.test(match);
}

/** Whether `update` is only SET / REMOVE / DELETE clauses (so it neither drops nor multiplies rows).
 *  A keyword inside a string literal only makes this say no, which is safe (the subquery). */
export function rowPreserving(update: string): boolean {
  const text = update.replace(/\/\/.*$/gm, '');
  if (!/^\s*(SET|REMOVE|DELETE|DETACH\s+DELETE)\b/i.test(text)) return false;
  const clauses = /\b(MATCH|WITH|UNWIND|CALL|MERGE|CREATE|FOREACH|RETURN|LOAD|UNION|USE|FINISH|LIMIT|SKIP|ORDER|WHERE|FILTER|LET|NEXT)\b/i;
  return !clauses.test(text);
}

/** How long one query of the server-side form should run: progress is reported, and the JSON checkpoint
 *  (counters, done) written, between queries. */
export const LOOP_TARGET_MS = 2_000;

/**
 * Batches for the next query of the server-side form, from the last one (`asked` batches, of which
 * `ran` ran, in `elapsedMs`): sized so that a query takes about LOOP_TARGET_MS, growing at most fourfold
 * and shrinking at most by half per query, never below one batch. Each query between costs a statement
 * and a transaction (measured: 100,000 rows per query ran 5-10 % slower than 1,000,000 on a 1 M-node
 * backfill); fewer, longer ones would make progress and the counters' checkpoint lag.
 */
export function nextLoopBatches(asked: number, ran: number, elapsedMs: number): number {
  if (ran < asked || ran === 0) return asked; // the job ended (or did nothing): its speed says little
  const factor = elapsedMs > 0 ? Math.min(4, Math.max(0.5, LOOP_TARGET_MS / elapsedMs)) : 4;
  return Math.max(1, Math.round(asked * factor));
}
