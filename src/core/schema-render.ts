/**
 * Constraints and indexes as Cypher that Neo4j 5.26 and 2026.x both accept: one statement per item,
 * settings the server fills in by default left out (essentialConfig), so that equal definitions read
 * from either server render as the same text. `schema pull` and `schema diff --create` write this.
 */
import { canonicalType, essentialConfig, isDefaultLookup, type SchemaItem } from './schema.js';

export interface RenderOptions {
  /** `IF NOT EXISTS` on CREATE, `IF EXISTS` on DROP */
  guarded?: boolean;
}

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// names that would read as part of the statement around them
const KEYWORDS = new Set(['IF', 'FOR', 'ON', 'OPTIONS', 'REQUIRE', 'IS', 'EACH', 'NOT', 'EXISTS', 'INDEX', 'CONSTRAINT']);

/** A name, label, type or property as Cypher needs it: bare when it can be, else in backticks. */
export function cypherName(name: string): string {
  if (SIMPLE_NAME.test(name) && !KEYWORDS.has(name.toUpperCase())) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

const CONSTRAINT_PREDICATES: Record<string, string> = {
  UNIQUENESS: 'IS UNIQUE',
  RELATIONSHIP_UNIQUENESS: 'IS UNIQUE',
  NODE_KEY: 'IS NODE KEY',
  RELATIONSHIP_KEY: 'IS RELATIONSHIP KEY',
  NODE_PROPERTY_EXISTENCE: 'IS NOT NULL',
  RELATIONSHIP_PROPERTY_EXISTENCE: 'IS NOT NULL',
};

const INDEX_KEYWORDS: Record<string, string> = {
  RANGE: 'RANGE INDEX',
  TEXT: 'TEXT INDEX',
  POINT: 'POINT INDEX',
  FULLTEXT: 'FULLTEXT INDEX',
  VECTOR: 'VECTOR INDEX',
  LOOKUP: 'LOOKUP INDEX',
};

/** The CREATE statement for an item (no trailing `;`); null for a kind neomig cannot write (then
 *  the server's own createStatement is used, see renderCreateOrOwn). */
export function renderCreate(item: SchemaItem, options: RenderOptions = {}): string | null {
  const type = canonicalType(item.type);
  const v = item.entityType === 'RELATIONSHIP' ? 'r' : 'n';
  const name = item.name ? ` ${cypherName(item.name)}` : '';
  const guard = options.guarded ? ' IF NOT EXISTS' : '';
  const labels = item.labelsOrTypes.map(cypherName).join('|');
  const typed = labels ? `:${labels}` : '';
  const pattern = item.entityType === 'RELATIONSHIP' ? `()-[r${typed}]-()` : `(n${typed})`;
  const props = item.properties.map((p) => `${v}.${cypherName(p)}`);
  if (item.kind === 'constraint') {
    const typeCheck = item.propertyType ? `IS :: ${item.propertyType}` : null;
    const predicate = type.endsWith('_PROPERTY_TYPE') ? typeCheck : CONSTRAINT_PREDICATES[type];
    if (!predicate || props.length === 0) return null;
    const subject = props.length === 1 ? props[0] : `(${props.join(', ')})`;
    return `CREATE CONSTRAINT${name}${guard} FOR ${pattern} REQUIRE ${subject} ${predicate}`;
  }
  const keyword = INDEX_KEYWORDS[type];
  if (!keyword) return null;
  let on: string;
  if (type === 'LOOKUP') on = item.entityType === 'RELATIONSHIP' ? 'ON EACH type(r)' : 'ON EACH labels(n)';
  else if (type === 'FULLTEXT') on = `ON EACH [${props.join(', ')}]`;
  else on = `ON (${props.join(', ')})`;
  if (type !== 'LOOKUP' && (props.length === 0 || !labels)) return null;
  const config = essentialConfig(item);
  const opts = config ? ` OPTIONS {indexConfig: ${cypherMap(config)}}` : '';
  return `CREATE ${keyword}${name}${guard} FOR ${pattern} ${on}${opts}`;
}

/** renderCreate, else the statement the server gave (with IF NOT EXISTS added when guarded). */
export function renderCreateOrOwn(item: SchemaItem, options: RenderOptions = {}): string | null {
  const own = renderCreate(item, options);
  if (own !== null || !item.createStatement) return own;
  if (!options.guarded) return item.createStatement;
  // CREATE <...> CONSTRAINT|INDEX `name` FOR ... -> the guard goes before FOR
  return item.createStatement.replace(/\s+FOR\s/i, ' IF NOT EXISTS FOR ');
}

export function renderDrop(item: SchemaItem, options: RenderOptions = {}): string {
  const what = item.kind === 'constraint' ? 'CONSTRAINT' : 'INDEX';
  return `DROP ${what} ${cypherName(item.name)}${options.guarded ? ' IF EXISTS' : ''}`;
}

/** Constraints first (an index may need a constraint's room, never the other way), then indexes, each by name. */
export function sortForCreate(items: SchemaItem[]): SchemaItem[] {
  const rank = (i: SchemaItem) => (i.kind === 'constraint' ? 0 : 1);
  return [...items].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A whole schema as a Cypher file: one guarded CREATE per line, constraints then indexes, by name; the
 * LOOKUP indexes a new database creates by itself are left out (every database has its own names for them).
 */
export function renderSchema(items: SchemaItem[]): string {
  const kept = sortForCreate(items.filter((i) => !isDefaultLookup(i)));
  const lines = kept.map((i) => renderCreateOrOwn(i, { guarded: true })).filter((s): s is string => s !== null);
  return lines.map((l) => `${l};\n`).join('');
}

/** A value as a Cypher literal. Spatial bounds and the search expansion factor are floats to Neo4j. */
export function cypherLiteral(value: unknown, float = false): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number') return float && Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => cypherLiteral(v, float)).join(', ')}]`;
  return cypherMap(value as Record<string, unknown>);
}

function cypherMap(map: Record<string, unknown>): string {
  const entries = Object.keys(map)
    .sort()
    .map((k) => `${cypherName(k)}: ${cypherLiteral(map[k], isFloatSetting(k))}`);
  return `{${entries.join(', ')}}`;
}

function isFloatSetting(key: string): boolean {
  return key.startsWith('spatial.') || key === 'vector.default_search_expansion_factor';
}
