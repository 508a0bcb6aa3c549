import type { QueryResult, Session } from 'neo4j-driver';
import type { Counters } from '../core/vocabulary.js';
import { type Neo4jClient, type TransactionRun, countersOf, rowsOf } from './client.js';

/**
 * One ctx.batch() batch: its query, then whatever `bookkeeping` writes about it (the checkpoint), in one
 * explicit transaction committed together. An explicit transaction is not retried by the driver: the
 * batch's retry policy decides (runner/batch-job.ts).
 */
export async function batchTransaction<T>(
  client: Neo4jClient,
  session: Session,
  query: { cypher: string; params: Record<string, unknown> },
  bookkeeping: (result: QueryResult, counters: Counters, run: TransactionRun) => Promise<T>,
  timeoutMs?: number,
): Promise<T> {
  const tx = await client.begin(session, timeoutMs);
  try {
    const result = await tx.run(query.cypher, query.params);
    const kept = await bookkeeping(result, countersOf(result), async (cypher, params = {}) => rowsOf(await tx.run(cypher, params)));
    await tx.commit();
    return kept;
  } catch (e) {
    await tx.rollback().catch(() => undefined);
    throw e;
  }
}

/** The first column of every row of a query, streamed in a session of its own (the driver pulls as
 *  the caller consumes, so memory stays flat). Close the session when done. */
export async function* streamColumn(session: Session, cypher: string, params: Record<string, unknown>): AsyncGenerator<unknown> {
  const result = session.run(cypher, params);
  for await (const record of result) yield record.get(0);
}
