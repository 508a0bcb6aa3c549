// ---
// description: model loans as LOAN relationships with a status instead of BORROWED
// dependsOn: ["1.0.0"]
// validate: "MATCH ()-[r:BORROWED]->() RETURN count(r) = 0 AS valid"
// ---
MATCH (m:Member)-[old:BORROWED]->(b:Book)
CREATE (m)-[:LOAN {since: old.on, status: 'open'}]->(b)
DELETE old;
CREATE INDEX loan_status IF NOT EXISTS FOR ()-[l:LOAN]-() ON (l.status);
