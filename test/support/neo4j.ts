/**
 * Helpers for integration tests. The server is started once per run by test/support/global-setup.ts
 * (see tools/neo4j-local/provider.ts) and handed to test files with vitest's provide/inject.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';

import type { Neo4jConnection } from '../../tools/neo4j-local/provider.js';

/** What tests get: where the server is, who to log in as, and what it is. */
export type TestServer = Neo4jConnection;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The integration project's Neo4j (set by test/support/global-setup.ts). */
    neo4j: TestServer;
  }
}

/** The Neo4j this run's integration tests use: { uri, username, password, version, edition, provider }. */
export function testServer(): TestServer {
  const server = inject('neo4j');
  if (!server) {
    throw new Error('No test Neo4j was provided: testServer() works in the integration project only (vitest --project integration)');
  }
  return server;
}

/** A driver for the test server; close it in afterAll. */
export function openDriver(server: TestServer = testServer()): Driver {
  return neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password));
}

function quoteName(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

async function names(driver: Driver, cypher: string): Promise<string[]> {
  const { records } = await driver.executeQuery(cypher);
  return records.map((r) => String(r.get('name')));
}

/**
 * Empties the database: drops every constraint (first: they own indexes), then every index except the
 * LOOKUP ones, then deletes all nodes and relationships in batches. neomig's own schema goes too.
 * Recreates the two LOOKUP indexes if a test dropped them, so every test starts from a fresh database.
 */
export async function resetDatabase(driver: Driver): Promise<void> {
  for (const name of await names(driver, 'SHOW CONSTRAINTS YIELD name RETURN name')) {
    await driver.executeQuery(`DROP CONSTRAINT ${quoteName(name)} IF EXISTS`);
  }
  for (const name of await names(driver, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")) {
    await driver.executeQuery(`DROP INDEX ${quoteName(name)} IF EXISTS`);
  }
  // CALL { } IN TRANSACTIONS needs an implicit (auto-commit) transaction: session.run, not executeQuery.
  const session = driver.session();
  try {
    try {
      await session.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
    } catch (e) {
      if ((e as { code?: string }).code !== 'Neo.ClientError.Statement.SyntaxError') throw e;
      // Servers before 5.23 have no variable scope clause.
      await session.run('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
    }
  } finally {
    await session.close();
  }
  const lookups = await driver.executeQuery("SHOW INDEXES YIELD type, entityType WHERE type = 'LOOKUP' RETURN collect(entityType) AS kinds");
  const kinds = (lookups.records[0]?.get('kinds') ?? []) as string[];
  let created = false;
  if (!kinds.includes('NODE')) {
    await driver.executeQuery('CREATE LOOKUP INDEX IF NOT EXISTS FOR (n) ON EACH labels(n)');
    created = true;
  }
  if (!kinds.includes('RELATIONSHIP')) {
    await driver.executeQuery('CREATE LOOKUP INDEX IF NOT EXISTS FOR ()-[r]-() ON EACH type(r)');
    created = true;
  }
  if (created) await driver.executeQuery('CALL db.awaitIndexes(300)');
}

export interface SchemaRow {
  kind: 'constraint' | 'index';
  name: string;
  /**
   * As SHOW CONSTRAINTS / SHOW INDEXES say under Cypher 5. Cypher 25 (the default on 2025.x+ servers
   * configured for it) names two constraint types differently; they are mapped back so that one
   * expectation holds on every server: NODE_PROPERTY_UNIQUENESS -> UNIQUENESS,
   * RELATIONSHIP_PROPERTY_UNIQUENESS -> RELATIONSHIP_UNIQUENESS.
   */
  type: string;
  labelsOrTypes: string[] | null;
  properties: string[] | null;
}

const CYPHER25_CONSTRAINT_TYPES: Record<string, string> = {
  NODE_PROPERTY_UNIQUENESS: 'UNIQUENESS',
  RELATIONSHIP_PROPERTY_UNIQUENESS: 'RELATIONSHIP_UNIQUENESS',
};

/** Maps a SHOW CONSTRAINTS `type` to its Cypher 5 name (unchanged if it already is one). */
export function cypher5ConstraintType(type: string): string {
  return CYPHER25_CONSTRAINT_TYPES[type] ?? type;
}

/**
 * The user's schema, sorted: constraints (by name), then indexes (by name). Leaves out LOOKUP indexes,
 * indexes that back a constraint (the constraint row stands for them), and names starting with `neomig_`
 * (neomig's own schema).
 */
export async function userSchema(driver: Driver): Promise<SchemaRow[]> {
  const constraints = await driver.executeQuery(
    "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties WHERE NOT name STARTS WITH 'neomig_' RETURN name, type, labelsOrTypes, properties ORDER BY name",
  );
  const indexes = await driver.executeQuery(
    "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint WHERE type <> 'LOOKUP' AND owningConstraint IS NULL AND NOT name STARTS WITH 'neomig_' RETURN name, type, labelsOrTypes, properties ORDER BY name",
  );
  const row = (kind: SchemaRow['kind'], r: (typeof constraints.records)[number]): SchemaRow => ({
    kind,
    name: String(r.get('name')),
    type: kind === 'constraint' ? cypher5ConstraintType(String(r.get('type'))) : String(r.get('type')),
    labelsOrTypes: (r.get('labelsOrTypes') as string[] | null) ?? null,
    properties: (r.get('properties') as string[] | null) ?? null,
  });
  return [...constraints.records.map((r) => row('constraint', r)), ...indexes.records.map((r) => row('index', r))];
}

/**
 * A second, real user for tests that log in with a wrong password. Neo4j locks a user out for a few
 * seconds after repeated failed logins; failing as this user leaves the test user's logins working.
 */
export async function probeUser(driver: Driver): Promise<string> {
  const name = 'neomig_probe';
  await driver.executeQuery(
    `CREATE USER ${name} IF NOT EXISTS SET PASSWORD $password CHANGE NOT REQUIRED`,
    { password: `probe-${Math.random().toString(36).slice(2)}-pw` },
    { database: 'system' },
  );
  return name;
}

/**
 * The hooks every integration file needs: one driver for the file (handed to `use`), and a database
 * wiped before each test so that files and tests run in any order. `before` runs once first (e.g.
 * building the CLI).
 */
export function useCleanDatabase(use: (driver: Driver) => void, before?: () => void): void {
  let driver: Driver;
  beforeAll(() => {
    before?.();
    driver = openDriver();
    use(driver);
  }, 180_000);
  afterAll(async () => {
    await driver.close();
  });
  beforeEach(async () => {
    await resetDatabase(driver);
  });
}

/** The test server's connection as the environment variables the CLI reads. */
export function connectionEnv(): Record<string, string> {
  const s = testServer();
  return { NEO4J_URI: s.uri, NEO4J_USERNAME: s.username, NEO4J_PASSWORD: s.password };
}

/**
 * Waits until the server runs no transaction but the one asking. A commit a killed client sent just
 * before it died still lands after its death: a test that reads before that sees the database at two
 * moments (Neo4j reads at read-committed isolation).
 */
export async function serverIdle(driver: Driver, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await driver.executeQuery("SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN count(*) AS n");
    if (Number(r.records[0]!.get('n')) === 0) return;
    if (Date.now() > deadline) throw new Error(`the server still runs other transactions after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
