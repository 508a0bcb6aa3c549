import neo4j, { type Driver, type ManagedTransaction, type QueryResult, type Session, type Transaction } from 'neo4j-driver';
import type { ResolvedConfig } from '../config/types.js';
import { NeomigError } from '../errors.js';
import type { Counters, ServerInfo } from '../core/vocabulary.js';
import { connectionError } from './errors.js';

type Params = Record<string, unknown>;
export type Row = Record<string, unknown>;
/** A query and its parameters, for several sent together. */
export interface Query {
  cypher: string;
  params: Params;
}

/** Runs a query inside a transaction someone else commits. */
export type TransactionRun = (cypher: string, params?: Params) => Promise<Row[]>;

/** Seconds db.awaitIndexes() may wait for new indexes to come online. */
const AWAIT_INDEXES_SECONDS = 300;

/**
 * The one door to Neo4j. Every session shares one bookmark manager so that lock, steps and history are
 * causally consistent on a cluster; every query is counted so round trips can be measured.
 */
export class Neo4jClient {
  readonly stats = { queries: 0, transactions: 0 };
  /** how many times neomig changed indexes or constraints through this client (fingerprints re-read
   *  the schema only when it moved) */
  schemaChanges = 0;
  private indexesPending = false;
  private readonly bookmarks = neo4j.bookmarkManager();
  server!: ServerInfo;

  private constructor(
    readonly driver: Driver,
    private readonly database: string | undefined,
  ) {}

  /**
   * Opens the driver and asks the server who it is: one auto-commit query, which also proves the login.
   * Auto-commit queries are not retried, so an unreachable server fails at once (a managed query would
   * retry for 30 s) without a separate connectivity check.
   */
  static async connect(connection: ResolvedConfig['connection']): Promise<Neo4jClient> {
    const { uri, username, password, database } = connection;
    let driver: Driver;
    try {
      driver = neo4j.driver(uri, neo4j.auth.basic(username, password ?? ''), {
        disableLosslessIntegers: true,
        connectionTimeout: connection.connectionTimeoutMs,
        connectionAcquisitionTimeout: connection.connectionTimeoutMs,
        maxConnectionPoolSize: 10,
        userAgent: 'neomig',
      });
    } catch (e) {
      throw connectionError(e, uri, username, database) ?? e;
    }
    const client = new Neo4jClient(driver, database);
    try {
      const result = await client.autoCommit(
        'CALL dbms.components() YIELD name, versions, edition WHERE name = "Neo4j Kernel" RETURN versions[0] AS version, edition',
        {},
        'read',
      );
      const row = result.records[0]?.toObject() ?? {};
      client.server = {
        version: String(row['version'] ?? 'unknown'),
        edition: String(row['edition'] ?? 'unknown'),
        database: result.summary.database.name ?? database ?? 'neo4j',
      };
    } catch (e) {
      await driver.close().catch(() => undefined);
      throw connectionError(e, uri, username, database) ?? e;
    }
    return client;
  }

  get databaseName(): string {
    return this.server.database;
  }

  /** A session on the target database, sharing the bookmarks of this client. */
  session(mode: 'read' | 'write' = 'write'): Session {
    return this.driver.session({
      database: this.server?.database ?? this.database,
      bookmarkManager: this.bookmarks,
      defaultAccessMode: mode === 'read' ? neo4j.session.READ : neo4j.session.WRITE,
    });
  }

  /** One auto-commit query in a session of its own: one round trip, not retried. */
  async autoCommit(cypher: string, params: Params = {}, mode: 'read' | 'write' = 'write'): Promise<QueryResult> {
    const session = this.session(mode);
    try {
      return await this.implicit(session, cypher, params);
    } finally {
      await session.close();
    }
  }

  /**
   * Several queries pipelined in one explicit transaction (sent together: one round trip, plus the
   * commit), returning each one's rows. Not retried: for bookkeeping that must not run twice.
   */
  async together(queries: Query[], mode: 'read' | 'write' = 'write'): Promise<Row[][]> {
    if (queries.length === 0) return [];
    if (queries.length === 1) return [rowsOf(await this.autoCommit(queries[0]!.cypher, queries[0]!.params, mode))];
    const session = this.session(mode);
    try {
      const tx = await this.begin(session);
      try {
        const results = await Promise.all(queries.map((q) => tx.run(q.cypher, q.params)));
        await tx.commit();
        return results.map(rowsOf);
      } catch (e) {
        await tx.rollback().catch(() => undefined);
        throw e;
      }
    } finally {
      await session.close();
    }
  }

  /** Remembers that indexes or constraints changed; the next settleIndexes() waits for them. */
  indexesChanged(): void {
    this.schemaChanges++;
    this.indexesPending = true;
  }

  /**
   * db.awaitIndexes() if an index or constraint changed since the last wait: called before a statement
   * that could depend on one (a data statement, a validate query) and once at the end of a run, rather
   * than after every schema migration.
   */
  async settleIndexes(session?: Session): Promise<void> {
    if (!this.indexesPending) return;
    this.indexesPending = false;
    const query = 'CALL db.awaitIndexes($seconds)';
    const params = { seconds: AWAIT_INDEXES_SECONDS };
    if (session) await this.implicit(session, query, params);
    else await this.autoCommit(query, params);
  }

  /** One auto-routed managed transaction running one query (retried on transient errors). */
  async query(cypher: string, params: Params = {}, mode: 'read' | 'write' = 'write'): Promise<QueryResult> {
    this.stats.queries++;
    this.stats.transactions++;
    return this.driver.executeQuery(cypher, params, {
      database: this.server?.database ?? this.database,
      bookmarkManager: this.bookmarks,
      routing: mode === 'read' ? neo4j.routing.READ : neo4j.routing.WRITE,
    });
  }

  /** Rows of a query as plain objects. */
  async rows(cypher: string, params: Params = {}, mode: 'read' | 'write' = 'write'): Promise<Row[]> {
    const result = await this.query(cypher, params, mode);
    return result.records.map((r) => r.toObject());
  }

  /** Several queries in one managed write transaction. */
  async writeTransaction<T>(work: (run: (cypher: string, params?: Params) => Promise<Row[]>) => Promise<T>): Promise<T> {
    const session = this.session();
    try {
      this.stats.transactions++;
      return await session.executeWrite(async (tx: ManagedTransaction) =>
        work(async (cypher, params = {}) => {
          this.stats.queries++;
          const r = await tx.run(cypher, params);
          return r.records.map((rec) => rec.toObject());
        }),
      );
    } finally {
      await session.close();
    }
  }

  /** Several independent statements pipelined in one managed write transaction (one round trip plus the commit). */
  async writeAll(statements: string[]): Promise<void> {
    await this.writeTransaction(async (run) => {
      await Promise.all(statements.map((cypher) => run(cypher)));
    });
  }

  /** An explicit transaction the caller commits; used for migration steps, which are not retried. */
  async begin(session: Session, timeoutMs?: number): Promise<CountingTransaction> {
    this.stats.transactions++;
    const tx = session.beginTransaction(timeoutMs ? { timeout: timeoutMs } : undefined);
    return new CountingTransaction(tx, this.stats);
  }

  /** An auto-commit statement (needed for CALL { ... } IN TRANSACTIONS). */
  async implicit(session: Session, cypher: string, params: Params = {}, timeoutMs?: number): Promise<QueryResult> {
    this.stats.queries++;
    this.stats.transactions++;
    return session.run(cypher, params, timeoutMs ? { timeout: timeoutMs } : undefined);
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

export class CountingTransaction {
  constructor(
    private readonly tx: Transaction,
    private readonly stats: { queries: number },
  ) {}
  async run(cypher: string, params: Params = {}): Promise<QueryResult> {
    this.stats.queries++;
    return this.tx.run(cypher, params);
  }
  async commit(): Promise<void> {
    await this.tx.commit();
  }
  async rollback(): Promise<void> {
    if (this.tx.isOpen()) await this.tx.rollback();
  }
}

export function rowsOf(result: QueryResult): Row[] {
  return result.records.map((r) => r.toObject());
}

/** Neo4j's counters as plain numbers, zeros left out. */
export function countersOf(result: QueryResult): Counters {
  const updates = result.summary.counters.updates() as unknown as Record<string, number>;
  const out: Counters = {};
  for (const [k, v] of Object.entries(updates)) if (v) out[k] = v;
  return out;
}

export function addCounters(into: Counters, more: Counters): Counters {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  return into;
}

/** Backticks a label after checking it is a plain identifier (labels cannot be parameters). */
export function label(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new NeomigError('CONFIG', `label "${name}" is not a plain identifier`, {
      hint: 'Use letters, digits and underscores only, starting with a letter.',
    });
  }
  return '`' + name + '`';
}

/** A Cypher INTEGER parameter (a plain JS number is sent as a FLOAT, which LIMIT refuses); from its
 *  digits when it may exceed 2^53. */
export function cypherInt(n: number | string): unknown {
  return neo4j.int(n);
}
