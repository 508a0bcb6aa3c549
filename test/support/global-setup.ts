/**
 * The integration project's global setup: starts one Neo4j for the whole run (NEO4J_URI, else Docker,
 * else the JVM launcher; see tools/neo4j-local/provider.ts), hands its connection to the test files
 * (`inject('neo4j')`, or testServer() from ./neo4j.ts) and stops it when the run ends.
 *
 * Vitest calls this only when the integration project has test files to run, so a unit-only run
 * (`vitest run --project unit`) starts no server.
 */
import type { TestProject } from 'vitest/node';

import { startLocalNeo4j } from '../../tools/neo4j-local/provider.js';
import type { TestServer } from './neo4j.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // startLocalNeo4j prints "neo4j: <provider> <version> <edition> at <uri> (started in N.N s)" to stderr.
  const server = await startLocalNeo4j();
  const connection: TestServer = {
    uri: server.uri,
    username: server.username,
    password: server.password,
    version: server.version,
    edition: server.edition,
    provider: server.provider,
  };
  project.provide('neo4j', connection);
  return async () => {
    await server.stop();
  };
}
