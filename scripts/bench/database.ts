import neo4j, { type Driver } from 'neo4j-driver';

export interface Server {
  uri: string;
  username: string;
  password: string;
}

export function openDriver(server: Server): Driver {
  return neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password));
}

const quote = (name: string) => '`' + name.replace(/`/g, '``') + '`';

async function names(driver: Driver, cypher: string): Promise<string[]> {
  const { records } = await driver.executeQuery(cypher);
  return records.map((r) => String(r.get('name')));
}

/**
 * Empties the database between runs: every constraint, every index but the two LOOKUP ones, every node
 * (neomig's and neo4j-migrations' history included). Schema drops go in one transaction per kind: one
 * transaction each would make wiping 500 indexes cost as much as the run being measured.
 */
export async function resetDatabase(driver: Driver): Promise<void> {
  for (const cypher of [
    'SHOW CONSTRAINTS YIELD name RETURN name',
    "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name",
  ]) {
    const found = await names(driver, cypher);
    if (found.length === 0) continue;
    const session = driver.session();
    try {
      await session.executeWrite(async (tx) => {
        for (const name of found) await tx.run(`DROP ${cypher.includes('CONSTRAINTS') ? 'CONSTRAINT' : 'INDEX'} ${quote(name)} IF EXISTS`);
      });
    } finally {
      await session.close();
    }
  }
  const session = driver.session();
  try {
    // CALL {} IN TRANSACTIONS needs an auto-commit transaction (session.run)
    await session.run('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  } finally {
    await session.close();
  }
}

/** What a run left: :Bench nodes and user indexes named bench_*, to check every contender did the work. */
export async function benchCounts(driver: Driver): Promise<{ nodes: number; indexes: number }> {
  const nodes = await driver.executeQuery('MATCH (b:Bench) RETURN count(b) AS n');
  const indexes = await driver.executeQuery("SHOW INDEXES YIELD name WHERE name STARTS WITH 'bench_' RETURN count(*) AS n");
  return { nodes: Number(nodes.records[0]!.get('n')), indexes: Number(indexes.records[0]!.get('n')) };
}
