/**
 * Snapshots read property values with lossless integers (an INTEGER past 2^53 must come back exactly),
 * which the migrator's driver turns off for everything else (neo4j/client.ts). So a snapshot reads
 * through a driver of its own, on the same connection settings and database.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import type { ResolvedConfig } from '../config/types.js';

/** Records fetched per round trip while streaming; the driver stops fetching while this many wait unread. */
const FETCH_SIZE = 2_000;

/** Runs one read query and yields its rows as they are consumed. */
export type RowStream = (cypher: string, params?: Record<string, unknown>) => AsyncIterable<Record<string, unknown>>;

export class LosslessReader {
  private constructor(
    private readonly driver: Driver,
    private readonly database: string,
  ) {}

  static open(connection: ResolvedConfig['connection'], database: string): LosslessReader {
    const { uri, username, password, connectionTimeoutMs } = connection;
    const driver = neo4j.driver(uri, neo4j.auth.basic(username, password ?? ''), {
      connectionTimeout: connectionTimeoutMs,
      userAgent: 'neomig-snapshot',
    });
    return new LosslessReader(driver, database);
  }

  /**
   * Runs `work` in one read transaction whose queries are streamed: a row is fetched when the one
   * before it has been taken (a fetch's worth ahead), so a query over the whole graph holds a few
   * thousand rows in memory, not the graph.
   */
  async streamed<T>(work: (stream: RowStream) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ, fetchSize: FETCH_SIZE });
    try {
      const tx = await session.beginTransaction();
      try {
        const stream: RowStream = async function* (cypher, params = {}) {
          for await (const record of tx.run(cypher, params)) yield record.toObject();
        };
        const out = await work(stream);
        await tx.commit();
        return out;
      } catch (e) {
        if (tx.isOpen()) await tx.rollback().catch(() => undefined);
        throw e;
      }
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
