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
  // types under their Cypher 5 names: an item told from its statement (core/schema-step.ts) and the same
  // item read from a server speaking Cypher 25 are one item
  const id = (i: SchemaItem) => `${i.name}\u0000${schemaKey({ ...i, type: canonicalType(i.type) })}`;
  const had = new Set(before.map(id));
  const has = new Set(after.map(id));
  return { added: after.filter((i) => !had.has(id(i))), dropped: before.filter((i) => !has.has(id(i))) };
}

/** Cypher 25 names two constraint types differently from Cypher 5; neomig speaks the Cypher 5 names. */
const CYPHER5_TYPES: Record<string, string> = {
  NODE_PROPERTY_UNIQUENESS: 'UNIQUENESS',
  RELATIONSHIP_PROPERTY_UNIQUENESS: 'RELATIONSHIP_UNIQUENESS',
};

/** A SHOW CONSTRAINTS / SHOW INDEXES `type` under its Cypher 5 name, whichever language the server spoke. */
export function canonicalType(type: string): string {
  return CYPHER5_TYPES[type] ?? type;
}

/** The LOOKUP indexes every new database creates carry a generated name (`index_343aff4e`). */
export function isDefaultLookup(item: SchemaItem): boolean {
  return item.type === 'LOOKUP' && /^index_[0-9a-f]{8}$/.test(item.name);
}

const MILLION = 1_000_000;
/**
 * The index settings a server fills in when a statement gives none, per index type (checked on 5.26.30
 * and 2026.08.1). A setting equal to its default says nothing, so it is left out of rendered Cypher and
 * of comparisons. Vector quantization is `vector.quantization.enabled` on 5.26 and
 * `vector.quantization.type` (BINARY by default, NONE when disabled) on 2026.x; both accept `enabled`.
 */
const CONFIG_DEFAULTS: Record<string, Record<string, unknown>> = {
  FULLTEXT: { 'fulltext.analyzer': 'standard-no-stop-words', 'fulltext.eventually_consistent': false },
  POINT: {
    'spatial.cartesian.min': [-MILLION, -MILLION],
    'spatial.cartesian.max': [MILLION, MILLION],
    'spatial.cartesian-3d.min': [-MILLION, -MILLION, -MILLION],
    'spatial.cartesian-3d.max': [MILLION, MILLION, MILLION],
    'spatial.wgs-84.min': [-180, -90],
    'spatial.wgs-84.max': [180, 90],
    'spatial.wgs-84-3d.min': [-180, -90, -MILLION],
    'spatial.wgs-84-3d.max': [180, 90, MILLION],
  },
  VECTOR: {
    'vector.similarity_function': 'COSINE',
    'vector.hnsw.m': 16,
    'vector.hnsw.ef_construction': 100,
    'vector.quantization.enabled': true,
  },
};

/**
 * An item's index settings that differ from what the server fills in, or null when none does. The index
 * provider is left out: 5.26 replaces every provider it accepts with the current one, the providers'
 * names differ between versions (text-2.0, text-3.0) and Cypher 25 has no `indexProvider` option.
 */
export function essentialConfig(item: SchemaItem): Record<string, unknown> | null {
  const raw = (item.options?.['indexConfig'] ?? {}) as Record<string, unknown>;
  const config: Record<string, unknown> = { ...raw };
  if (typeof config['vector.similarity_function'] === 'string') {
    config['vector.similarity_function'] = (config['vector.similarity_function'] as string).toUpperCase();
  }
  const quantization = config['vector.quantization.type'];
  if (typeof quantization === 'string') {
    const q = quantization.toUpperCase();
    delete config['vector.quantization.type'];
    if (q === 'NONE') config['vector.quantization.enabled'] = false;
    else if (q !== 'BINARY') config['vector.quantization.type'] = q;
  }
  // 2026.x searches 3 times wider on a quantized index and once on an exact one, unless told otherwise
  const expansion = config['vector.default_search_expansion_factor'];
  if (typeof expansion === 'number' && expansion === (config['vector.quantization.enabled'] === false ? 1 : 3)) {
    delete config['vector.default_search_expansion_factor'];
  }
  const defaults = CONFIG_DEFAULTS[canonicalType(item.type)] ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(config).sort()) {
    if (key in defaults && sameValue(config[key], defaults[key])) continue;
    out[key] = config[key];
  }
  return Object.keys(out).length ? out : null;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** JSON with object keys sorted, so two equal values always give the same text. */
export function stableJson(value: unknown): string {
  const byKey = ([x]: [string, unknown], [y]: [string, unknown]) => (x < y ? -1 : x > y ? 1 : 0);
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(byKey)) : v,
  );
}

/**
 * What an item is, name aside, as the comparisons of `schema diff` and drift see it: the type under its
 * Cypher 5 name and the settings that differ from the server's defaults. `strict` compares every option
 * as given (defaults and provider included).
 */
export function definitionKey(item: SchemaItem, strict = false): string {
  const base = schemaKey({ ...item, type: canonicalType(item.type) });
  return `${base}/${strict ? stableJson(item.options ?? {}) : stableJson(essentialConfig(item))}`;
}
