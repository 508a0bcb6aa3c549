/**
 * Two schemas compared (`schema diff`), and the migration pair that takes one to the other. Items are
 * paired by name and by definition; an equal definition under another name, or settings the server
 * fills in by default, are no difference unless `strict`.
 */
import { NeomigError } from '../errors.js';
import { renderCreateOrOwn, renderDrop, sortForCreate } from './schema-render.js';
import { canonicalType, definitionKey, describeSchemaItem, isDefaultLookup, type SchemaItem } from './schema.js';

export interface SchemaChange {
  from: SchemaItem;
  to: SchemaItem;
}

export interface SchemaDiff {
  /** in `to`, not in `from` */
  added: SchemaItem[];
  /** in `from`, not in `to` */
  dropped: SchemaItem[];
  /** the same name, another definition (or, strictly, the same definition under another name) */
  changed: SchemaChange[];
}

export function isEmptyDiff(diff: SchemaDiff): boolean {
  return diff.added.length + diff.dropped.length + diff.changed.length === 0;
}

/** The differences between `from` (what is) and `to` (what should be). */
export function diffSchemas(from: SchemaItem[], to: SchemaItem[], options: { strict?: boolean } = {}): SchemaDiff {
  const strict = options.strict === true;
  const def = (i: SchemaItem) => definitionKey(i, strict);
  const left = new Set(from);
  const right = new Set(to);
  const pair = (test: (a: SchemaItem, b: SchemaItem) => boolean, onPair?: (a: SchemaItem, b: SchemaItem) => void) => {
    for (const b of [...right]) {
      const a = [...left].find((x) => test(x, b));
      if (!a) continue;
      left.delete(a);
      right.delete(b);
      onPair?.(a, b);
    }
  };
  const changed: SchemaChange[] = [];
  const named = (a: SchemaItem, b: SchemaItem) => a.name !== '' && b.name !== '';
  // the same item
  pair((a, b) => a.kind === b.kind && a.name === b.name && def(a) === def(b));
  // the same definition (default settings aside): under another name, or with other default settings
  // spelled out, it is a difference only when strict
  const loose = (i: SchemaItem) => definitionKey(i);
  pair(
    (a, b) => a.kind === b.kind && loose(a) === loose(b),
    (a, b) => strict && ((named(a, b) && a.name !== b.name) || def(a) !== def(b)) && changed.push({ from: a, to: b }),
  );
  // the same name, another definition
  pair((a, b) => named(a, b) && a.name === b.name, (a, b) => changed.push({ from: a, to: b }));
  // a database's own LOOKUP indexes are nobody's declaration: unmatched, they are no difference
  return {
    added: [...right].filter((i) => !isDefaultLookup(i)),
    dropped: [...left].filter((i) => !isDefaultLookup(i)),
    changed,
  };
}

/** A name for an item a schema file left unnamed, so that its down can drop it: `book_title_text`. */
export function generatedName(item: SchemaItem): string {
  const type = canonicalType(item.type);
  const suffix =
    item.kind === 'index'
      ? type.toLowerCase()
      : type.endsWith('UNIQUENESS') ? 'unique' : type.endsWith('KEY') ? 'key' : type.endsWith('EXISTENCE') ? 'exists' : 'type';
  const parts = [...item.labelsOrTypes, ...item.properties, suffix];
  if (type === 'LOOKUP') parts.unshift(item.entityType.toLowerCase());
  return parts.join('_').toLowerCase().replace(/[^a-z0-9_]+/g, '_');
}

/**
 * Two definitions Neo4j refuses side by side: a RANGE index on the labels and properties that a
 * uniqueness or key constraint's own index already covers (either one is refused after the other).
 */
export function schemaClashes(items: SchemaItem[]): string[] {
  const backed = items.filter((i) => i.kind === 'constraint' && /UNIQUENESS|KEY/.test(canonicalType(i.type)));
  const out: string[] = [];
  for (const index of items.filter((i) => i.kind === 'index' && canonicalType(i.type) === 'RANGE')) {
    const target = (i: SchemaItem) => `${i.entityType}/${i.labelsOrTypes.join('|')}/${i.properties.join(',')}`;
    const c = backed.find((x) => target(x) === target(index));
    if (c) out.push(`${describeSchemaItem(index)} duplicates the index of ${describeSchemaItem(c)}; Neo4j refuses both`);
  }
  return out;
}

export interface SchemaMigration {
  /** statements taking `from` to `to`: drops first (where names or definitions could clash), then creates,
   *  constraints before indexes */
  up: string[];
  /** the exact reverse, recreating what the up drops from its `from` definitions */
  down: string[];
}

/** The migration pair for a diff. Items left unnamed in `to` get a name (generatedName) so the down can drop them. */
export function schemaMigration(diff: SchemaDiff): SchemaMigration {
  const drops = sortForCreate([...diff.changed.map((c) => c.from), ...diff.dropped]);
  const unnamed = drops.find((i) => !i.name);
  if (unnamed) {
    throw new NeomigError('USAGE', `${describeSchemaItem(unnamed)} would be dropped, but it has no name to drop it by`, {
      hint: 'Name it in the schema file the comparison starts from, or compare from the live database.',
    });
  }
  const taken = new Set<string>();
  const creates = sortForCreate(
    [...diff.added, ...diff.changed.map((c) => c.to)].map((i) => {
      if (i.name) return i;
      let name = generatedName(i);
      for (let n = 2; taken.has(name); n++) name = `${generatedName(i)}_${n}`;
      taken.add(name);
      return { ...i, name };
    }),
  );
  const create = (i: SchemaItem) => {
    const text = renderCreateOrOwn(i);
    if (text === null) throw new NeomigError('USAGE', `neomig cannot write a CREATE statement for ${describeSchemaItem(i)}`);
    return text;
  };
  return {
    up: [...drops.map((i) => renderDrop(i)), ...creates.map(create)],
    down: [...[...creates].reverse().map((i) => renderDrop(i)), ...[...drops].reverse().map(create)],
  };
}
