import { describe, expect, it } from 'vitest';
import neo4j from 'neo4j-driver';
import {
  LOOP_PROPERTIES, LOOP_SETS_PER_BATCH, LOOP_TARGET_MS, idLoopCypher, keyIsUnique, keyedBatchCypher, keyedLoopCypher, keyedRangesCypher,
  nextIdWidth, nextLoopBatches, rangeBoundsCypher, rowPreserving,
} from '../../src/core/batch-query.js';
import type { SchemaItem } from '../../src/core/schema.js';
import {
  type Checkpoint, checkpointKey, checkpointProgress, checkpointView, encodeCheckpoint, isResumable, keyBelow, parseCheckpoint, withLoopProgress,
} from '../../src/core/checkpoint.js';
import { backoffDelay, DEFAULT_RETRY, isTransient, retryPolicy } from '../../src/core/retry.js';
import type { AppliedMigration, LocalMigration, MigrationState } from '../../src/core/types.js';
import { progressEvent } from '../../src/runner/batch.js';

const checkpoint: Checkpoint = {
  jobs: [
    { label: 'slugs', lastKey: { type: 'INTEGER', value: '9007199254740993' }, rows: 120_000, batches: 12, done: false, total: 200_000, counters: { propertiesSet: 120_000 } },
    { label: 'tags', lastKey: null, rows: 0, batches: 0, done: false, counters: {} },
  ],
};

describe('checkpoint encoding', () => {
  it('round-trips through the history, an INTEGER key beyond 2^53 included', () => {
    expect(parseCheckpoint(encodeCheckpoint(checkpoint))).toEqual(checkpoint);
  });

  it('keeps where an element-id job begun by an earlier neomig had got (its element id)', () => {
    const old: Checkpoint = { jobs: [{ label: 'ids', lastKey: { type: 'INTEGER', value: '41' }, rows: 30, batches: 3, done: false, counters: {}, before: '4:x:17' }] };
    expect(parseCheckpoint(encodeCheckpoint(old))).toEqual(old);
  });

  it('reads an absent or damaged checkpoint as none', () => {
    for (const text of [null, undefined, '', 'not json', '{"jobs": 3}', '[]']) expect(parseCheckpoint(text)).toBeNull();
  });

  it('records integer, float and string keys, and refuses others naming the type', () => {
    expect(checkpointKey('42', 'INTEGER NOT NULL')).toEqual({ type: 'INTEGER', value: '42' });
    expect(checkpointKey('1.5', 'FLOAT NOT NULL')).toEqual({ type: 'FLOAT', value: '1.5' });
    expect(checkpointKey('4:abc:7', 'STRING NOT NULL')).toEqual({ type: 'STRING', value: '4:abc:7' });
    expect(checkpointKey('2024-01-01', 'DATE NOT NULL')).toBe('a key of type DATE cannot be recorded');
    expect(checkpointKey(null, null)).toBe('the key is null');
  });

  it('shows ctx.checkpoint per label, keys as plain values (a huge integer stays exact as a string)', () => {
    expect(checkpointView(checkpoint)).toEqual({
      slugs: { lastKey: '9007199254740993', rows: 120_000, batches: 12, done: false },
      tags: { lastKey: null, rows: 0, batches: 0, done: false },
    });
    const small: Checkpoint = { jobs: [{ ...checkpoint.jobs[0]!, lastKey: { type: 'INTEGER', value: '50' }, done: true }] };
    expect(checkpointView(small)).toEqual({ slugs: { lastKey: 50, rows: 120_000, batches: 12, done: true } });
    expect(checkpointView(null)).toEqual({});
  });

  it('says how far the jobs got, against their totals when every one is known', () => {
    expect(checkpointProgress({ jobs: [checkpoint.jobs[0]!] })).toBe('120,000/200,000 rows');
    expect(checkpointProgress(checkpoint)).toBe('120,000 rows');
    expect(checkpointProgress({ jobs: [{ ...checkpoint.jobs[1]!, rows: 10, done: true }, checkpoint.jobs[0]!] })).toBe('120,010/200,010 rows');
  });
});

describe('which failed entries up resumes', () => {
  const state = (applied: Partial<AppliedMigration>, more: Partial<MigrationState> = {}): MigrationState => ({
    version: '1.0.0', description: '', status: 'failed', checksumChanged: false, fileMissing: false, outOfOrder: false,
    local: {} as LocalMigration,
    applied: { type: 'typescript', partialChanges: 'unknown', checkpoint, ...applied } as AppliedMigration,
    ...more,
  });
  it.each([
    ['killed mid-job', state({}), true],
    ['stopped by a hard error, changes remain', state({ partialChanges: 'remain' }), true],
    ['undone by its down: up runs it from the start', state({ partialChanges: 'undone' }), false],
    ['no checkpoint (no job started)', state({ checkpoint: null }), false],
    ['the file changed since', state({}, { checksumChanged: true }), false],
    ['the file is gone', state({}, { local: undefined }), false],
    ['a Cypher migration', state({ type: 'cypher' }), false],
    ['applied', state({}, { status: 'applied' }), false],
  ])('%s', (_, s, expected) => {
    expect(isResumable(s)).toBe(expected);
  });
});

describe('retry policy', () => {
  it.each([
    ['Neo.TransientError.Transaction.DeadlockDetected', true],
    ['Neo.TransientError.General.OutOfMemoryError', true],
    ['ServiceUnavailable', true],
    ['SessionExpired', true],
    ['Neo.TransientError.Transaction.Terminated', false],
    ['Neo.TransientError.Transaction.LockClientStopped', false],
    ['Neo.ClientError.Statement.ArithmeticError', false],
    [undefined, false],
  ])('%s is transient: %s', (code, expected) => {
    expect(isTransient(code)).toBe(expected);
  });

  it('doubles from the initial delay up to the cap, jittered between half and all of it', () => {
    const policy = { retries: 5, initialDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });

  it('fills in defaults and refuses nonsense', () => {
    expect(retryPolicy()).toEqual(DEFAULT_RETRY);
    expect(retryPolicy({ retries: 0 })).toEqual({ ...DEFAULT_RETRY, retries: 0 });
    expect(retryPolicy({ retries: -1 })).toBe('retry.retries must be a number of at least 0, not -1');
    expect(retryPolicy({ retries: 1.5 })).toBe('retry.retries must be a whole number, not 1.5');
    expect(retryPolicy({ maxDelayMs: Number.NaN })).toBe('retry.maxDelayMs must be a number of at least 0, not NaN');
  });
});

describe('progress: rate and ETA', () => {
  it('works out the rate on this run\'s rows and the ETA from what is left', () => {
    const e = progressEvent('1.0.0', 'slugs', 'running', { rows: 150_000, batches: 15, total: 200_000, resumedRows: 100_000 }, 10_000, {});
    expect(e).toMatchObject({ rows: 150_000, resumedRows: 100_000, rowsPerSecond: 5000, total: 200_000, etaMs: 10_000 });
    const fresh = progressEvent('1.0.0', 'slugs', 'running', { rows: 50_000, batches: 5, total: 200_000 }, 10_000, {});
    expect(fresh).toMatchObject({ rowsPerSecond: 5000, etaMs: 30_000 });
    expect(fresh.resumedRows).toBeUndefined();
    expect(progressEvent('1.0.0', 'slugs', 'start', { rows: 0, batches: 0, total: 10 }, 0, {}).etaMs).toBeUndefined();
    expect(progressEvent('1.0.0', 'slugs', 'done', { rows: 10, batches: 1, total: 10 }, 5, {}).etaMs).toBe(0);
  });
});

describe('key-ordered batch queries', () => {
  it('walks a unique property with a range from the last key', () => {
    const q = keyedBatchCypher({ match: 'MATCH (b:Book)', where: 'b.slug IS NULL', key: 'b.isbn', update: 'SET b.slug = toLower(b.title)' }, true);
    expect(q).toMatchObject({ by: 'property', count: 'MATCH (b:Book) WHERE (b.slug IS NULL) RETURN count(*) AS total' });
    if (typeof q === 'string') throw new Error(q);
    expect(q.first).toBe('MATCH (b:Book) WHERE b.isbn IS NOT NULL AND (b.slug IS NULL)\n' +
      'WITH *, b.isbn AS neomig_key ORDER BY neomig_key LIMIT $neomigBatchSize\n' +
      'SET b.slug = toLower(b.title)\n' +
      'RETURN count(*) AS rows, toString(max(neomig_key)) AS last, valueType(max(neomig_key)) AS lastType');
    expect(q.next).toContain('WHERE b.isbn > $neomigAfter AND (b.slug IS NULL)');
    // where the server-side form starts a new job: the smallest key of the rows it will walk
    expect(q.firstKey).toBe('MATCH (b:Book) WHERE b.isbn IS NOT NULL AND (b.slug IS NULL)\n' +
      'WITH b.isbn AS neomig_key ORDER BY neomig_key LIMIT 1\n' +
      'RETURN toString(neomig_key) AS last, valueType(neomig_key) AS lastType');
  });

  it('takes every row of the last key into its batch when keys may repeat', () => {
    const q = keyedBatchCypher({ match: '(b:Book)', where: 'b.slug IS NULL', key: 'b.year', update: 'SET b.slug = 1' });
    if (typeof q === 'string') throw new Error(q);
    expect(q.next).toBe('CALL () {\n' +
      '  MATCH (b:Book) WHERE b.year > $neomigAfter AND (b.slug IS NULL)\n' +
      '  WITH b.year AS neomig_key ORDER BY neomig_key LIMIT $neomigBatchSize\n' +
      '  RETURN max(neomig_key) AS neomig_upto\n' +
      '}\n' +
      'MATCH (b:Book) WHERE b.year > $neomigAfter AND b.year <= neomig_upto AND (b.slug IS NULL)\n' +
      'WITH *, b.year AS neomig_key\n' +
      'SET b.slug = 1\n' +
      'RETURN count(*) AS rows, toString(max(neomig_key)) AS last, valueType(max(neomig_key)) AS lastType');
    expect(q.first).toContain('WHERE b.year IS NOT NULL AND b.year <= neomig_upto AND (b.slug IS NULL)');
  });

  it('runs an update that may change the rows in a subquery', () => {
    const q = keyedBatchCypher({ match: '()-[r:WROTE]->()', key: 'r.id', update: 'MATCH (x:Y) SET x.n = r.id' });
    if (typeof q === 'string') throw new Error(q);
    expect(q.next).toContain('CALL (*) {\nMATCH (x:Y) SET x.n = r.id\n}');
  });

  it('walks element ids as ranges of internal ids, each batch a seek by id', () => {
    const q = keyedBatchCypher({ match: '(b:Book)', where: 'b.slug IS NULL', key: 'elementId(b)', update: 'DETACH DELETE b' }, true);
    if (typeof q === 'string') throw new Error(q);
    expect(q.by).toBe('elementId');
    // the two ends in id order (a lookup index answers that from its ends), the count apart
    expect(q.bounds).toBe('CALL () {\n  MATCH (b:Book) WHERE (b.slug IS NULL)\n  WITH b ORDER BY id(b) LIMIT 1\n  RETURN collect(id(b))[0] AS lo\n}\n'
      + 'CALL () {\n  MATCH (b:Book) WHERE (b.slug IS NULL)\n  WITH b ORDER BY id(b) DESC LIMIT 1\n  RETURN collect(id(b))[0] AS hi\n}\n'
      + 'CALL () {\n  MATCH (b:Book) WHERE (b.slug IS NULL)\n  RETURN count(*) AS rows\n}\nRETURN rows, lo, hi');
    expect(q.range).toBe('MATCH (b:Book) WHERE id(b) IN range($neomigAfter + 1, $neomigAfter + $neomigWidth) AND (b.slug IS NULL)\n'
      + 'WITH *, id(b) AS neomig_key ORDER BY neomig_key LIMIT $neomigBatchSize\nDETACH DELETE b\n'
      + 'RETURN count(*) AS rows, toString(max(neomig_key)) AS last, valueType(max(neomig_key)) AS lastType');
    // a job an earlier neomig began leaves out the rows it did: element ids up to its last, in text order
    const old = keyedBatchCypher({ match: '(b:Book)', key: 'elementId(b)', update: 'SET b.x = 1' }, true, true);
    if (typeof old === 'string') throw new Error(old);
    expect(old.range).toContain('WHERE id(b) IN range($neomigAfter + 1, $neomigAfter + $neomigWidth) AND elementId(b) > $neomigBefore\n');
    // its bounds are every row's, whichever the earlier neomig did
    expect(old.bounds).not.toContain('neomigBefore');
  });

  it('takes the rows of a pattern that gives an id several rows whole: up to the batchSize-th key, then every row of those', () => {
    const q = keyedBatchCypher({ match: '(b:Book)-[:BY]->(a:Author)', key: 'elementId(b)', update: 'SET b.authors = 1' }, false);
    if (typeof q === 'string') throw new Error(q);
    expect(q.range).toContain('WITH id(b) AS neomig_key ORDER BY neomig_key LIMIT $neomigBatchSize\n  RETURN max(neomig_key) AS neomig_upto');
    expect(q.range).toContain('MATCH (b:Book)-[:BY]->(a:Author) WHERE id(b) IN range($neomigAfter + 1, $neomigAfter + $neomigWidth) AND id(b) <= neomig_upto');
  });

  it.each([
    [{ match: '(b:Book)', key: 'b.isbn', update: '' }, '`update` is required'],
    [{ match: '(b:Book)', key: 'toLower(b.isbn)', update: 'SET b.x = 1' }, '`key` must be a property of the pattern (e.g. b.isbn) or elementId(b), not "toLower(b.isbn)"'],
    [{ match: '(b:Book)', key: 'a.isbn', update: 'SET b.x = 1' }, '`key` names a, which `match` does not bind'],
    [{ match: '(b:Book)', key: 'b.isbn', update: 'SET b.x = 1 RETURN b' }, '`update` must not RETURN: its rows are counted by ctx.batch()'],
  ])('refuses %j', (spec, message) => {
    expect(keyedBatchCypher(spec)).toBe(message);
  });

  it.each([
    ['SET b.x = 1, b.y = 2', true],
    ['REMOVE b.x SET b:Done', true],
    ['DETACH DELETE b', true],
    ['MATCH (b)-[:R]->(c) SET c.x = 1', false],
    ['SET b.x = 1 WITH b SET b.y = 2', false],
    ["SET b.note = 'match me'", false],
  ])('%s keeps one row per row: %s', (update, expected) => {
    expect(rowPreserving(update)).toBe(expected);
  });
});

describe('keyIsUnique: whether a constraint rules out two rows with one key', () => {
  const constraint = (type: string, labels: string[], properties: string[], entityType: 'NODE' | 'RELATIONSHIP' = 'NODE'): SchemaItem => ({
    kind: 'constraint', name: 'c', type, entityType, labelsOrTypes: labels, properties, propertyType: null, options: null, createStatement: null,
  });
  const spec = (match: string, key: string) => ({ match, key, update: 'SET x.y = 1' });

  it.each([
    ['(b:Book)', 'b.isbn', constraint('UNIQUENESS', ['Book'], ['isbn']), true],
    ['MATCH (b:Book {lang: "en"})', 'b.isbn', constraint('NODE_PROPERTY_UNIQUENESS', ['Book'], ['isbn']), true],
    ['(a:Author)-[w:WROTE]->(b:Book:Old)', 'b.isbn', constraint('NODE_KEY', ['Old'], ['isbn']), false],
    ['(a:Author)-[w:WROTE]->(b:Book)', 'w.id', constraint('RELATIONSHIP_KEY', ['WROTE'], ['id'], 'RELATIONSHIP'), true],
    ['(a:Author)-[w:WROTE]-(b:Book)', 'w.id', constraint('RELATIONSHIP_KEY', ['WROTE'], ['id'], 'RELATIONSHIP'), false],
    ['(b:Book), (m:Magazine)', 'b.isbn', constraint('UNIQUENESS', ['Book'], ['isbn']), false],
    ['(a)<-[w:WROTE]-(b)', 'elementId(w)', undefined, true],
    ['(a)-[w:WROTE*1..2]->(b)', 'elementId(w)', undefined, false],
    ['(b:Book)-[:BY]->(a)', 'elementId(b)', undefined, false],
    ['()-[r:WROTE]->()', 'r.id', constraint('RELATIONSHIP_UNIQUENESS', ['WROTE'], ['id'], 'RELATIONSHIP'), true],
    ['(b:`Old Book`)', 'b.`the isbn`', constraint('UNIQUENESS', ['Old Book'], ['the isbn']), true],
    ['(b:Book)', 'elementId(b)', undefined, true],
    ['(b:Book)', 'b.isbn', constraint('UNIQUENESS', ['Book'], ['isbn', 'lang']), false],
    ['(b:Book)', 'b.isbn', constraint('UNIQUENESS', ['Magazine'], ['isbn']), false],
    ['(b:Book|Magazine)', 'b.isbn', constraint('UNIQUENESS', ['Book'], ['isbn']), false],
    ['(b)', 'b.isbn', constraint('UNIQUENESS', ['Book'], ['isbn']), false],
    ['(b:Book)', 'b.isbn', constraint('NODE_PROPERTY_EXISTENCE', ['Book'], ['isbn']), false],
    ['()-[r:WROTE]->()', 'r.id', constraint('UNIQUENESS', ['WROTE'], ['id']), false],
  ])('%s by %s: %s', (match, key, c, expected) => {
    expect(keyIsUnique(spec(match, key), c ? [c] : [])).toBe(expected);
  });
});

describe('withLoopProgress: what a server-side batch loop recorded after the JSON checkpoint', () => {
  const two: Checkpoint = {
    jobs: [
      { label: 'first', lastKey: { type: 'INTEGER', value: '10' }, rows: 10, batches: 1, done: true, counters: { propertiesSet: 10 } },
      { label: 'second', lastKey: { type: 'STRING', value: 'b' }, rows: 2000, batches: 2, done: false, total: 9000, counters: { propertiesSet: 2000 } },
    ],
  };

  it("moves the job it names to the loop's rows, batches and key, keeping its counters, total and label", () => {
    const merged = withLoopProgress(two, ['2', '7000', '7', 'q"x', 'STRING NOT NULL']);
    expect(merged!.jobs[1]).toEqual({ label: 'second', lastKey: { type: 'STRING', value: 'q"x' }, rows: 7000, batches: 7, done: false, total: 9000, counters: { propertiesSet: 2000 } });
    expect(merged!.jobs[0]).toEqual(two.jobs[0]);
    expect(two.jobs[1]!.rows).toBe(2000);
  });

  it('ignores progress that is not further than the JSON, names no job, or is unreadable', () => {
    expect(withLoopProgress(two, ['2', '2000', '2', 'b', 'STRING'])).toEqual(two);
    expect(withLoopProgress(two, ['3', '7000', '7', 'x', 'STRING'])).toEqual(two);
    expect(withLoopProgress(two, ['2', '7000', '7', 'x', 'LIST<STRING>'])).toEqual(two);
    expect(withLoopProgress(two, null)).toEqual(two);
    expect(withLoopProgress(null, ['1', '5', '5', '5', 'INTEGER'])).toBeNull();
  });
});

/** The history entry a server-side form finds by element id (HistoryStore.entryPattern). */
const entry = '(neomig_entry) WHERE elementId(neomig_entry) = $neomigEntry AND neomig_entry:`SchemaVersion` AND neomig_entry.version = $neomigVersion';

/** The entry properties a query sets, in order. */
function entrySets(cypher: string): string[] {
  return cypher.match(/neomig_entry\.(checkpoint\w+) = /g)!.map((x) => x.replace(/^neomig_entry\.| = $/g, ''));
}

describe('keyedLoopCypher', () => {
  it('runs each batch in its own inner transaction after the key the entry records, and records the next', () => {
    const cypher = keyedLoopCypher({ match: 'MATCH (b:Book)', where: 'b.slug IS NULL', key: 'b.id', update: 'SET b.slug = toLower(b.title)' }, entry, true)!;
    expect(cypher).toContain('} IN TRANSACTIONS OF 1 ROW');
    expect(cypher).toContain('MATCH (b:Book) WHERE b.id > neomig_after AND (b.slug IS NULL)');
    expect(cypher).toContain('coalesce(neomig_entry.checkpointAfter, $neomigAfter)');
    expect(cypher).toContain('coalesce(neomig_entry.checkpointBatches, $neomigDone)');
    // what it records are the properties a JSON checkpoint write clears
    const sets = entrySets(cypher);
    expect(sets).toEqual(['checkpointAfter', 'checkpointJob', 'checkpointRows', 'checkpointBatches']);
    expect(sets.every((p) => (LOOP_PROPERTIES as readonly string[]).includes(p))).toBe(true);
    expect(sets).toHaveLength(LOOP_SETS_PER_BATCH);
    // a row-preserving update is inlined, any other runs in a subquery so its rows are still counted
    expect(cypher).toMatch(/LIMIT \$neomigBatchSize\n\s*SET b.slug/);
    expect(keyedLoopCypher({ match: '(b:Book)', key: 'b.id', update: 'MERGE (t:Tag {name: b.genre})' }, entry, true)).toContain('CALL (*) {\nMERGE');
  });

  it('takes every row of the last key into its batch when keys may repeat', () => {
    const cypher = keyedLoopCypher({ match: '(b:Book)', key: 'b.year', update: 'SET b.x = 1' }, entry, false)!;
    expect(cypher).toContain('CALL (neomig_after) {\n      MATCH (b:Book) WHERE b.year > neomig_after\n      WITH b.year AS neomig_key ORDER BY neomig_key LIMIT $neomigBatchSize');
    expect(cypher).toContain('MATCH (b:Book) WHERE b.year > neomig_after AND b.year <= neomig_upto\n');
    expect(cypher).not.toMatch(/LIMIT \$neomigBatchSize\n\s*SET/);
  });

  it('has no server-side form for element ids or parts that do not make a job', () => {
    expect(keyedLoopCypher({ match: '(b:Book)', key: 'elementId(b)', update: 'SET b.x = 1' }, entry, true)).toBeNull();
    expect(keyedLoopCypher({ match: '(b:Book)', key: 'a.id', update: 'SET b.x = 1' }, entry, false)).toBeNull();
  });
});

describe('idLoopCypher', () => {
  it('takes id ranges after the id the entry records, each its own inner transaction, until they pass the largest id', () => {
    const cypher = idLoopCypher({ match: '(b:Book)', where: 'b.slug IS NULL', key: 'elementId(b)', update: 'SET b.slug = toLower(b.title)' }, entry, true)!;
    expect(cypher).toContain('WHERE neomig_after < $neomigHigh');
    expect(cypher).toContain('MATCH (b:Book) WHERE id(b) IN range(neomig_after + 1, neomig_after + $neomigWidth) AND (b.slug IS NULL)');
    expect(cypher).toContain('LIMIT $neomigBatchSize\n    SET b.slug');
    expect(cypher).toContain('} IN TRANSACTIONS OF 1 ROW');
    // a range that did not fill its batch was walked whole; one that did, up to its last key
    expect(cypher).toContain('CASE WHEN neomig_count < $neomigBatchSize THEN neomig_after + $neomigWidth ELSE neomig_last END');
    // an empty range counts no batch
    expect(cypher).toContain('neomig_done + sign(neomig_count)');
    const sets = entrySets(cypher);
    expect(sets).toEqual(['checkpointAfter', 'checkpointJob', 'checkpointRows', 'checkpointBatches']);
    expect(sets).toHaveLength(LOOP_SETS_PER_BATCH);
    expect(idLoopCypher({ match: '(b:Book)', key: 'elementId(b)', update: 'MERGE (t:Tag {name: b.genre})' }, entry, true)).toContain('CALL (*) {\nMERGE');
  });

  it('is for element ids only', () => {
    expect(idLoopCypher({ match: '(b:Book)', key: 'b.id', update: 'SET b.x = 1' }, entry, true)).toBeNull();
    expect(idLoopCypher({ match: '(b:Book)', key: 'elementId(a)', update: 'SET b.x = 1' }, entry, true)).toBeNull();
  });
});

describe('nextIdWidth: how many ids the next range of an element-id job spans', () => {
  it.each([
    // width, rows found, ids walked, batch size, ids left, next width
    [10_000, 10_000, 10_000, 10_000, 1_000_000, 10_000],
    [100_000, 1_000, 100_000, 10_000, 10_000_000, 400_000], // sparse: grows, at most fourfold
    [40_000, 10_000, 40_000, 10_000, 10_000_000, 40_000], // one row in four ids
    [400_000, 50_000, 20_000, 10_000, 10_000_000, 10_000], // dense again: never below the batch size
    [10_000, 0, 10_000, 10_000, 10_000_000, 40_000], // nothing found
    [10_000, 0, 10_000, 10_000, 25_000, 25_000], // not past the largest id
    [10_000, 0, 10_000, 10_000, 0, 10_000],
  ])('%i ids, %i rows in %i ids, batches of %i, %i left: %i', (width, rows, walked, batchSize, left, expected) => {
    expect(nextIdWidth(width, rows, walked, batchSize, left)).toBe(expected);
  });
});

describe('the concurrent form: key ranges', () => {
  it('works out the upper key of every batchSize-th row after the last key, and of the last row', () => {
    const q = rangeBoundsCypher({ match: '(b:Book)', where: 'b.slug IS NULL', key: 'b.id', update: 'SET b.x = 1' })!;
    expect(q).toContain('MATCH (b:Book) WHERE b.id > $neomigAfter AND (b.slug IS NULL)\nWITH b.id AS neomig_key ORDER BY neomig_key LIMIT $neomigChunkRows');
    expect(q).toContain('range($neomigBatchSize - 1, size(neomig_keys) - 1, $neomigBatchSize)');
    expect(rangeBoundsCypher({ match: '(b:Book)', key: 'elementId(b)', update: 'SET b.x = 1' })).toBeNull();
  });

  it('runs each range in its own concurrent transaction, skipping ranges done, and records it done with the job\'s rows', () => {
    const q = keyedRangesCypher({ match: '(b:Book)', key: 'b.id', update: 'SET b.x = 1' }, entry, 4)!;
    expect(q).toContain('} IN 4 CONCURRENT TRANSACTIONS OF 1 ROW');
    expect(q).toContain('WHERE NOT neomig_i IN coalesce(neomig_entry.checkpointDone, $neomigDoneRanges)');
    expect(q).toContain('MATCH (b:Book) WHERE b.id > neomig_lo AND b.id <= neomig_hi\n    SET b.x = 1');
    // the entry is written (locked) before the totals are read: concurrent ranges add to them in turn
    expect(q.indexOf('SET neomig_entry.checkpointJob')).toBeLessThan(q.indexOf('coalesce(neomig_entry.checkpointRows'));
    const sets = entrySets(q);
    expect(sets).toEqual(['checkpointJob', 'checkpointDone', 'checkpointRows', 'checkpointBatches']);
    expect(sets.every((p) => (LOOP_PROPERTIES as readonly string[]).includes(p))).toBe(true);
    expect(sets).toHaveLength(LOOP_SETS_PER_BATCH);
    expect(keyedRangesCypher({ match: '(b:Book)', key: 'b.id', update: 'SET b.x = 1' }, entry, 1)).toBeNull();
    expect(keyedRangesCypher({ match: '(b:Book)', key: 'elementId(b)', update: 'SET b.x = 1' }, entry, 2)).toBeNull();
  });

  it('reads the ranges in flight back from the checkpoint, with the ranges the entry records done since', () => {
    const chunk = { after: { type: 'INTEGER', value: '0' }, highs: [{ type: 'INTEGER', value: '10' }, { type: 'INTEGER', value: '20' }], done: [], last: true };
    const json = JSON.stringify({ jobs: [{ label: 'ranges', lastKey: null, rows: 0, batches: 0, done: false, counters: {}, chunk }] });
    const parsed = parseCheckpoint(json)!;
    expect(parsed.jobs[0]!.chunk).toEqual(chunk);
    const merged = withLoopProgress(parsed, ['1', '10', '1', null, null], [neo4j.int(1)]);
    expect(merged!.jobs[0]).toMatchObject({ rows: 10, batches: 1, lastKey: null, chunk: { ...chunk, done: [1] } });
    // a loop's key-only progress does not apply to ranges in flight
    expect(withLoopProgress(parsed, ['1', '10', '1', '20', 'INTEGER'])).toEqual(parsed);
  });
});

describe('nextLoopBatches: how many batches the next server-side query runs', () => {
  it('sizes a query to about LOOP_TARGET_MS, growing at most fourfold and shrinking at most by half', () => {
    expect(nextLoopBatches(10, 10, LOOP_TARGET_MS / 2)).toBe(20);
    expect(nextLoopBatches(10, 10, LOOP_TARGET_MS / 100)).toBe(40);
    expect(nextLoopBatches(40, 40, LOOP_TARGET_MS)).toBe(40);
    expect(nextLoopBatches(40, 40, LOOP_TARGET_MS * 10)).toBe(20);
    expect(nextLoopBatches(1, 1, LOOP_TARGET_MS * 10)).toBe(1);
    expect(nextLoopBatches(10, 10, 0)).toBe(40);
  });

  it('keeps the size when the query ended the job or ran nothing', () => {
    expect(nextLoopBatches(10, 3, 5)).toBe(10);
    expect(nextLoopBatches(10, 0, 5)).toBe(10);
  });
});

describe('keyBelow: where a server-side loop starts so that it takes the smallest key too', () => {
  it('gives a key of the same type below it', () => {
    expect(keyBelow({ type: 'INTEGER', value: '1' })).toEqual({ type: 'INTEGER', value: '0' });
    expect(keyBelow({ type: 'INTEGER', value: '-9007199254740993' })).toEqual({ type: 'INTEGER', value: '-9007199254740994' });
    expect(keyBelow({ type: 'FLOAT', value: '0.5' })).toEqual({ type: 'FLOAT', value: '-Infinity' });
    expect(keyBelow({ type: 'STRING', value: 'a' })).toEqual({ type: 'STRING', value: '' });
  });

  it('gives none when nothing of the type is below it', () => {
    expect(keyBelow({ type: 'INTEGER', value: '-9223372036854775808' })).toBeNull();
    expect(keyBelow({ type: 'FLOAT', value: '-Infinity' })).toBeNull();
    expect(keyBelow({ type: 'FLOAT', value: 'NaN' })).toBeNull();
    expect(keyBelow({ type: 'STRING', value: '' })).toBeNull();
    expect(keyBelow(null)).toBeNull();
  });
});
