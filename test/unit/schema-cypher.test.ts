/** Rendering constraints and indexes as Cypher and reading them back (core/schema-render.ts, schema-parse.ts). */
import { describe, expect, it } from 'vitest';
import { parseSchemaFile, parseSchemaStatement, schemaChangesOf } from '../../src/core/schema-parse.js';
import { renderCreate, renderDrop, renderSchema } from '../../src/core/schema-render.js';
import { definitionKey, essentialConfig, type SchemaItem } from '../../src/core/schema.js';
import { item } from '../support/schema.js';

// As SHOW CONSTRAINTS / SHOW INDEXES report them (5.26.30 and 2026.08.1, Cypher 25 names on the latter).
const ALL: [SchemaItem, string][] = [
  [item({ kind: 'constraint', name: 'book_isbn', type: 'UNIQUENESS', properties: ['isbn'], options: { indexConfig: {}, indexProvider: 'range-1.0' } }),
    'CREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (n:Book) REQUIRE n.isbn IS UNIQUE'],
  [item({ kind: 'constraint', name: 'book_ab', type: 'NODE_PROPERTY_UNIQUENESS', properties: ['a', 'b'], options: { indexConfig: {} } }),
    'CREATE CONSTRAINT book_ab IF NOT EXISTS FOR (n:Book) REQUIRE (n.a, n.b) IS UNIQUE'],
  [item({ kind: 'constraint', name: 'wrote_id', type: 'RELATIONSHIP_PROPERTY_UNIQUENESS', entityType: 'RELATIONSHIP', labelsOrTypes: ['WROTE'], properties: ['id'] }),
    'CREATE CONSTRAINT wrote_id IF NOT EXISTS FOR ()-[r:WROTE]-() REQUIRE r.id IS UNIQUE'],
  [item({ kind: 'constraint', name: 'person_key', type: 'NODE_KEY', labelsOrTypes: ['Person'], properties: ['first', 'last'] }),
    'CREATE CONSTRAINT person_key IF NOT EXISTS FOR (n:Person) REQUIRE (n.first, n.last) IS NODE KEY'],
  [item({ kind: 'constraint', name: 'knows_key', type: 'RELATIONSHIP_KEY', entityType: 'RELATIONSHIP', labelsOrTypes: ['KNOWS'], properties: ['id'] }),
    'CREATE CONSTRAINT knows_key IF NOT EXISTS FOR ()-[r:KNOWS]-() REQUIRE r.id IS RELATIONSHIP KEY'],
  [item({ kind: 'constraint', name: 'person_name', type: 'NODE_PROPERTY_EXISTENCE', labelsOrTypes: ['Person'], properties: ['name'] }),
    'CREATE CONSTRAINT person_name IF NOT EXISTS FOR (n:Person) REQUIRE n.name IS NOT NULL'],
  [item({ kind: 'constraint', name: 'wrote_year', type: 'RELATIONSHIP_PROPERTY_EXISTENCE', entityType: 'RELATIONSHIP', labelsOrTypes: ['WROTE'], properties: ['year'] }),
    'CREATE CONSTRAINT wrote_year IF NOT EXISTS FOR ()-[r:WROTE]-() REQUIRE r.year IS NOT NULL'],
  [item({ kind: 'constraint', name: 'book_title_type', type: 'NODE_PROPERTY_TYPE', properties: ['title'], propertyType: 'STRING' }),
    'CREATE CONSTRAINT book_title_type IF NOT EXISTS FOR (n:Book) REQUIRE n.title IS :: STRING'],
  [item({ kind: 'constraint', name: 'wrote_year_type', type: 'RELATIONSHIP_PROPERTY_TYPE', entityType: 'RELATIONSHIP', labelsOrTypes: ['WROTE'], properties: ['year'], propertyType: 'INTEGER | FLOAT' }),
    'CREATE CONSTRAINT wrote_year_type IF NOT EXISTS FOR ()-[r:WROTE]-() REQUIRE r.year IS :: INTEGER | FLOAT'],
  [item({ name: 'book_year', properties: ['year', 'month'], options: { indexConfig: {}, indexProvider: 'range-1.0' } }),
    'CREATE RANGE INDEX book_year IF NOT EXISTS FOR (n:Book) ON (n.year, n.month)'],
  [item({ name: 'wrote_when', entityType: 'RELATIONSHIP', labelsOrTypes: ['WROTE'], properties: ['when'] }),
    'CREATE RANGE INDEX wrote_when IF NOT EXISTS FOR ()-[r:WROTE]-() ON (r.when)'],
  [item({ name: 'book_title_text', type: 'TEXT', options: { indexConfig: {}, indexProvider: 'text-2.0' } }),
    'CREATE TEXT INDEX book_title_text IF NOT EXISTS FOR (n:Book) ON (n.title)'],
  [item({ name: 'place_loc', type: 'POINT', labelsOrTypes: ['Place'], properties: ['loc'], options: { indexConfig: {
    'spatial.cartesian.min': [-100, -100], 'spatial.cartesian.max': [100, 100], 'spatial.wgs-84.min': [-180, -90], 'spatial.wgs-84.max': [180, 90],
    'spatial.cartesian-3d.min': [-1e6, -1e6, -1e6], 'spatial.cartesian-3d.max': [1e6, 1e6, 1e6], 'spatial.wgs-84-3d.min': [-180, -90, -1e6], 'spatial.wgs-84-3d.max': [180, 90, 1e6],
  } } }),
    'CREATE POINT INDEX place_loc IF NOT EXISTS FOR (n:Place) ON (n.loc) OPTIONS {indexConfig: {`spatial.cartesian.max`: [100.0, 100.0], `spatial.cartesian.min`: [-100.0, -100.0]}}'],
  [item({ name: 'search', type: 'FULLTEXT', labelsOrTypes: ['Book', 'Article'], properties: ['title', 'body'], options: { indexConfig: { 'fulltext.analyzer': 'english', 'fulltext.eventually_consistent': false } } }),
    "CREATE FULLTEXT INDEX search IF NOT EXISTS FOR (n:Book|Article) ON EACH [n.title, n.body] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}"],
  [item({ name: 'book_vec', type: 'VECTOR', properties: ['embedding'], options: { indexConfig: {
    'vector.dimensions': 4, 'vector.default_search_expansion_factor': 3, 'vector.hnsw.m': 16, 'vector.quantization.type': 'BINARY', 'vector.similarity_function': 'COSINE', 'vector.hnsw.ef_construction': 100,
  } } }),
    'CREATE VECTOR INDEX book_vec IF NOT EXISTS FOR (n:Book) ON (n.embedding) OPTIONS {indexConfig: {`vector.dimensions`: 4}}'],
  [item({ name: 'node_lookup', type: 'LOOKUP', labelsOrTypes: [], properties: [] }), 'CREATE LOOKUP INDEX node_lookup IF NOT EXISTS FOR (n) ON EACH labels(n)'],
  [item({ name: 'rel_lookup', type: 'LOOKUP', entityType: 'RELATIONSHIP', labelsOrTypes: [], properties: [] }), 'CREATE LOOKUP INDEX rel_lookup IF NOT EXISTS FOR ()-[r]-() ON EACH type(r)'],
  [item({ name: 'we`ird', labelsOrTypes: ['My Label'], properties: ['odd prop'] }), 'CREATE RANGE INDEX `we``ird` IF NOT EXISTS FOR (n:`My Label`) ON (n.`odd prop`)'],
];

describe('renderCreate', () => {
  it.each(ALL)('renders %#', (i, cypher) => {
    expect(renderCreate(i, { guarded: true })).toBe(cypher);
  });

  it('reads every rendered statement back as the same definition', () => {
    for (const [i, cypher] of ALL) {
      const parsed = parseSchemaStatement(cypher);
      expect(parsed?.op).toBe('create');
      if (parsed?.op !== 'create') continue;
      expect(parsed.item.name).toBe(i.name);
      expect(definitionKey(parsed.item)).toBe(definitionKey(i));
    }
  });

  it('renders a vector index of 5.26 and its twin on 2026.08 the same', () => {
    const v526 = item({ type: 'VECTOR', options: { indexProvider: 'vector-2.0', indexConfig: { 'vector.dimensions': 8, 'vector.hnsw.m': 16, 'vector.quantization.enabled': false, 'vector.similarity_function': 'EUCLIDEAN', 'vector.hnsw.ef_construction': 100 } } });
    const v2026 = item({ type: 'VECTOR', options: { indexConfig: { 'vector.dimensions': 8, 'vector.default_search_expansion_factor': 1, 'vector.hnsw.m': 16, 'vector.quantization.type': 'NONE', 'vector.similarity_function': 'EUCLIDEAN', 'vector.hnsw.ef_construction': 100 } } });
    expect(renderCreate(v526)).toBe(renderCreate(v2026));
    expect(renderCreate(v526)).toContain("{`vector.dimensions`: 8, `vector.quantization.enabled`: false, `vector.similarity_function`: 'EUCLIDEAN'}");
    expect(essentialConfig(item({ type: 'VECTOR', options: { indexConfig: { 'vector.default_search_expansion_factor': 2 } } }))).toEqual({ 'vector.default_search_expansion_factor': 2 });
    expect(renderCreate(item({ type: 'VECTOR', options: { indexConfig: { 'vector.default_search_expansion_factor': 2 } } }))).toContain('`vector.default_search_expansion_factor`: 2.0');
  });

  it('drops by name, guarded or not', () => {
    expect(renderDrop(item({ name: 'a b' }), { guarded: true })).toBe('DROP INDEX `a b` IF EXISTS');
    expect(renderDrop(item({ kind: 'constraint', name: 'c' }))).toBe('DROP CONSTRAINT c');
  });

  it('falls back to the server\'s statement for a kind it does not know', () => {
    const odd = item({ kind: 'constraint', name: 'src', type: 'RELATIONSHIP_SOURCE_LABEL', createStatement: 'CREATE CONSTRAINT `src` FOR ()-[r:R]->() REQUIRE r.x IS ODD' });
    expect(renderSchema([odd])).toBe('CREATE CONSTRAINT `src` IF NOT EXISTS FOR ()-[r:R]->() REQUIRE r.x IS ODD;\n');
  });
});

describe('renderSchema', () => {
  it('sorts constraints before indexes, each by name, and leaves out a database\'s own LOOKUP indexes', () => {
    const text = renderSchema([
      item({ name: 'z_index' }),
      item({ name: 'index_343aff4e', type: 'LOOKUP', labelsOrTypes: [], properties: [] }),
      item({ kind: 'constraint', name: 'b', type: 'UNIQUENESS', properties: ['b'] }),
      item({ name: 'a_index', properties: ['a'] }),
      item({ kind: 'constraint', name: 'a', type: 'UNIQUENESS', properties: ['a2'] }),
    ]);
    expect(text.split('\n').map((l) => l.split(' ').slice(0, 4).join(' '))).toEqual([
      'CREATE CONSTRAINT a IF',
      'CREATE CONSTRAINT b IF',
      'CREATE RANGE INDEX a_index',
      'CREATE RANGE INDEX z_index',
      '',
    ]);
  });
});

describe('parseSchemaStatement', () => {
  it.each([
    ['CREATE INDEX FOR (b:Book) ON (b.title)', { name: '', type: 'RANGE', labelsOrTypes: ['Book'], properties: ['title'] }],
    ['create index if not exists for (b:Book) on (b.title)', { name: '', type: 'RANGE' }],
    ['CREATE CONSTRAINT IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE', { name: '', kind: 'constraint', type: 'UNIQUENESS' }],
    ['CREATE CONSTRAINT c FOR (p:Person) REQUIRE p.id IS NODE UNIQUE', { name: 'c', type: 'UNIQUENESS' }],
    ['CREATE CONSTRAINT c FOR ()-[r:R]->() REQUIRE (r.a, r.b) IS REL KEY', { type: 'RELATIONSHIP_KEY', entityType: 'RELATIONSHIP', properties: ['a', 'b'] }],
    ['CREATE CONSTRAINT c FOR (p:P) REQUIRE p.age IS TYPED int', { type: 'NODE_PROPERTY_TYPE', propertyType: 'INTEGER' }],
    ['CREATE CONSTRAINT c FOR (p:P) REQUIRE p.tags IS :: LIST<STRING NOT NULL>', { propertyType: 'LIST<STRING NOT NULL>' }],
    ['CREATE CONSTRAINT c FOR (p:P) REQUIRE p.n IS :: INT|FLOAT', { propertyType: 'INTEGER | FLOAT' }],
    ["CREATE FULLTEXT INDEX f FOR ()-[r:A|B]-() ON EACH [r.x] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}",
      { type: 'FULLTEXT', entityType: 'RELATIONSHIP', labelsOrTypes: ['A', 'B'], options: { indexConfig: { 'fulltext.analyzer': 'english' } } }],
    ['CYPHER 25 CREATE POINT INDEX p FOR (n:P) ON (n.l) OPTIONS {indexConfig: {`spatial.cartesian.min`: [-1.5, -10]}}',
      { type: 'POINT', options: { indexConfig: { 'spatial.cartesian.min': [-1.5, -10] } } }],
    ['USE neo4j CREATE LOOKUP INDEX l FOR ()-[r]-() ON EACH type(r)', { type: 'LOOKUP', entityType: 'RELATIONSHIP', labelsOrTypes: [], properties: [] }],
    ['// a comment\nCREATE TEXT INDEX `a``b` /* why */ FOR (n:`X Y`) ON (n.`p q`)', { name: 'a`b', labelsOrTypes: ['X Y'], properties: ['p q'] }],
  ])('reads %s', (text, expected) => {
    const parsed = parseSchemaStatement(text);
    expect(parsed?.op).toBe('create');
    expect(parsed?.op === 'create' && parsed.item).toMatchObject(expected);
  });

  it('reads drops and ignores what is not a schema change', () => {
    expect(parseSchemaStatement('DROP INDEX book_title IF EXISTS')).toEqual({ op: 'drop', kind: 'index', name: 'book_title', ifExists: true });
    expect(parseSchemaStatement('DROP CONSTRAINT `a b`')).toEqual({ op: 'drop', kind: 'constraint', name: 'a b', ifExists: false });
    expect(parseSchemaStatement('CREATE (:Book {title: "x"})')).toBeNull();
  });

  it('names file and line of a statement it cannot read', () => {
    expect(() => parseSchemaFile('CREATE INDEX a FOR (n:A) ON (n.a);\n\nCREATE INDEX b FOR (n:B) ON n.b IS;\n', 'schema.cypher'))
      .toThrow(/schema\.cypher:3: cannot read this schema statement/);
    expect(() => parseSchemaFile('CREATE (:A);', 'schema.cypher')).toThrow(/schema\.cypher:1: a schema file holds only CREATE/);
    expect(() => parseSchemaFile('CREATE INDEX a FOR (n:A) ON (n.a);\nCREATE INDEX a FOR (n:A) ON (n.b);', 's.cypher')).toThrow(/a is defined twice/);
  });

  it('lists what a migration script changes and which schema statements it cannot read', () => {
    const script = [
      { text: 'CREATE INDEX a FOR (n:A) ON (n.a)', line: 1 },
      { text: 'MATCH (n) SET n.x = 1', line: 2 },
      { text: 'DROP INDEX old IF EXISTS', line: 3 },
      { text: "CALL db.index.fulltext.createNodeIndex('f', ['A'], ['a'])", line: 4 },
    ];
    const { changes, unreadable } = schemaChangesOf(script);
    expect(changes.map((c) => c.op)).toEqual(['create', 'drop']);
    expect(unreadable).toEqual([4]);
  });
});
