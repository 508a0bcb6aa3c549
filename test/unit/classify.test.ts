import { describe, it, expect } from 'vitest';
import { classifyStatement } from '../../src/core/classify.js';

describe('classifyStatement', () => {
  it.each([
    'CREATE INDEX book_title FOR (b:Book) ON (b.title)',
    'create index book_title if not exists for (b:Book) on (b.title)',
    'CREATE RANGE INDEX r FOR (b:Book) ON (b.year)',
    'CREATE TEXT INDEX t FOR (b:Book) ON (b.title)',
    'CREATE POINT INDEX p FOR (s:Shop) ON (s.location)',
    'CREATE LOOKUP INDEX l FOR (n) ON EACH labels(n)',
    'CREATE FULLTEXT INDEX f FOR (b:Book) ON EACH [b.title]',
    'CREATE VECTOR INDEX v IF NOT EXISTS FOR (c:Chunk) ON c.embedding',
    'CREATE BTREE INDEX old FOR (b:Book) ON (b.isbn)',
    'CREATE OR REPLACE INDEX x FOR (b:Book) ON (b.x)',
    'CREATE CONSTRAINT book_isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE',
    'CREATE CONSTRAINT IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS NOT NULL',
    'DROP INDEX book_title',
    'DROP INDEX book_title IF EXISTS',
    'DROP CONSTRAINT book_isbn',
    'drop constraint book_isbn if exists',
    'CYPHER 5 CREATE INDEX i FOR (n:N) ON (n.p)',
    'CYPHER 25 DROP INDEX i',
    'CYPHER runtime=slotted CREATE CONSTRAINT c FOR (n:N) REQUIRE n.p IS UNIQUE',
    'CYPHER 5 runtime=pipelined planner = cost CREATE INDEX i FOR (n:N) ON (n.p)',
    '// the title index\nCREATE INDEX i FOR (b:Book) ON (b.title)',
    '/* why: search */ CREATE\n  TEXT\n  INDEX t FOR (b:Book) ON (b.title)',
  ])('schema: %s', (text) => {
    expect(classifyStatement(text)).toEqual({ kind: 'schema', changesIndexes: true });
  });

  it.each([
    'CALL { MATCH (n:Old) DETACH DELETE n } IN TRANSACTIONS',
    'MATCH (b:Book) CALL { WITH b SET b.x = 1 } IN TRANSACTIONS OF 100 ROWS',
    'MATCH (b:Book)\nCALL (b) {\n  SET b.x = 1\n}\nIN TRANSACTIONS OF 1000 ROWS ON ERROR CONTINUE REPORT STATUS AS s',
    'CALL { CREATE (:A) } IN 4 CONCURRENT TRANSACTIONS OF 10 ROWS',
    'CALL { CREATE (:A) } IN CONCURRENT TRANSACTIONS',
    'CALL { CREATE (:A) } IN $n CONCURRENT TRANSACTIONS',
    'call { create (:A) } in transactions on error fail',
    'CYPHER 25 CALL { CREATE (:A) } /* batch */ IN // batches\n TRANSACTIONS',
    'USING PERIODIC COMMIT 500 LOAD CSV FROM "file:///b.csv" AS row CREATE (:Book {t: row[0]})',
    'CYPHER 5 USING PERIODIC COMMIT LOAD CSV FROM "file:///b.csv" AS row CREATE (:B)',
  ])('periodic: %s', (text) => {
    expect(classifyStatement(text)).toEqual({ kind: 'periodic', changesIndexes: false });
  });

  it.each([
    'CREATE (:Book {title: "Dune"})',
    'CREATE (:Index)',
    'CREATE (i:Index {name: "CREATE INDEX"})',
    'MERGE (c:Constraint {name: "x"})',
    'MATCH (n) RETURN n',
    'CALL db.awaitIndexes()',
    'CALL db.awaitIndexes(300)',
    'SHOW INDEXES',
    'SHOW CONSTRAINTS YIELD name RETURN name',
    "RETURN 'CREATE INDEX x FOR (n:N) ON (n.p)'",
    'RETURN "} IN TRANSACTIONS"',
    '// CREATE INDEX in a comment\nCREATE (:Book)',
    '/* DROP CONSTRAINT c; */ MATCH (n) DELETE n',
    'CALL { MATCH (n) RETURN n } RETURN n',
    "CALL { CREATE (:A) } // IN TRANSACTIONS\nRETURN 1",
    'MATCH (n:`} IN TRANSACTIONS`) RETURN n',
    'CREATE (:Index)-[:INDEX]->(:Constraint)',
    'MATCH (n) WHERE n.x IN transactions RETURN n',
    'CREATE INDEXES',
    'WITH 1 AS x CREATE INDEX i FOR (n:N) ON (n.p)',
    'MATCH (p:Periodic) SET p.using = "USING PERIODIC COMMIT"',
  ])('data: %s', (text) => {
    expect(classifyStatement(text)).toEqual({ kind: 'data', changesIndexes: false });
  });
});
