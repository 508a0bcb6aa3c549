import type { Neo4jClient } from './client.js';

/** Names of every procedure and function the server offers (for `requires.procedures`). */
export async function callableNames(client: Neo4jClient): Promise<Set<string>> {
  const procedures = await client.rows('SHOW PROCEDURES YIELD name RETURN name', {}, 'read');
  const functions = await client.rows('SHOW FUNCTIONS YIELD name RETURN name', {}, 'read');
  return new Set([...procedures, ...functions].map((r) => String(r['name'])));
}

export interface SchemaObject {
  name: string;
  kind: 'constraint' | 'index';
  type: string;
}

/**
 * The constraints and indexes a user made: without neomig's own (named neomig_*), without the two
 * LOOKUP indexes every database has, and without the indexes that back constraints.
 */
export async function userSchema(client: Neo4jClient): Promise<SchemaObject[]> {
  const constraints = await client.rows('SHOW CONSTRAINTS YIELD name, type RETURN name, type', {}, 'read');
  const indexes = await client.rows('SHOW INDEXES YIELD name, type, owningConstraint RETURN name, type, owningConstraint', {}, 'read');
  const out: SchemaObject[] = [];
  for (const c of constraints) {
    const name = String(c['name']);
    if (!name.startsWith('neomig_')) out.push({ name, kind: 'constraint', type: String(c['type']) });
  }
  for (const i of indexes) {
    const name = String(i['name']);
    if (name.startsWith('neomig_') || i['type'] === 'LOOKUP' || i['owningConstraint'] !== null) continue;
    out.push({ name, kind: 'index', type: String(i['type']) });
  }
  return out;
}

/** Deletes every node and relationship in batches, then every constraint and index (LOOKUP ones stay). */
export async function wipeDatabase(client: Neo4jClient): Promise<{ nodesDeleted: number; constraintsDropped: string[]; indexesDropped: string[] }> {
  const session = client.session();
  let nodesDeleted = 0;
  try {
    const result = await client.implicit(session, 'MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
    nodesDeleted = result.summary.counters.updates().nodesDeleted;
  } finally {
    await session.close();
  }
  const constraints = (await client.rows('SHOW CONSTRAINTS YIELD name RETURN name', {}, 'read')).map((r) => String(r['name']));
  const indexes = (
    await client.rows("SHOW INDEXES YIELD name, type, owningConstraint WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN name", {}, 'read')
  ).map((r) => String(r['name']));
  if (constraints.length + indexes.length > 0) {
    await client.writeTransaction(async (run) => {
      // names come from the server itself; backticks escaped for names with odd characters
      for (const name of constraints) await run(`DROP CONSTRAINT ${quote(name)} IF EXISTS`);
      for (const name of indexes) await run(`DROP INDEX ${quote(name)} IF EXISTS`);
    });
  }
  return { nodesDeleted, constraintsDropped: constraints, indexesDropped: indexes };
}

function quote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}
