/**
 * The reads behind `neomig check` and up's preflight: the data that violates a constraint not yet
 * created, and how many nodes or relationships carry a label or type (answered from the count store).
 * Labels, types and property names cannot be parameters: they come from the migrations' own
 * statements and are backticked here; values always travel as parameters.
 */
import neo4j from 'neo4j-driver';
import type { Violations } from '../core/check.js';
import { checksFor, countKey } from '../core/check.js';
import type { ConstraintSpec } from '../core/constraints.js';
import type { Touch } from '../core/touches.js';
import { type Neo4jClient, cypherInt } from './client.js';

/** How many offending values and element ids a report shows per constraint. */
export const SAMPLE = { groups: 5, ids: 5 };

function quote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** `(n:`User`)` or `()-[n:`RATED`]->()`: the entity bound to `n`. */
function pattern(spec: Pick<ConstraintSpec, 'entity' | 'target'>): string {
  return spec.entity === 'node' ? `(n:${quote(spec.target)})` : `()-[n:${quote(spec.target)}]->()`;
}

/** Reads what violates the constraint now (nothing is written; one read transaction per query). */
export async function findViolations(client: Neo4jClient, spec: ConstraintSpec): Promise<Violations> {
  const out: Violations = {};
  const props = spec.properties.map((p) => `n.${quote(p)}`);
  const params = { groups: cypherInt(SAMPLE.groups), ids: cypherInt(SAMPLE.ids) };
  for (const check of checksFor(spec.rule)) {
    if (check === 'duplicates') {
      const rows = await client.rows(
        `MATCH ${pattern(spec)} WHERE ${props.map((p) => `${p} IS NOT NULL`).join(' AND ')}
         WITH [${props.join(', ')}] AS value, collect(elementId(n)) AS ids WHERE size(ids) > 1
         WITH value, ids ORDER BY size(ids) DESC
         WITH collect({value: value, count: size(ids), elementIds: ids[0..$ids]}) AS found
         RETURN size(found) AS groups, reduce(s = 0, g IN found | s + g.count) AS entities, found[0..$groups] AS first`,
        params,
        'read',
      );
      const row = rows[0] ?? {};
      out.duplicates = {
        groups: Number(row['groups'] ?? 0),
        entities: Number(row['entities'] ?? 0),
        first: ((row['first'] ?? []) as Record<string, unknown>[]).map((g) => ({
          value: (g['value'] as unknown[]).map(plainValue),
          count: Number(g['count']),
          elementIds: (g['elementIds'] as unknown[]).map(String),
        })),
      };
    } else if (check === 'missing') {
      const where = props.map((p) => `${p} IS NULL`).join(' OR ');
      const [counted, sample] = await client.together([
        { cypher: `MATCH ${pattern(spec)} WHERE ${where} RETURN count(n) AS count`, params: {} },
        { cypher: `MATCH ${pattern(spec)} WHERE ${where} RETURN elementId(n) AS id LIMIT $ids`, params },
      ], 'read');
      out.missing = { count: Number(counted?.[0]?.['count'] ?? 0), elementIds: (sample ?? []).map((r) => String(r['id'])) };
    } else {
      // the type was read by core/constraints.ts and holds only letters, spaces and <>|, characters
      const where = `NOT ${props[0]} IS :: ${spec.propertyType}`;
      const [counted, sample] = await client.together([
        { cypher: `MATCH ${pattern(spec)} WHERE ${where} RETURN count(n) AS count`, params: {} },
        { cypher: `MATCH ${pattern(spec)} WHERE ${where} RETURN elementId(n) AS id, ${props[0]} AS value LIMIT $ids`, params },
      ], 'read');
      out.wrongType = {
        count: Number(counted?.[0]?.['count'] ?? 0),
        first: (sample ?? []).map((r) => ({ value: plainValue(r['value']), elementId: String(r['id']) })),
      };
    }
  }
  return out;
}

/** How many nodes carry each label and relationships each type, from the count store, in one transaction. */
export async function countEntities(client: Neo4jClient, touches: Pick<Touch, 'entity' | 'name'>[]): Promise<Map<string, number>> {
  const unique = [...new Map(touches.map((t) => [countKey(t), t])).values()];
  const rows = await client.together(
    unique.map((t) => ({
      cypher: t.entity === 'node'
        ? `MATCH (n:${quote(t.name)}) RETURN count(n) AS count`
        : `MATCH ()-[r:${quote(t.name)}]->() RETURN count(r) AS count`,
      params: {},
    })),
    'read',
  );
  return new Map(unique.map((t, i) => [countKey(t), Number(rows[i]?.[0]?.['count'] ?? 0)]));
}

/** A property value as plain JSON: temporal and spatial values as their Cypher text. */
function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object') return String(value);
  return value;
}
