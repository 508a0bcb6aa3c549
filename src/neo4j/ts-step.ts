import type { Session } from 'neo4j-driver';
import { type ClassifyOptions, classifyStatement } from '../core/classify.js';
import type { StatementKind, TransactionMode } from '../core/types.js';
import type { Counters } from '../core/vocabulary.js';
import { type CountingTransaction, type Neo4jClient, addCounters, countersOf } from './client.js';
import { awaitIndexes } from './statements.js';

/**
 * The transactions behind a TypeScript step's ctx.run(). In `auto` mode a transaction stays open while
 * statements are of one kind and is committed when the kind changes (Neo4j refuses schema and data in
 * one transaction); `migration` keeps one transaction; `statement` and `implicit` commit every call.
 * `CALL { } IN TRANSACTIONS` and administration commands always run alone, auto-committed, after the
 * open transaction is committed.
 */
export class TsStepTransactions {
  readonly counters: Counters = {};
  /** whether anything this step did has been committed (so a failure needs the down to compensate) */
  committed = false;
  statements = 0;
  private readonly session: Session;
  private open: { tx: CountingTransaction; kind: StatementKind; changesIndexes: boolean } | undefined;

  constructor(
    private readonly client: Neo4jClient,
    private readonly mode: TransactionMode,
    private readonly timeoutMs: number | undefined,
    /** more schema-mode procedures (config and metadata `schemaProcedures`) */
    private readonly classify: ClassifyOptions = {},
  ) {
    this.session = client.session();
  }

  async run(cypher: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
    this.statements++;
    const { kind, changesIndexes } = classifyStatement(cypher, this.classify);
    if (this.mode === 'implicit' || kind === 'periodic' || kind === 'admin') {
      await this.commit();
      const result = await this.client.implicit(this.session, cypher, params, this.timeoutMs);
      this.committed = true;
      addCounters(this.counters, countersOf(result));
      return result.records.map((r) => r.toObject());
    }
    if (this.open && this.mode === 'auto' && this.open.kind !== kind) await this.commit();
    if (!this.open) this.open = { tx: await this.client.begin(this.session, this.timeoutMs), kind, changesIndexes: false };
    this.open.changesIndexes ||= changesIndexes;
    const result = await this.open.tx.run(cypher, params);
    addCounters(this.counters, countersOf(result));
    if (this.mode === 'statement') await this.commit();
    return result.records.map((r) => r.toObject());
  }

  /** Commits the open transaction, if any, and waits for indexes it created. */
  async commit(): Promise<void> {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    await open.tx.commit();
    this.committed = true;
    if (open.changesIndexes) await awaitIndexes(this.client, this.session);
  }

  async rollback(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    await open?.tx.rollback().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.rollback();
    await this.session.close();
  }
}
