MATCH (n) WHERE n:Book OR n:Author OR n:Member DETACH DELETE n;
DROP INDEX book_title IF EXISTS;
DROP CONSTRAINT member_email_unique IF EXISTS;
DROP CONSTRAINT author_id_unique IF EXISTS;
DROP CONSTRAINT book_isbn_unique IF EXISTS;
