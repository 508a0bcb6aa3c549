/**
 * Which rows a key-ordered ctx.batch() job walks, against the real Neo4j: by element id, a label
 * scattered among other nodes or packed in one stretch of ids, a pattern that gives a node several rows,
 * relationships; by a unique property, a pattern that gives a key several rows. Every row is processed
 * exactly once, whether the batches run on the server or from neomig (a migration with a timeout), and
 * no transaction takes more than its batchSize keys.
 */
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchProgressEvent } from '../../src/runner/types.js';
import { ensureBuilt } from '../support/cli.js';
import { migrationsDir, removeMigrationDirs, testMigrator } from '../support/migrations.js';
import { useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => removeMigrationDirs());

async function counts(cypher: string): Promise<[number, number][]> {
  const r = await driver.executeQuery(cypher);
  return r.records.map((x) => [Number(x.get('n')), Number(x.get('c'))]);
}

/** A migration with one ctx.batch() job (`options`: its object, as code); its result goes to the log. */
function job(options: string, timeout = false): string {
  return `export default {
    ${timeout ? "timeout: '60s'," : ''}
    async up(ctx) {
      const r = await ctx.batch({ label: 'walk', ${options} });
      ctx.log.info('result ' + JSON.stringify(r));
    },
  };`;
}

describe.each([
  { where: 'on the server', timeout: false },
  { where: 'from neomig (a timeout)', timeout: true },
])('ctx.batch jobs walk every row exactly once, batches $where', ({ timeout }) => {
  async function run(options: string): Promise<{ rows: number; batches: number; events: BatchProgressEvent[] }> {
    const m = testMigrator(migrationsDir({ 'V1__walk.ts': job(options, timeout) }));
    try {
      await m.up();
      const events = m.events.filter((e): e is BatchProgressEvent => e.type === 'batch:progress');
      const done = events.at(-1)!;
      expect(done.phase).toBe('done');
      return { rows: done.rows, batches: done.batches, events };
    } finally {
      await m.close();
    }
  }

  it('by element id, a label scattered among other nodes and packed at the end', async () => {
    // one :Item in ten nodes, then 1,000 :Item nodes in a row: the ranges must widen, then narrow
    await driver.executeQuery('UNWIND range(1, 2000) AS k CREATE (:Other {k: k}) WITH k WHERE k % 10 = 0 CREATE (:Item {k: k})');
    await driver.executeQuery('UNWIND range(1, 1000) AS k CREATE (:Item {k: 10000 + k})');
    const { rows, batches } = await run(`match: '(i:Item)', key: 'elementId(i)', update: 'SET i.n = coalesce(i.n, 0) + 1', batchSize: 50`);
    expect(await counts('MATCH (i:Item) RETURN i.n AS n, count(*) AS c')).toEqual([[1, 1200]]);
    expect(rows).toBe(1200);
    // no batch took more than 50 rows
    expect(batches).toBeGreaterThanOrEqual(24);
    expect(await counts('MATCH (o:Other) RETURN coalesce(o.n, 0) AS n, count(*) AS c')).toEqual([[0, 2000]]);
  });

  it('by element id, a pattern that gives each node several rows: all of a node\'s rows in one batch', async () => {
    await driver.executeQuery('UNWIND range(1, 500) AS k CREATE (i:Item {k: k}) CREATE (i)-[:IN]->(:Group), (i)-[:IN]->(:Group)');
    const { rows } = await run(`match: '(i:Item)-[:IN]->(g:Group)', key: 'elementId(i)', update: 'SET i.n = coalesce(i.n, 0) + 1', batchSize: 7`);
    expect(await counts('MATCH (i:Item) RETURN i.n AS n, count(*) AS c')).toEqual([[2, 500]]);
    expect(rows).toBe(1000);
  });

  it('by element id, relationships', async () => {
    await driver.executeQuery('UNWIND range(1, 300) AS k CREATE (:Item {k: k})-[:IN]->(:Group)-[:NEAR]->(:Group)');
    const { rows } = await run(`match: '()-[r:IN]->()', key: 'elementId(r)', update: 'SET r.n = coalesce(r.n, 0) + 1', batchSize: 40`);
    expect(await counts('MATCH ()-[r:IN]->() RETURN r.n AS n, count(*) AS c')).toEqual([[1, 300]]);
    expect(await counts('MATCH ()-[r:NEAR]->() RETURN coalesce(r.n, 0) AS n, count(*) AS c')).toEqual([[0, 300]]);
    expect(rows).toBe(300);
  });

  it('by element id, nothing to walk', async () => {
    expect(await run(`match: '(i:Item)', key: 'elementId(i)', update: 'SET i.n = 1', batchSize: 10`)).toMatchObject({ rows: 0 });
  });

  it('by a unique property, a pattern that gives each key several rows', async () => {
    await driver.executeQuery('CREATE CONSTRAINT item_k_unique IF NOT EXISTS FOR (i:Item) REQUIRE i.k IS UNIQUE');
    await driver.executeQuery('UNWIND range(1, 500) AS k CREATE (i:Item {k: k}) CREATE (i)-[:IN]->(:Group), (i)-[:IN]->(:Group)');
    const { rows } = await run(`match: '(g:Group)<-[:IN]-(i:Item)', key: 'i.k', update: 'SET i.n = coalesce(i.n, 0) + 1', batchSize: 7`);
    expect(await counts('MATCH (i:Item) RETURN i.n AS n, count(*) AS c')).toEqual([[2, 500]]);
    expect(rows).toBe(1000);
  });
});

it('resumes an element-id job that an earlier neomig began, leaving out the rows it did (element ids in text order)', async () => {
  await driver.executeQuery('UNWIND range(1, 300) AS k CREATE (:Item {k: k})');
  await driver.executeQuery('MATCH (i:Item {k: 150}) SET i.bad = true');
  const m = testMigrator(migrationsDir({
    'V1__divide.ts': `export default {
      async up(ctx) {
        await ctx.batch({ label: 'divide', match: '(i:Item)', key: 'elementId(i)', batchSize: 10,
          update: 'SET i.n = coalesce(i.n, 0) + 1, i.q = CASE WHEN i.bad THEN 1 / 0 ELSE i.k END' });
      },
    };`,
  }));
  try {
    await m.up().catch(() => undefined);
    expect((await m.status()).migrations[0]!.applied).toMatchObject({ status: 'failed', partialChanges: 'remain' });
    // what the earlier form would have left: the first 120 element ids in text order done, and its checkpoint
    const ids = (await driver.executeQuery('MATCH (i:Item) RETURN elementId(i) AS id ORDER BY id')).records.map((r) => r.get('id') as string);
    const last = ids[119]!;
    const session = driver.session();
    try {
      await session.run('MATCH (i:Item) REMOVE i.n, i.q, i.bad');
      await session.run('MATCH (i:Item) WHERE elementId(i) <= $last SET i.n = 1', { last });
      const checkpoint = { jobs: [{ label: 'divide', lastKey: { type: 'STRING', value: last }, rows: 120, batches: 12, done: false, total: 300, counters: {} }] };
      await session.run(`MATCH (v:SchemaVersion) SET v.checkpoint = $json, v.checkpointAfter = null, v.checkpointJob = null,
        v.checkpointRows = null, v.checkpointBatches = null`, { json: JSON.stringify(checkpoint) });
    } finally {
      await session.close();
    }
    const result = await m.up();
    expect(result.applied.map((a) => a.version)).toEqual(['1.0.0']);
    expect(await counts('MATCH (i:Item) RETURN i.n AS n, count(*) AS c')).toEqual([[1, 300]]);
    const done = m.events.filter((e): e is BatchProgressEvent => e.type === 'batch:progress').at(-1)!;
    expect(done).toMatchObject({ phase: 'done', rows: 300, total: 300, resumedRows: 120 });
  } finally {
    await m.close();
  }
});
