// The floor for applying migrations: a node process that sends the same statements with the bare
// driver, one transaction each, and (with --await) `CALL db.awaitIndexes()` after each schema statement.
// Usage: node bare-driver.mjs <statements.json> [--await]; prints {"ms": <time from connect to close>}.
import { readFileSync } from 'node:fs';
import neo4j from 'neo4j-driver';

const statements = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const awaitIndexes = process.argv.includes('--await');
const t0 = performance.now();
const driver = neo4j.driver(process.env.NEO4J_URI, neo4j.auth.basic(process.env.NEO4J_USERNAME ?? 'neo4j', process.env.NEO4J_PASSWORD ?? ''));
const session = driver.session();
try {
  for (const statement of statements) {
    await session.executeWrite((tx) => tx.run(statement));
    if (awaitIndexes && /^\s*(CREATE|DROP)\s+(INDEX|CONSTRAINT|RANGE|TEXT|POINT|FULLTEXT|VECTOR|LOOKUP)/i.test(statement)) {
      await session.executeRead((tx) => tx.run('CALL db.awaitIndexes()'));
    }
  }
} finally {
  await session.close();
  await driver.close();
}
console.log(JSON.stringify({ ms: performance.now() - t0 }));
