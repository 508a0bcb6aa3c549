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

  it('by a property, two batches at once, fewer rows than one batch', async () => {
    await driver.executeQuery('CREATE INDEX item_k IF NOT EXISTS FOR (i:Item) ON (i.k)');
    await driver.executeQuery('UNWIND range(1, 50) AS k CREATE (:Item {k: k})');
    const { rows } = await run(`match: '(i:Item)', key: 'i.k', update: 'SET i.n = coalesce(i.n, 0) + 1', batchSize: 100, concurrency: 2`);
    expect(await counts('MATCH (i:Item) RETURN i.n AS n, count(*) AS c')).toEqual([[1, 50]]);
    expect(rows).toBe(50);
  });

  it('by a unique property, a pattern that gives each key several rows', async () => {
    await driver.executeQuery('CREATE CONSTRAINT item_k_unique IF NOT EXISTS FOR (i:Item) REQUIRE i.k IS UNIQUE');
    await driver.executeQuery('UNWIND range(1, 500) AS k CREATE (i:Item {k: k}) CREATE (i)-[:IN]->(:Group), (i)-[:IN]->(:Group)');
    const { rows } = await run(`match: '(g:Group)<-[:IN]-(i:Item)', key: 'i.k', update: 'SET i.n = coalesce(i.n, 0) + 1', batchSize: 7`);
    expect(await counts('MATCH (i:Item) RETURN i.n AS n, count(*) AS c')).toEqual([[2, 500]]);
    expect(rows).toBe(1000);
  });
});
