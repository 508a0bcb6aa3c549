import type { Session } from 'neo4j-driver';
import { type ClassifyOptions, classifyStatement } from '../core/classify.js';
import type { StatementKind, TransactionMode } from '../core/types.js';
import type { Counters } from '../core/vocabulary.js';
import { type CountingTransaction, type Neo4jClient, type TransactionRun, addCounters, countersOf, rowsOf } from './client.js';

/**
 * The transactions behind a TypeScript step's ctx.run(). In `auto` mode a transaction stays open while
 * statements are of one kind and is committed when the kind changes (Neo4j refuses schema and data in
 * one transaction); `migration` keeps one transaction; `statement` and `implicit` commit every call.
 * `CALL { } IN TRANSACTIONS` and administration commands always run alone, auto-committed, after the
 * open transaction is committed.
 *
 * A step that never commits before its end (its ctx.run calls share one data transaction) is finished
 * with finish(), which runs the step's bookkeeping in that same transaction. Before anything commits
 * earlier than that, `beforeFirstCommit` runs once (the runner records that the step started).
 */
export class TsStepTransactions {
  readonly counters: Counters = {};
  /** whether anything this step did has been committed (so a failure needs the down to compensate) */
  committed = false;
  statements = 0;
  private readonly session: Session;
  private open: { tx: CountingTransaction; kind: StatementKind; changesIndexes: boolean } | undefined;
  private started = false;

  constructor(
    private readonly client: Neo4jClient,
    private readonly mode: TransactionMode,
    private readonly timeoutMs: number | undefined,
    /** more schema-mode procedures (config and metadata `schemaProcedures`) */
    private readonly classify: ClassifyOptions = {},
    private readonly beforeFirstCommit: () => Promise<void> = async () => undefined,
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
      if (changesIndexes) this.client.indexesChanged();
      addCounters(this.counters, countersOf(result));
      return rowsOf(result);
    }
    if (this.open && this.mode === 'auto' && this.open.kind !== kind) await this.commitOpen();
    if (!this.open) {
      if (kind !== 'schema') await this.client.settleIndexes(this.session);
      this.open = { tx: await this.client.begin(this.session, this.timeoutMs), kind, changesIndexes: false };
    }
    this.open.changesIndexes ||= changesIndexes;
    const result = await this.open.tx.run(cypher, params);
    addCounters(this.counters, countersOf(result));
    if (this.mode === 'statement') await this.commitOpen();
    return rowsOf(result);
  }

  /**
   * Commits the open transaction, if any, before the step goes on (ctx.batch calls this first): the
   * step now spans several transactions, so its start is recorded first, once. What follows may read
   * or write data, so new indexes are waited for.
   */
  async commit(): Promise<void> {
    await this.commitOpen();
    await this.client.settleIndexes(this.session);
  }

  /**
   * Commits the open transaction before a ctx.batch() job, running `bookkeeping` (the job's first
   * checkpoint) in it when it holds data, so the statements before the job and the job's start commit
   * together: a resumed run knows they are done. After a schema transaction (which cannot hold a
   * write), in a transaction of its own. `first`: nothing of the step committed before, so the
   * bookkeeping records the step's start as well. Call the function bookkeeping returns after the commit.
   */
  async commitWith(bookkeeping: (run: TransactionRun, first: boolean) => Promise<() => void>): Promise<void> {
    if (this.open?.kind === 'schema') await this.commitOpen();
    const first = !this.started;
    this.started = true;
    const open = this.open ?? { tx: await this.client.begin(this.session, this.timeoutMs), kind: 'data' as const, changesIndexes: false };
    const held = this.open !== undefined;
    this.open = undefined;
    let confirm: () => void;
    try {
      confirm = await bookkeeping(async (cypher, params = {}) => rowsOf(await open.tx.run(cypher, params)), first);
      await open.tx.commit();
    } catch (e) {
      await open.tx.rollback().catch(() => undefined);
      throw e;
    }
    confirm();
    if (held) this.committed = true;
    if (open.changesIndexes) this.client.indexesChanged();
    await this.client.settleIndexes(this.session);
  }

  /** Commits the open transaction as the step's last (index waits are left to whatever comes next). */
  async commitLast(): Promise<void> {
    await this.commitOpen();
  }

  private async commitOpen(): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.beforeFirstCommit();
    }
    const open = this.open;
    this.open = undefined;
    if (!open) return;
    await open.tx.commit();
    this.committed = true;
    if (open.changesIndexes) this.client.indexesChanged();
  }

  /**
   * Ends a step whose handler returned. When nothing committed yet and the open transaction (if any)
   * holds data statements, `bookkeeping` runs in it before its commit and the step is atomic (true).
   * Otherwise the open transaction is committed as any other and false is returned: the caller records
   * the step in a transaction of its own.
   */
  async finish(bookkeeping: (run: TransactionRun) => Promise<void>): Promise<boolean> {
    if (this.committed || this.open?.kind === 'schema') {
      await this.commitLast();
      return false;
    }
    const open = this.open ?? { tx: await this.client.begin(this.session, this.timeoutMs), kind: 'data' as const, changesIndexes: false };
    this.open = open;
    await bookkeeping(async (cypher, params = {}) => rowsOf(await open.tx.run(cypher, params)));
    this.open = undefined;
    await open.tx.commit();
    this.committed = true;
    return true;
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
