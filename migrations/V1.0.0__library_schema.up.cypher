// ---
// description: library schema with unique books, authors and members
// validate: "SHOW CONSTRAINTS YIELD name WHERE name = 'book_isbn_unique' RETURN count(*) = 1 AS valid"
// ---
CREATE CONSTRAINT book_isbn_unique IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE;
CREATE CONSTRAINT author_id_unique IF NOT EXISTS FOR (a:Author) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT member_email_unique IF NOT EXISTS FOR (m:Member) REQUIRE m.email IS UNIQUE;
CREATE INDEX book_title IF NOT EXISTS FOR (b:Book) ON (b.title);

// Seed data: a schema group and a data group, run as two transactions by `transaction: auto`.
MERGE (a:Author {id: 'ursula-le-guin'}) SET a.name = 'Ursula K. Le Guin';
MERGE (a:Author {id: 'octavia-butler'}) SET a.name = 'Octavia E. Butler';
MERGE (b:Book {isbn: '978-0-441-47812-5'}) SET b.title = 'The Left Hand of Darkness', b.year = 1969;
MERGE (b:Book {isbn: '978-0-06-105488-5'}) SET b.title = 'The Dispossessed', b.year = 1974;
MERGE (b:Book {isbn: '978-0-446-67550-5'}) SET b.title = 'Parable of the Sower', b.year = 1993;
MATCH (a:Author {id: 'ursula-le-guin'}), (b:Book) WHERE b.isbn IN ['978-0-441-47812-5', '978-0-06-105488-5']
MERGE (a)-[:WROTE]->(b);
MATCH (a:Author {id: 'octavia-butler'}), (b:Book {isbn: '978-0-446-67550-5'})
MERGE (a)-[:WROTE]->(b);
MERGE (m:Member {email: 'ada@example.org'}) SET m.name = 'Ada';
MATCH (m:Member {email: 'ada@example.org'}), (b:Book {isbn: '978-0-06-105488-5'})
MERGE (m)-[:BORROWED {on: date('2026-01-15')}]->(b);
