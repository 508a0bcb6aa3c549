DROP INDEX loan_status IF EXISTS;
MATCH (m:Member)-[loan:LOAN]->(b:Book)
CREATE (m)-[:BORROWED {on: loan.since}]->(b)
DELETE loan;
