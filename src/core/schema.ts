/**
 * The schema of a database as neomig sees it: its constraints and indexes, each a plain value read from
 * SHOW CONSTRAINTS / SHOW INDEXES (neo4j/catalog.ts). Fingerprints, `check`, `schema pull/diff` and drift
 * all speak this one vocabulary.
 */

export type SchemaKind = 'constraint' | 'index';

export interface SchemaItem {
  kind: SchemaKind;
  name: string;
  /** the server's type: UNIQUENESS, NODE_KEY, NODE_PROPERTY_EXISTENCE, RANGE, TEXT, FULLTEXT, VECTOR, LOOKUP … */
  type: string;
  entityType: 'NODE' | 'RELATIONSHIP';
  /** labels (or relationship types) it covers; empty for LOOKUP indexes */
  labelsOrTypes: string[];
  properties: string[];
  /** the declared type of a property type constraint (`STRING`, `INTEGER | FLOAT` …), else null */
  propertyType: string | null;
  /** index provider and config as the server reports them (null for constraints without an index) */
  options: Record<string, unknown> | null;
  /** the statement the server gives to recreate it */
  createStatement: string | null;
}

/** One line naming an item for people: `index book_title (RANGE :Book(title))`. */
export function describeSchemaItem(item: SchemaItem): string {
  const target = item.labelsOrTypes.length
    ? (item.entityType === 'RELATIONSHIP' ? '[:' : ':') + item.labelsOrTypes.join('|') + (item.entityType === 'RELATIONSHIP' ? ']' : '')
    : item.entityType === 'RELATIONSHIP' ? '[]' : '()';
  const props = item.properties.length ? `(${item.properties.join(', ')})` : '';
  const typed = item.propertyType ? ` :: ${item.propertyType}` : '';
  return `${item.kind} ${item.name} (${item.type} ${target}${props}${typed})`;
}

/**
 * What an item is, without its name: two items with the same key are the same definition. Options are
 * left out on purpose (defaults differ between server versions); callers comparing strictly add them.
 */
export function schemaKey(item: SchemaItem): string {
  return [item.kind, item.type, item.entityType, item.labelsOrTypes.join('|'), item.properties.join(','), item.propertyType ?? ''].join('/');
}

/** Items of `after` missing from `before` (added) and of `before` missing from `after` (dropped), by name and definition. */
export function schemaDelta(before: SchemaItem[], after: SchemaItem[]): { added: SchemaItem[]; dropped: SchemaItem[] } {
  const id = (i: SchemaItem) => `${i.name}\u0000${schemaKey(i)}`;
  const had = new Set(before.map(id));
  const has = new Set(after.map(id));
  return { added: after.filter((i) => !had.has(id(i))), dropped: before.filter((i) => !has.has(id(i))) };
}
