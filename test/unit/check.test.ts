import { describe, expect, it } from 'vitest';
import { describeViolations, judgeTouches, plannedConstraints, touchesByMigration } from '../../src/core/check.js';
import { constraintChange, describeConstraint } from '../../src/core/constraints.js';
import { fixPair, fixVersion } from '../../src/core/fix.js';
import { buildStatements } from '../../src/core/grouping.js';
import type { SchemaItem } from '../../src/core/schema.js';
import { touchesOf, writesData } from '../../src/core/touches.js';
import type { LocalMigration } from '../../src/core/types.js';
import { explainText } from '../../src/neo4j/explain.js';

function cypher(version: string, text: string): LocalMigration {
  const file = `V${version}__m.up.cypher`;
  return {
    version,
    description: 'm',
    type: 'cypher',
    up: { kind: 'cypher', file, text, statements: buildStatements(text, file) },
    checksum: 'x',
    meta: { dependsOn: [], validate: [], transaction: 'auto', irreversible: false },
  };
}

describe('constraintChange', () => {
  it.each([
    ['CREATE CONSTRAINT user_email IF NOT EXISTS FOR (u:User) REQUIRE u.email IS UNIQUE', 'unique :User(email)', 'user_email', true],
    ['create constraint for (u:User) require u.email is unique', 'unique :User(email)', null, false],
    ['CREATE CONSTRAINT FOR (u:`My User`) REQUIRE (u.a, u.`b c`) IS NODE KEY OPTIONS {}', 'key :My User(a, b c)', null, false],
    ['CREATE CONSTRAINT `odd name` FOR ()-[x:RATED]->() REQUIRE x.score IS NOT NULL', 'exists [:RATED](score)', 'odd name', false],
    ['CREATE CONSTRAINT c FOR ()-[r:R]-() REQUIRE (r.a, r.b) IS RELATIONSHIP UNIQUE', 'unique [:R](a, b)', 'c', false],
    ['CREATE CONSTRAINT k FOR ()<-[r:R]-() REQUIRE r.a IS REL KEY', 'key [:R](a)', 'k', false],
    ['CYPHER 5 CREATE CONSTRAINT t FOR (b:Book) REQUIRE b.isbn IS :: STRING', 'type :Book(isbn) :: STRING', 't', false],
    ['CREATE CONSTRAINT t IF NOT EXISTS FOR (b:Book) REQUIRE b.n IS TYPED integer | float OPTIONS {}', 'type :Book(n) :: INTEGER | FLOAT', 't', true],
    ['USE neo4j CREATE CONSTRAINT FOR (b:Book) REQUIRE b.isbn IS UNIQUE', 'unique :Book(isbn)', null, false],
    ['// REQUIRE x.y IS NOT NULL\nCREATE CONSTRAINT c FOR (b:Book) /* IS KEY */ REQUIRE b.isbn IS UNIQUE', 'unique :Book(isbn)', 'c', false],
  ])('%s', (text, described, name, ifNotExists) => {
    const change = constraintChange(text);
    expect(change?.action).toBe('create');
    if (change?.action !== 'create') return;
    expect(describeConstraint(change.spec)).toBe(described);
    expect(change.spec.name).toBe(name);
    expect(change.spec.ifNotExists).toBe(ifNotExists);
  });

  it('reads drops and ignores everything else', () => {
    expect(constraintChange('DROP CONSTRAINT `x y` IF EXISTS')).toEqual({ action: 'drop', name: 'x y', ifExists: true });
    expect(constraintChange('CREATE INDEX i FOR (b:Book) ON (b.x)')).toBeNull();
    expect(constraintChange("CREATE (:Note {text: 'CREATE CONSTRAINT c FOR (u:User) REQUIRE u.e IS UNIQUE'})")).toBeNull();
    // a variable that is not the pattern's cannot be read: left alone rather than guessed
    expect(constraintChange('CREATE CONSTRAINT FOR (u:User) REQUIRE x.e IS UNIQUE')).toBeNull();
  });
});

describe('touchesOf', () => {
  it('names labels and types in patterns, read or written, never in strings, comments or maps', () => {
    expect(touchesOf("MATCH (b:Book {title: 'x:Fake'}) // (:Comment)\nSET b.seen = true")).toEqual([{ entity: 'node', name: 'Book', reads: true }]);
    expect(touchesOf('MATCH (n {count: m}) CREATE (n)-[:WROTE {at: 1}]->(:Book:`Old Book`)')).toEqual([
      { entity: 'node', name: 'Book', reads: false },
      { entity: 'node', name: 'Old Book', reads: false },
      { entity: 'relationship', name: 'WROTE', reads: false },
    ]);
    expect(touchesOf('MATCH ()-[r:RATED|:LIKED]->() DELETE r').map((t) => t.name)).toEqual(['RATED', 'LIKED']);
    expect(touchesOf('MERGE (u:User {id: 1}) ON CREATE SET u:New')).toEqual([
      { entity: 'node', name: 'User', reads: true },
      { entity: 'node', name: 'New', reads: false },
    ]);
    expect(touchesOf('UNWIND [x IN list WHERE x > 1] AS y RETURN y')).toEqual([]);
  });

  it('tells writes from reads', () => {
    expect(writesData('MATCH (b:Book) RETURN count(b)')).toBe(false);
    expect(writesData("MATCH (b:Book) WHERE b.t = 'SET' RETURN b")).toBe(false);
    expect(writesData('MATCH (b:Book) SET b.x = 1')).toBe(true);
  });
});

describe('plannedConstraints', () => {
  const live: SchemaItem[] = [{
    kind: 'constraint', name: 'book_isbn', type: 'UNIQUENESS', entityType: 'NODE', labelsOrTypes: ['Book'],
    properties: ['isbn'], propertyType: null, options: null, createStatement: null,
  }];

  it('checks new constraints, not live ones or ones the plan created before; follows drops', () => {
    const planned = plannedConstraints([
      cypher('1.0.0', 'CREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE;\nCREATE CONSTRAINT u FOR (u:User) REQUIRE u.email IS UNIQUE;'),
      cypher('2.0.0', 'CREATE CONSTRAINT u2 IF NOT EXISTS FOR (x:User) REQUIRE x.email IS UNIQUE;\nDROP CONSTRAINT book_isbn;\nCREATE CONSTRAINT b2 FOR (b:Book) REQUIRE b.isbn IS UNIQUE;'),
    ], live);
    expect(planned.map((p) => [p.version, p.spec.name, p.status])).toEqual([
      ['1.0.0', 'book_isbn', 'exists'],
      ['1.0.0', 'u', 'check'],
      ['2.0.0', 'u2', 'earlier'],
      ['2.0.0', 'b2', 'check'],
    ]);
  });

  it('leaves a constraint to a pending fix written for it earlier in the plan', () => {
    const fix = fixPair({
      version: '2.0.0', file: 'V2.0.0__m.up.cypher', statement: 1, line: 1, status: 'check', fails: true,
      spec: constraintSpec('CREATE CONSTRAINT user_email FOR (u:User) REQUIRE u.email IS UNIQUE'),
      violations: { duplicates: { groups: 1, entities: 2, first: [] } },
    }, '1.0.1');
    const planned = plannedConstraints([cypher('1.0.1', fix.up), cypher('2.0.0', 'CREATE CONSTRAINT user_email FOR (u:User) REQUIRE u.email IS UNIQUE;')], []);
    expect(planned).toMatchObject([{ version: '2.0.0', status: 'fixed', fixedBy: '1.0.1' }]);
  });
});

function constraintSpec(text: string) {
  const change = constraintChange(text);
  if (change?.action !== 'create') throw new Error('not a constraint');
  return change.spec;
}

describe('fixVersion', () => {
  it.each([
    ['1.1.0', ['1.0.0', '1.1.0'], '1.0.1'],
    ['2.0.0', ['1.0.0', '1.0.1', '2.0.0'], '1.0.2'],
    ['1.0.1', ['1.0.0', '1.0.1'], '1.0.1-fix.1'],
    ['1.0.0', ['1.0.0'], '1.0.0-fix.1'],
    ['1.0.1', ['1.0.0', '1.0.1-fix.1', '1.0.1'], '1.0.1-fix.2'],
  ])('before %s among %j: %s', (before, known, expected) => {
    expect(fixVersion(before, known)).toBe(expected);
  });
});

describe('fixPair', () => {
  it('moves duplicates aside in the up and back in the down', () => {
    const pair = fixPair({
      version: '1.1.0', file: 'V1.1.0__users.up.cypher', statement: 1, line: 3, status: 'check', fails: true,
      spec: constraintSpec('CREATE CONSTRAINT user_email FOR (u:User) REQUIRE u.email IS UNIQUE'),
      violations: { duplicates: { groups: 2, entities: 5, first: [] } },
    }, '1.0.1');
    expect(pair.description).toBe('fix user_email');
    expect(pair.up).toMatch(/^\/\/ neomig-fix: unique :User\(email\)\n/);
    expect(pair.up).toContain('UNWIND holders[1..] AS n\nSET n.neomig_fix_user_email_email = n.email\nREMOVE n.email;');
    expect(pair.down).toContain('MATCH (n:User) WHERE n.neomig_fix_user_email_email IS NOT NULL\nSET n.email = n.neomig_fix_user_email_email');
    // the scripts are valid migrations: statements neomig can split
    expect(buildStatements(pair.up, 'up').length).toBe(1);
    expect(buildStatements(pair.down, 'down').length).toBe(1);
  });

  it('for missing values, says what the user must decide and writes only a reversible mark', () => {
    const pair = fixPair({
      version: '1.1.0', file: 'V1.1.0__x.up.cypher', statement: 1, line: 1, status: 'check', fails: true,
      spec: constraintSpec('CREATE CONSTRAINT FOR ()-[r:RATED]-() REQUIRE r.score IS NOT NULL'),
      violations: { missing: { count: 4, elementIds: [] } },
    }, '1.0.1');
    expect(pair.up).toContain('neomig cannot\n// choose values for you');
    expect(pair.up).toContain('MATCH ()-[n:RATED]->() WHERE n.score IS NULL\nSET n.neomig_fix_rated_score_exists_missing = true;');
    expect(pair.down).toContain('REMOVE n.score, n.neomig_fix_rated_score_exists_missing;');
  });
});

describe('judgeTouches', () => {
  it('flags unbatched writes that visit more than the limit, not reads nor CALL IN TRANSACTIONS', () => {
    const m = cypher('1.0.0', [
      'MATCH (b:Book) SET b.seen = true;',
      'MATCH (b:Book) RETURN count(b);',
      'MATCH (b:Book) CALL (b) { SET b.x = 1 } IN TRANSACTIONS;',
      'CREATE (:Book {n: 1});',
    ].join('\n'));
    const [judged] = judgeTouches(touchesByMigration([m]), new Map([['node:Book', 1000]]), 100);
    expect(judged!.touches).toEqual([{ entity: 'node', name: 'Book', reads: true, count: 1000 }]);
    expect(judged!.unbatched).toEqual([{ statement: 1, line: 1, name: 'Book', entity: 'node', rows: 1000 }]);
  });
});

describe('describeViolations', () => {
  it('names counts and the first values', () => {
    const spec = constraintSpec('CREATE CONSTRAINT FOR (u:User) REQUIRE u.email IS NODE KEY');
    const text = describeViolations(spec, {
      duplicates: { groups: 2, entities: 5, first: [{ value: ['a@x'], count: 3, elementIds: [] }, { value: ['b@x'], count: 2, elementIds: [] }] },
      missing: { count: 1, elementIds: [] },
    });
    expect(text).toBe('2 duplicated values on 5 nodes ("a@x" ×3, "b@x" ×2); 1 node without email');
  });
});

describe('explainText', () => {
  it('prefixes EXPLAIN unless the statement says it', () => {
    expect(explainText('MATCH (n) RETURN n', 0)).toEqual({ text: 'EXPLAIN MATCH (n) RETURN n', prefix: 8 });
    expect(explainText('CYPHER 5 EXPLAIN MATCH (n) RETURN n', 17)).toEqual({ text: 'CYPHER 5 EXPLAIN MATCH (n) RETURN n', prefix: 0 });
  });
});
