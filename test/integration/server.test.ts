/**
 * Proves the integration tests run against a real Neo4j that enforces the rules neomig's runner is built
 * around, on whichever version NEOMIG_NEO4J_VERSION selected (or the server NEO4J_URI names).
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { selectedNeo4jVersion } from '../../tools/neo4j-local/versions.js';
import { openDriver, probeUser, resetDatabase, testServer, userSchema } from '../support/neo4j.js';

let driver: Driver;

async function count(cypher: string): Promise<number> {
  const { records } = await driver.executeQuery(cypher);
  return Number(records[0]?.get(0));
}

beforeAll(() => {
  driver = openDriver();
});
afterAll(async () => {
  await driver?.close();
});
beforeEach(async () => {
  await resetDatabase(driver);
});

describe('the test server', () => {
  it('is the Neo4j version that was asked for, community edition', async () => {
    const server = testServer();
    const { records } = await driver.executeQuery(
      "CALL dbms.components() YIELD name, versions, edition WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version, edition",
    );
    const version = records[0]?.get('version') as string;
    const edition = records[0]?.get('edition') as string;
    expect(version).toBe(server.version);
    if (server.provider === 'env') return; // NEO4J_URI: whatever server the user pointed at
    expect(version).toBe(selectedNeo4jVersion().version);
    expect(edition).toBe('community');
  });

  it('speaks Cypher 25 by default on the calendar line, Cypher 5 on the LTS line', async (ctx) => {
    const server = testServer();
    if (server.provider === 'env') ctx.skip();
    const expected = selectedNeo4jVersion().cypher25 ? 'CYPHER_25' : undefined;
    const { records } = await driver.executeQuery(
      "SHOW SETTINGS YIELD name, value WHERE name = 'db.query.default_language' RETURN value",
    );
    // 5.26 has no such setting (it only knows Cypher 5).
    expect(records[0]?.get('value')).toBe(expected);
  });

  it('refuses a transaction that changes the schema and then writes data', async () => {
    const session = driver.session();
    const tx = session.beginTransaction();
    try {
      await expect(
        (async () => {
          await tx.run('CREATE CONSTRAINT server_test_mixed FOR (n:ServerTest) REQUIRE n.id IS UNIQUE');
          await tx.run('CREATE (:ServerTest {id: 1})');
          await tx.commit();
        })(),
      ).rejects.toMatchObject({ code: 'Neo.ClientError.Transaction.ForbiddenDueToTransactionType' });
    } finally {
      if (tx.isOpen()) await tx.rollback();
      await session.close();
    }
    // Nothing of it stuck.
    expect(await userSchema(driver)).toEqual([]);
    expect(await count('MATCH (n:ServerTest) RETURN count(n)')).toBe(0);
  });

  it('runs CALL { } IN TRANSACTIONS only in an implicit transaction', async () => {
    const query = 'UNWIND range(1, 5) AS i CALL (i) { CREATE (:ServerTestBatch {i: i}) } IN TRANSACTIONS OF 2 ROWS';
    // The server's answer (same code on 5.26 and 2026.x; GQL status 50N42 on 5.26, 25N17 on 2026.x):
    const refused = { code: 'Neo.DatabaseError.Transaction.TransactionStartFailed' };

    const explicit = driver.session();
    const tx = explicit.beginTransaction();
    try {
      await expect(tx.run(query)).rejects.toMatchObject(refused);
    } finally {
      if (tx.isOpen()) await tx.rollback();
      await explicit.close();
    }

    const managed = driver.session();
    try {
      await expect(managed.executeWrite((t) => t.run(query))).rejects.toMatchObject(refused);
    } finally {
      await managed.close();
    }
    expect(await count('MATCH (n:ServerTestBatch) RETURN count(n)')).toBe(0);

    const implicit = driver.session();
    try {
      const result = await implicit.run(query);
      expect(result.summary.counters.updates().nodesCreated).toBe(5);
    } finally {
      await implicit.close();
    }
    expect(await count('MATCH (n:ServerTestBatch) RETURN count(n)')).toBe(5);
  });

  it('rejects a wrong password', async () => {
    const server = testServer();
    const user = await probeUser(driver);
    const wrong = neo4j.driver(server.uri, neo4j.auth.basic(user, `${server.password}-wrong`));
    try {
      await expect(wrong.verifyConnectivity()).rejects.toMatchObject({ code: 'Neo.ClientError.Security.Unauthorized' });
    } finally {
      await wrong.close();
    }
  });
});

describe('test support', () => {
  it('userSchema lists constraints and standalone indexes with the same types on every version', async () => {
    await driver.executeQuery('CREATE CONSTRAINT st_person_id FOR (p:Person) REQUIRE p.id IS UNIQUE');
    await driver.executeQuery('CREATE CONSTRAINT st_knows_id FOR ()-[k:KNOWS]-() REQUIRE k.id IS UNIQUE');
    await driver.executeQuery('CREATE INDEX st_person_name FOR (p:Person) ON (p.name)');
    await driver.executeQuery('CREATE TEXT INDEX st_person_bio FOR (p:Person) ON (p.bio)');
    await driver.executeQuery('CREATE CONSTRAINT neomig_lock_id FOR (l:NeomigTestLock) REQUIRE l.id IS UNIQUE');
    expect(await userSchema(driver)).toEqual([
      { kind: 'constraint', name: 'st_knows_id', type: 'RELATIONSHIP_UNIQUENESS', labelsOrTypes: ['KNOWS'], properties: ['id'] },
      { kind: 'constraint', name: 'st_person_id', type: 'UNIQUENESS', labelsOrTypes: ['Person'], properties: ['id'] },
      { kind: 'index', name: 'st_person_bio', type: 'TEXT', labelsOrTypes: ['Person'], properties: ['bio'] },
      { kind: 'index', name: 'st_person_name', type: 'RANGE', labelsOrTypes: ['Person'], properties: ['name'] },
    ]);
  });

  it('resetDatabase leaves no user constraint, index, node or relationship (and keeps the LOOKUP indexes)', async () => {
    await driver.executeQuery('CREATE CONSTRAINT st_book_isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE');
    await driver.executeQuery('CREATE INDEX st_book_title FOR (b:Book) ON (b.title)');
    await driver.executeQuery('CREATE FULLTEXT INDEX st_book_text FOR (b:Book) ON EACH [b.title]');
    await driver.executeQuery('CREATE CONSTRAINT neomig_schema_version FOR (v:SchemaVersionTest) REQUIRE v.version IS UNIQUE');
    // More nodes than one deletion batch.
    await driver.executeQuery('UNWIND range(1, 6000) AS i CREATE (b:Book {isbn: toString(i)})-[:HAS]->(:Page {n: i})');
    expect(await count('MATCH (n) RETURN count(n)')).toBe(12000);

    await resetDatabase(driver);

    expect(await userSchema(driver)).toEqual([]);
    expect(await count('SHOW CONSTRAINTS YIELD name RETURN count(*)')).toBe(0); // neomig_ ones too
    expect(await count("SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*)")).toBe(0);
    expect(await count("SHOW INDEXES YIELD type WHERE type = 'LOOKUP' RETURN count(*)")).toBe(2);
    expect(await count('MATCH (n) RETURN count(n)')).toBe(0);
    expect(await count('MATCH ()-[r]->() RETURN count(r)')).toBe(0);
  });
});
