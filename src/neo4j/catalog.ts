import neo4j, { type Integer } from 'neo4j-driver';
import type { SchemaItem } from '../core/schema.js';
import { type Neo4jClient, label } from './client.js';

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
  // both SHOWs in one round trip: fingerprints read the schema after every schema migration
  const [constraints = [], indexes = []] = await client.together(
    [{ cypher: 'SHOW CONSTRAINTS YIELD *', params: {} }, { cypher: 'SHOW INDEXES YIELD *', params: {} }],
    'read',
  );
  const backing = new Map<string, Record<string, unknown>>();
  for (const i of indexes) if (i['owningConstraint'] != null) backing.set(String(i['owningConstraint']), i);
  const out: SchemaItem[] = [];
  for (const c of constraints) {
    const index = backing.get(String(c['name']));
    out.push(schemaItem('constraint', c, index ? (plain(index['options']) as Record<string, unknown>) : null));
  }
  for (const i of indexes) {
    if (i['owningConstraint'] == null) out.push(schemaItem('index', i, plain(i['options']) as Record<string, unknown> | null));
  }
  return out.filter((item) => !item.name.startsWith('neomig_')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One row of SHOW CONSTRAINTS or SHOW INDEXES as a SchemaItem (`options`: the index's, if any). */
function schemaItem(kind: SchemaItem['kind'], row: Record<string, unknown>, options: Record<string, unknown> | null): SchemaItem {
  return {
    kind,
    name: String(row['name']),
    type: String(row['type']),
    entityType: row['entityType'] === 'RELATIONSHIP' ? 'RELATIONSHIP' : 'NODE',
    labelsOrTypes: strings(row['labelsOrTypes']),
    properties: strings(row['properties']),
    propertyType: kind === 'constraint' && row['propertyType'] != null ? String(row['propertyType']) : null,
    options,
    createStatement: row['createStatement'] == null ? null : String(row['createStatement']),
  };
}

/** What wipeDatabase removed. */
export interface Wiped {
  nodesDeleted: number;
  constraintsDropped: string[];
  indexesDropped: string[];
}

/**
 * Deletes every node and relationship in batches, then every constraint and index (LOOKUP ones stay).
 * `keep`: a run that holds neomig's lock keeps its lock nodes (that label) and neomig's own constraints
 * and indexes (named neomig_*): `restore` empties the database under its own lock.
 */
export async function wipeDatabase(client: Neo4jClient, keep?: { lockLabel: string }): Promise<Wiped> {
  const session = client.session();
  let nodesDeleted = 0;
  try {
    const which = keep ? ` WHERE NOT n:${label(keep.lockLabel)}` : '';
    const result = await client.implicit(session, `MATCH (n)${which} CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`);
    nodesDeleted = result.summary.counters.updates().nodesDeleted;
  } finally {
    await session.close();
  }
  const notOwn = keep ? ["NOT name STARTS WITH 'neomig_'"] : [];
  const where = (...conditions: string[]) => (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '');
  const constraints = (await client.rows(`SHOW CONSTRAINTS YIELD name${where(...notOwn)} RETURN name`, {}, 'read'))
    .map((r) => String(r['name']));
  const indexes = (
    await client.rows(`SHOW INDEXES YIELD name, type, owningConstraint${where("type <> 'LOOKUP'", 'owningConstraint IS NULL', ...notOwn)} RETURN name`, {}, 'read')
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
