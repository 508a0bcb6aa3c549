import { describe, expect, it } from 'vitest';
import type { SchemaItem } from '../../src/core/schema.js';
import { schemaAfterStatements } from '../../src/core/schema-step.js';
import { namedEntities } from '../../src/core/touches.js';

function index(name: string, label: string, property: string): SchemaItem {
  return { kind: 'index', name, type: 'RANGE', entityType: 'NODE', labelsOrTypes: [label], properties: [property], propertyType: null, options: null, createStatement: null };
}
const lookup: SchemaItem = { ...index('index_343aff4e', 'x', 'x'), type: 'LOOKUP', labelsOrTypes: [], properties: [] };

describe('schemaAfterStatements', () => {
  it('adds a named CREATE whose counter says it created, drops a known item by name, keeps name order', () => {
    const before = [lookup, index('book_title', 'Book', 'title')];
    const after = schemaAfterStatements(before, [
      { text: 'CREATE INDEX author_name FOR (a:Author) ON (a.name)', counters: { indexesAdded: 1 } },
      { text: 'CREATE CONSTRAINT user_email IF NOT EXISTS FOR (u:User) REQUIRE u.email IS UNIQUE', counters: { constraintsAdded: 1 } },
      { text: 'DROP INDEX book_title', counters: { indexesRemoved: 1 } },
    ]);
    expect(after?.map((i) => `${i.kind} ${i.name} ${i.type}`)).toEqual(['index author_name RANGE', 'index index_343aff4e LOOKUP', 'constraint user_email UNIQUENESS']);
    // the item before is not changed in place
    expect(before.map((i) => i.name)).toEqual(['index_343aff4e', 'book_title']);
  });

  it('IF NOT EXISTS / IF EXISTS that did nothing (zero counters) change nothing', () => {
    const before = [index('book_title', 'Book', 'title')];
    expect(
      schemaAfterStatements(before, [
        { text: 'CREATE INDEX book_title IF NOT EXISTS FOR (b:Book) ON (b.title)', counters: {} },
        { text: 'CREATE INDEX other_name IF NOT EXISTS FOR (b:Book) ON (b.title)', counters: {} },
        { text: 'DROP INDEX gone IF EXISTS', counters: {} },
      ]),
    ).toEqual(before);
  });

  it('cannot tell (null) an unnamed CREATE, a DROP of an item it does not know, a procedure or an unreadable form', () => {
    expect(schemaAfterStatements([], [{ text: 'CREATE INDEX FOR (b:Book) ON (b.year)', counters: { indexesAdded: 1 } }])).toBeNull();
    expect(schemaAfterStatements([], [{ text: 'DROP INDEX index_1234abcd', counters: { indexesRemoved: 1 } }])).toBeNull();
    expect(schemaAfterStatements([], [{ text: "CALL db.createIndex('x', ['Book'], ['year'], 'range-1.0')", counters: { indexesAdded: 1 } }])).toBeNull();
    expect(schemaAfterStatements([], [{ text: 'CREATE INDEX $name FOR (b:Book) ON (b.year)', counters: { indexesAdded: 1 } }])).toBeNull();
    expect(schemaAfterStatements([], [{ text: 'DROP INDEX ON :Book(year)', counters: { indexesRemoved: 1 } }])).toBeNull();
  });

  it("leaves neomig's own items out, as readSchema does", () => {
    const text = 'CREATE CONSTRAINT neomig_lock_id FOR (l:SchemaLock) REQUIRE l.id IS UNIQUE';
    expect(schemaAfterStatements([], [{ text, counters: { constraintsAdded: 1 } }])).toEqual([]);
  });
});

describe('namedEntities', () => {
  it('collects the labels and types the statements name, in any clause', () => {
    expect(
      namedEntities([
        'MATCH (b:Book) MERGE (t:Tag {name: b.genre}) CREATE (b)-[:TAGGED]->(t)',
        "MATCH (a) WHERE a.kind = ':NotALabel' SET a:Author:`Odd Name`",
        'CALL { MATCH (x:Sub)<-[:IN]-(y) RETURN x } RETURN x',
      ]),
    ).toEqual({ labels: ['Author', 'Book', 'Odd Name', 'Sub', 'Tag'], types: ['IN', 'TAGGED'] });
  });

  it('is null when a statement calls a procedure or names a label at run time', () => {
    expect(namedEntities(["CALL apoc.create.node(['Tag'], {})"])).toBeNull();
    expect(namedEntities(['MATCH (n:Book) CALL db.awaitIndexes() RETURN n'])).toBeNull();
    expect(namedEntities(['MATCH (n:Book) SET n:$($label)'])).toBeNull();
    expect(namedEntities(['CREATE (n:$any($labels))'])).toBeNull();
  });
});
