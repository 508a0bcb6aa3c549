/** Comparing schemas, the migration between them (core/schema-diff.ts) and drift (core/schema-drift.ts). */
import { describe, expect, it } from 'vitest';
import { diffSchemas, generatedName, schemaClashes, schemaMigration } from '../../src/core/schema-diff.js';
import { type DriftSource, schemaDrift } from '../../src/core/schema-drift.js';
import { parseSchemaFile } from '../../src/core/schema-parse.js';
import type { SchemaItem } from '../../src/core/schema.js';
import { item } from '../support/schema.js';

const unique = (name: string, props: string[], label = 'Person') =>
  item({ kind: 'constraint', name, type: 'UNIQUENESS', labelsOrTypes: [label], properties: props, options: { indexConfig: {}, indexProvider: 'range-1.0' } });
const range = (name: string, prop: string) => item({ name, properties: [prop], options: { indexConfig: {}, indexProvider: 'range-1.0' } });
const defaultLookup = item({ name: 'index_343aff4e', type: 'LOOKUP', labelsOrTypes: [], properties: [] });

describe('diffSchemas', () => {
  const live = [unique('person_id', ['id']), range('book_year', 'year'), range('book_title', 'title'), defaultLookup];
  const desired = parseSchemaFile(
    [
      'CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE (p.id, p.tenant) IS UNIQUE;',
      'CREATE INDEX FOR (b:Book) ON (b.title);',
      "CREATE FULLTEXT INDEX book_search FOR (b:Book) ON EACH [b.title] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};",
    ].join('\n'),
    'schema.cypher',
  );

  it('finds what is added, dropped and changed; an unnamed equal definition and default settings are no difference', () => {
    const diff = diffSchemas(live, desired);
    expect(diff.added.map((i) => i.name)).toEqual(['book_search']);
    expect(diff.dropped.map((i) => i.name)).toEqual(['book_year']);
    expect(diff.changed.map((c) => [c.from.properties, c.to.properties])).toEqual([[['id'], ['id', 'tenant']]]);
  });

  it('is empty between a schema and itself, renamed or read on another server version', () => {
    const renamed = live.map((i) => ({ ...i, name: i.name === 'book_title' ? 'title_idx' : i.name }));
    const cypher25 = live.map((i) => ({ ...i, type: i.type === 'UNIQUENESS' ? 'NODE_PROPERTY_UNIQUENESS' : i.type, options: { indexConfig: {} } }));
    expect(diffSchemas(live, renamed)).toEqual({ added: [], dropped: [], changed: [] });
    expect(diffSchemas(live, cypher25)).toEqual({ added: [], dropped: [], changed: [] });
  });

  it('counts names and default settings when strict', () => {
    const renamed = live.map((i) => ({ ...i, name: i.name === 'book_title' ? 'title_idx' : i.name }));
    expect(diffSchemas(live, renamed, { strict: true }).changed.map((c) => `${c.from.name}->${c.to.name}`)).toEqual(['book_title->title_idx']);
    const explicit = parseSchemaFile("CREATE FULLTEXT INDEX f FOR (b:Book) ON EACH [b.t] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};", 's');
    const bare = parseSchemaFile('CREATE FULLTEXT INDEX f FOR (b:Book) ON EACH [b.t];', 's');
    expect(diffSchemas(bare, explicit).changed).toEqual([]);
    expect(diffSchemas(bare, explicit, { strict: true }).changed).toHaveLength(1);
  });

  it('leaves a database\'s own LOOKUP indexes alone, but not one the schema declares', () => {
    expect(diffSchemas([defaultLookup], []).dropped).toEqual([]);
    const declared = parseSchemaFile('CREATE LOOKUP INDEX FOR (n) ON EACH labels(n);', 's');
    expect(diffSchemas([defaultLookup], declared)).toEqual({ added: [], dropped: [], changed: [] });
    expect(diffSchemas([], declared).added).toHaveLength(1);
  });
});

describe('schemaMigration', () => {
  it('drops before it creates, constraints before indexes; the down is the exact reverse with the old definitions', () => {
    const from = [unique('person_id', ['id']), range('book_year', 'year')];
    const to = [
      unique('person_id', ['id', 'tenant']),
      item({ name: '', type: 'FULLTEXT', properties: ['title'] }),
      range('book_year_2', 'month'),
    ];
    const { up, down } = schemaMigration(diffSchemas(from, to));
    expect(up).toEqual([
      'DROP CONSTRAINT person_id',
      'DROP INDEX book_year',
      'CREATE CONSTRAINT person_id FOR (n:Person) REQUIRE (n.id, n.tenant) IS UNIQUE',
      'CREATE FULLTEXT INDEX book_title_fulltext FOR (n:Book) ON EACH [n.title]',
      'CREATE RANGE INDEX book_year_2 FOR (n:Book) ON (n.month)',
    ]);
    expect(down).toEqual([
      'DROP INDEX book_year_2',
      'DROP INDEX book_title_fulltext',
      'DROP CONSTRAINT person_id',
      'CREATE RANGE INDEX book_year FOR (n:Book) ON (n.year)',
      'CREATE CONSTRAINT person_id FOR (n:Person) REQUIRE n.id IS UNIQUE',
    ]);
  });

  it('refuses to drop an item that has no name', () => {
    expect(() => schemaMigration(diffSchemas([item({ name: '' })], []))).toThrow(/has no name to drop it by/);
  });

  it('names unnamed items after what they cover', () => {
    expect(generatedName(item({ name: '', type: 'TEXT', labelsOrTypes: ['My Book'] }))).toBe('my_book_title_text');
    expect(generatedName(item({ kind: 'constraint', name: '', type: 'NODE_KEY', properties: ['a', 'b'] }))).toBe('book_a_b_key');
  });

  it('sees a RANGE index that would duplicate a constraint\'s own index', () => {
    expect(schemaClashes([unique('u', ['title'], 'Book'), range('r', 'title')])).toEqual([
      'index r (RANGE :Book(title)) duplicates the index of constraint u (UNIQUENESS :Book(title)); Neo4j refuses both',
    ]);
  });
});

describe('schemaDrift', () => {
  const cypher = (version: string, ...lines: string[]): DriftSource => ({
    version,
    status: 'applied',
    type: 'cypher',
    statements: lines.map((text, k) => ({ text, line: k + 1 })),
  });

  it('folds recorded changes in order and reports what is in the database but was created by no migration', () => {
    const sources: DriftSource[] = [
      { version: '1.0.0', status: 'applied', type: 'typescript', statements: null, changes: { labels: {}, types: {}, schemaAdded: [range('a', 'a'), range('b', 'b')], schemaDropped: [] } },
      { version: '1.1.0', status: 'applied', type: 'typescript', statements: null, changes: { labels: {}, types: {}, schemaAdded: [], schemaDropped: [range('a', 'a')] } },
    ];
    expect(schemaDrift(sources, [range('b', 'b'), defaultLookup])).toEqual({ drift: [], incomplete: [] });
    const report = schemaDrift(sources, [range('b', 'b'), range('a', 'a'), item({ name: 'book_title_text', type: 'TEXT' })]);
    expect(report.drift.map((d) => [d.kind, d.message])).toEqual([
      ['unexpected', 'index a exists but no migration created it'],
      ['unexpected', 'index book_title_text exists but no migration created it'],
    ]);
  });

  it('reads Cypher ups without recorded changes: unnamed items match by definition, drops by name', () => {
    const sources = [
      cypher('1.0.0', 'CREATE INDEX IF NOT EXISTS FOR (b:Book) ON (b.year)', 'CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE'),
      cypher('1.1.0', 'CREATE TEXT INDEX book_title FOR (b:Book) ON (b.title)', 'DROP CONSTRAINT person_id'),
    ];
    const live = [range('index_5c0a7b1e', 'year'), item({ name: 'book_title', type: 'TEXT' })];
    expect(schemaDrift(sources, live).drift).toEqual([]);
    const missing = schemaDrift(sources, [live[0]!, unique('person_id', ['id'])]);
    expect(missing.drift.map((d) => `${d.kind}: ${d.message}`)).toEqual([
      'unexpected: constraint person_id exists but no migration created it',
      'missing: index book_title was created by migration 1.1.0 but does not exist',
    ]);
  });

  it('says when a definition differs from what the migration created', () => {
    const report = schemaDrift([cypher('1.0.0', 'CREATE INDEX book_title FOR (b:Book) ON (b.title)')], [range('book_title', 'isbn')]);
    expect(report.drift.map((d) => d.message)).toEqual([
      'index book_title is (RANGE :Book(isbn)) but migration 1.0.0 created it as (RANGE :Book(title))',
      'index book_title was created by migration 1.0.0 but does not exist',
    ]);
  });

  it('ignores the default LOOKUP indexes unless a migration dropped them', () => {
    expect(schemaDrift([], [defaultLookup]).drift).toEqual([]);
    const dropped = schemaDrift([cypher('1.0.0', `DROP INDEX ${defaultLookup.name}`)], [defaultLookup]);
    expect(dropped.drift.map((d) => d.kind)).toEqual(['unexpected']);
  });

  it('warns that a TypeScript migration without recorded changes makes the comparison incomplete', () => {
    const report = schemaDrift([{ version: '2.0.0', status: 'applied', type: 'typescript', statements: null }], [range('x', 'x')]);
    expect(report.incomplete).toEqual(['TypeScript migration 2.0.0 recorded no schema changes: constraints and indexes it made cannot be told from drift']);
    expect(report.drift).toHaveLength(1);
  });

  it('reads a baseline pair from its up file', () => {
    const base: DriftSource = { ...cypher('0.0.1', 'CREATE CONSTRAINT c IF NOT EXISTS FOR (n:A) REQUIRE n.a IS UNIQUE'), status: 'baseline', type: 'baseline' };
    expect(schemaDrift([base], [{ ...unique('c', ['a'], 'A'), type: 'NODE_PROPERTY_UNIQUENESS' } as SchemaItem]).drift).toEqual([]);
  });
});
