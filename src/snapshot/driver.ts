/**
 * Snapshots read property values with lossless integers (an INTEGER past 2^53 must come back exactly),
 * which the migrator's driver turns off for everything else (neo4j/client.ts). So a snapshot reads
 * through a driver of its own, on the same connection settings and database.
 */
import neo4j, { type Driver, type Session } from 'neo4j-driver';
import type { ResolvedConfig } from '../config/types.js';

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

  /** Rows of one read query, in a read session of their own. */
  async rows(cypher: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
    const session: Session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ });
    try {
      const result = await session.run(cypher, params);
      return result.records.map((r) => r.toObject());
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
