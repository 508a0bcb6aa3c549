/** readSchema: the one reader of constraints and indexes that fingerprints, check, schema pull/diff and drift share. */
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { describeSchemaItem } from '../../src/core/schema.js';
import { readSchema } from '../../src/neo4j/catalog.js';
import { Neo4jClient } from '../../src/neo4j/client.js';
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
