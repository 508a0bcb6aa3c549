/** readSchema: the one reader of constraints and indexes that fingerprints, check, schema pull/diff and drift share. */
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type SchemaItem, definitionKey, describeSchemaItem, schemaDelta } from '../../src/core/schema.js';
import { schemaAfterStatements } from '../../src/core/schema-step.js';
import { readSchema } from '../../src/neo4j/catalog.js';
import { Neo4jClient, countersOf } from '../../src/neo4j/client.js';
import { openDriver, resetDatabase, testServer } from '../support/neo4j.js';
import { useSecondServer } from '../support/second-server.js';

let driver: Driver;
let client: Neo4jClient;

beforeAll(async () => {
  driver = openDriver();
  const s = testServer();
  client = await Neo4jClient.connect({ uri: s.uri, username: s.username, password: s.password, database: 'neo4j', connectionTimeoutMs: 30_000 });
});
afterAll(async () => {
  await client?.close();
  await driver?.close();
});
beforeEach(async () => {
  await resetDatabase(driver);
});

describe('readSchema', () => {
  it('reads constraints with their backing index options, user indexes and lookups, not the backing indexes', async () => {
    await driver.executeQuery('CREATE CONSTRAINT user_email FOR (u:User) REQUIRE u.email IS UNIQUE');
    await driver.executeQuery('CREATE INDEX book_title FOR (b:Book) ON (b.title)');
    await driver.executeQuery('CREATE TEXT INDEX loan_note FOR ()-[l:LOAN]-() ON (l.note)');
    await driver.executeQuery('CREATE CONSTRAINT neomig_probe FOR (x:NeomigProbe) REQUIRE x.id IS UNIQUE');
    const items = await readSchema(client);
    const byName = new Map(items.map((i) => [i.name, i]));
    expect(byName.has('neomig_probe')).toBe(false);
    expect(items.filter((i) => i.kind === 'index' && i.type !== 'LOOKUP').map((i) => i.name)).toEqual(['book_title', 'loan_note']);
    expect(items.filter((i) => i.type === 'LOOKUP')).toHaveLength(2);
    const email = byName.get('user_email')!;
    expect(email).toMatchObject({ kind: 'constraint', entityType: 'NODE', labelsOrTypes: ['User'], properties: ['email'] });
    expect(email.type).toMatch(/UNIQUENESS/);
    expect(email.options).not.toBeNull();
    expect(email.createStatement).toMatch(/CREATE CONSTRAINT/);
    expect(describeSchemaItem(byName.get('loan_note')!)).toBe('index loan_note (TEXT [:LOAN](note))');
  });
});

describe('the schema told from statements and their counters (fingerprints of schema migrations)', () => {
  const same = (items: SchemaItem[]) => items.map((i) => `${i.kind} ${i.name} ${definitionKey(i)}`).sort();

  it('is what readSchema reads after each statement, for every index type and the constraints Community has', async () => {
    const defaultNodeLookup = (await readSchema(client)).find((i) => i.type === 'LOOKUP' && i.entityType === 'NODE')!.name;
    const statements = [
      'CREATE INDEX s_range FOR (n:Book) ON (n.title)',
      'CREATE RANGE INDEX s_composite IF NOT EXISTS FOR (n:Book) ON (n.a, n.b)',
      'CREATE INDEX s_rel FOR ()-[r:LOAN]-() ON (r.since)',
      'CREATE TEXT INDEX s_text FOR (n:Book) ON (n.blurb)',
      'CREATE POINT INDEX s_point FOR (n:Place) ON (n.location)',
      'CREATE FULLTEXT INDEX s_fulltext FOR (n:Book|Author) ON EACH [n.title, n.name]',
      "CREATE FULLTEXT INDEX s_fulltext_rel FOR ()-[r:LOAN]-() ON EACH [r.note] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}",
      "CREATE VECTOR INDEX s_vector FOR (n:Doc) ON (n.embedding) OPTIONS {indexConfig: {`vector.dimensions`: 4, `vector.similarity_function`: 'cosine'}}",
      'CREATE CONSTRAINT s_unique FOR (n:User) REQUIRE n.email IS UNIQUE',
      'CREATE CONSTRAINT s_composite_unique FOR (n:User) REQUIRE (n.first, n.last) IS UNIQUE',
      'CREATE CONSTRAINT s_rel_unique FOR ()-[r:LOAN]-() REQUIRE r.id IS UNIQUE',
      `DROP INDEX ${defaultNodeLookup}`,
      'CREATE LOOKUP INDEX s_lookup FOR (n) ON EACH labels(n)',
      'CREATE INDEX s_range IF NOT EXISTS FOR (n:Book) ON (n.title)',
      'CREATE INDEX s_equivalent IF NOT EXISTS FOR (n:Book) ON (n.title)',
      'DROP INDEX s_text',
      'DROP CONSTRAINT s_unique',
      'DROP INDEX s_gone IF EXISTS',
      // resetDatabase recreates the default lookup, unnamed
      'DROP INDEX s_lookup',
    ];
    let told = await readSchema(client);
    const session = driver.session();
    try {
      for (const text of statements) {
        const before = told;
        const counters = countersOf(await session.run(text));
        const after = schemaAfterStatements(before, [{ text, counters }]);
        const read = await readSchema(client);
        expect(after, text).not.toBeNull();
        expect(same(after!), text).toEqual(same(read));
        // what a fingerprint records: the same items added and dropped either way
        const delta = (d: { added: SchemaItem[]; dropped: SchemaItem[] }) => ({ added: same(d.added), dropped: same(d.dropped) });
        expect(delta(schemaDelta(before, after!)), text).toEqual(delta(schemaDelta(before, read)));
        told = after!;
      }
    } finally {
      await session.close();
    }
  });

  it('gives up (null) on an unnamed CREATE, whose name the server picks', async () => {
    const text = 'CREATE INDEX FOR (n:Book) ON (n.year)';
    const { summary } = await driver.executeQuery(text);
    expect(summary.counters.updates().indexesAdded).toBe(1);
    expect(schemaAfterStatements(await readSchema(client), [{ text, counters: { indexesAdded: 1 } }])).toBeNull();
  });
});

describe('a second server', () => {
  const second = useSecondServer();
  it('is another database: what one holds the other does not', async () => {
    const other = openDriver(second());
    try {
      await driver.executeQuery('CREATE (:OnlyInFirst)');
      const { records } = await other.executeQuery('MATCH (n:OnlyInFirst) RETURN count(n) AS n');
      expect(Number(records[0]?.get('n'))).toBe(0);
      expect(second().uri).not.toBe(testServer().uri);
    } finally {
      await other.close();
    }
  });
});
