/**
 * A second Neo4j for the tests of capabilities that need one (a throwaway target for `verify`, a shadow
 * for `schema diff --from-migrations`). Neo4j Community holds one user database per server, so the
 * second database is a second server, started through the same provider as the first: NEO4J_SECOND_URI
 * (with the first server's credentials) when set, else Docker or the JVM, never the NEO4J_URI server.
 *
 * Use it from a describe block: `const second = useSecondServer();` then `second()` in a test. The
 * server starts in beforeAll (15-20 s) and stops in afterAll.
 */
import { afterAll, beforeAll } from 'vitest';

import { type LocalNeo4j, startLocalNeo4j } from '../../tools/neo4j-local/provider.js';
import { type TestServer, testServer } from './neo4j.js';

export function useSecondServer(): () => TestServer {
  let server: LocalNeo4j | undefined;
  let connection: TestServer | undefined;
  beforeAll(async () => {
    const first = testServer();
    const given = process.env['NEO4J_SECOND_URI'];
    if (given) {
      connection = { ...first, uri: given };
      return;
    }
    const env = { ...process.env };
    delete env['NEO4J_URI'];
    // the same version as the first server, whatever selected it
    server = await startLocalNeo4j({ env, version: first.version });
    connection = { uri: server.uri, username: server.username, password: server.password, version: server.version, edition: server.edition, provider: server.provider };
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  return () => {
    if (!connection) throw new Error('the second server is not started: call useSecondServer() at describe level');
    return connection;
  };
}
