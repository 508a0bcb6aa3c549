import neo4j, { type Integer } from 'neo4j-driver';
import type { SchemaItem } from '../core/schema.js';
import type { Neo4jClient } from './client.js';

/** Names of every procedure and function the server offers (for `requires.procedures`). */
export async function callableNames(client: Neo4jClient): Promise<Set<string>> {
  const procedures = await client.rows('SHOW PROCEDURES YIELD name RETURN name', {}, 'read');
  const functions = await client.rows('SHOW FUNCTIONS YIELD name RETURN name', {}, 'read');
  return new Set([...procedures, ...functions].map((r) => String(r['name'])));
}

/** A Neo4j value from SHOW output as plain JSON (integers as numbers, lists and maps recursively). */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (neo4j.isInt(value)) return (value as Integer).toNumber();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, plain(v)]));
  return value;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/**
 * The constraints and indexes of the current database, in name order: without neomig's own (named
 * neomig_*) and without the indexes that back constraints (they come and go with their constraint).
 * LOOKUP indexes are included (every new database has two); callers that want user-made items only
 * filter them.
 */
export async function readSchema(client: Neo4jClient): Promise<SchemaItem[]> {
  const constraints = await client.rows('SHOW CONSTRAINTS YIELD *', {}, 'read');
  const indexes = await client.rows('SHOW INDEXES YIELD *', {}, 'read');
  const out: SchemaItem[] = [];
  const backing = new Map<string, Record<string, unknown>>();
  for (const i of indexes) if (i['owningConstraint'] != null) backing.set(String(i['owningConstraint']), i);
  for (const c of constraints) {
    const name = String(c['name']);
    if (name.startsWith('neomig_')) continue;
    const index = backing.get(name);
    out.push({
      kind: 'constraint',
      name,
      type: String(c['type']),
      entityType: c['entityType'] === 'RELATIONSHIP' ? 'RELATIONSHIP' : 'NODE',
      labelsOrTypes: strings(c['labelsOrTypes']),
      properties: strings(c['properties']),
      propertyType: c['propertyType'] == null ? null : String(c['propertyType']),
      options: index ? (plain(index['options']) as Record<string, unknown>) : null,
      createStatement: c['createStatement'] == null ? null : String(c['createStatement']),
    });
  }
  for (const i of indexes) {
    const name = String(i['name']);
    if (name.startsWith('neomig_') || i['owningConstraint'] != null) continue;
    out.push({
      kind: 'index',
      name,
      type: String(i['type']),
      entityType: i['entityType'] === 'RELATIONSHIP' ? 'RELATIONSHIP' : 'NODE',
      labelsOrTypes: strings(i['labelsOrTypes']),
      properties: strings(i['properties']),
      propertyType: null,
      options: plain(i['options']) as Record<string, unknown> | null,
      createStatement: i['createStatement'] == null ? null : String(i['createStatement']),
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
