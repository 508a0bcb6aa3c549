// The floor for a cold command: a node process that loads the driver, connects, runs `RETURN 1`, exits.
// Reads NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD like neomig does.
import neo4j from 'neo4j-driver';

const driver = neo4j.driver(process.env.NEO4J_URI, neo4j.auth.basic(process.env.NEO4J_USERNAME ?? 'neo4j', process.env.NEO4J_PASSWORD ?? ''));
try {
  await driver.executeQuery('RETURN 1');
} finally {
  await driver.close();
}
