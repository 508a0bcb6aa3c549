import { NeomigError } from '../errors.js';
import type { Statement, TransactionGroup } from '../core/types.js';
import type { Counters, MigratorEvent } from '../core/vocabulary.js';
import { type CountingTransaction, type Neo4jClient, type TransactionRun, addCounters, countersOf, rowsOf } from './client.js';
import { filePosition, shortenExpected, withoutPosition } from '../core/position.js';
import { errorMessage, neo4jCode, neo4jPosition } from './errors.js';

export interface StepContext {
  version: string;
  /** file the statements come from, as shown in errors */
  file: string;
  timeoutMs?: number;
  emit: (event: MigratorEvent) => void;
  /** work to run inside the script's only transaction, after its statements and before the commit */
  inTransaction?: (run: TransactionRun, counters: Counters) => Promise<void>;
  /** with inTransaction: queries sent right behind the script's last statement, in its round trip
   *  (they see its writes but must not need its result); inTransaction awaits what they return */
  alongside?: (run: TransactionRun) => void;
}

/** A statement failed; `committed` says whether earlier groups of the same script had committed. */
export class StatementFailure extends NeomigError {
  constructor(
    readonly committed: boolean,
    message: string,
    details: ConstructorParameters<typeof NeomigError>[2],
    cause: unknown,
  ) {
    super('MIGRATION_FAILED', message, details, { cause });
  }
}

/**
 * Runs a script's transaction groups in order: managed groups in one explicit transaction each,
 * implicit ones auto-committed. A group that changes indexes only marks them pending: the wait
 * (db.awaitIndexes) happens before the next group that is not pure schema, or at the end of the run.
 * With `ctx.inTransaction`, a script of at most one managed group runs that work (validation, the
 * history record) in its transaction before the commit, so the statements and their record commit together.
 */
export async function runGroups(client: Neo4jClient, groups: TransactionGroup[], ctx: StepContext): Promise<Counters> {
  const total = groups.reduce((n, g) => n + g.statements.length, 0);
  const counters: Counters = {};
  let committed = false;
  const session = client.session();
  try {
    if (ctx.inTransaction && groups.length === 0) groups = [{ tx: 'managed', statements: [], awaitIndexes: false }];
    for (const group of groups) {
      if (group.statements.some((s) => s.kind !== 'schema')) await client.settleIndexes(session);
      const alone = group.statements.length === 1 && group.statements[0]!.kind === 'schema' && !ctx.inTransaction;
      if (group.tx === 'implicit' || alone) {
        for (const statement of group.statements) {
          // a failing CALL { } IN TRANSACTIONS may have committed some of its batches already
          await runOne(ctx, statement, total, committed || statement.kind === 'periodic', async () => {
            const result = await client.implicit(session, statement.text, {}, ctx.timeoutMs);
            return countersOf(result);
          }).then((c) => addCounters(counters, c));
          committed = true;
        }
      } else {
        const tx = await client.begin(session, ctx.timeoutMs);
        const run: TransactionRun = async (cypher, params) => rowsOf(await tx.run(cypher, params));
        try {
          const last = group.statements.at(-1);
          for (const statement of group.statements) {
            addCounters(counters, await runOne(ctx, statement, total, committed, async () => {
              const result = tx.run(statement.text);
              if (statement === last && ctx.inTransaction) ctx.alongside?.(run);
              return countersOf(await result);
            }));
          }
          if (ctx.inTransaction) await ctx.inTransaction(run, counters);
          if (last) await commit(tx, ctx, last, committed);
          else await tx.commit();
        } catch (e) {
          await tx.rollback().catch(() => undefined);
          throw e;
        }
        committed = true;
      }
      if (group.awaitIndexes) client.indexesChanged();
    }
  } finally {
    await session.close();
  }
  return counters;
}

async function runOne(
  ctx: StepContext,
  statement: Statement,
  total: number,
  committed: boolean,
  work: () => Promise<Counters>,
): Promise<Counters> {
  ctx.emit({ type: 'statement:start', version: ctx.version, index: statement.index, total, line: statement.line, text: statement.text });
  const started = performance.now();
  try {
    const counters = await work();
    ctx.emit({ type: 'statement:done', version: ctx.version, index: statement.index, counters, elapsedMs: performance.now() - started });
    return counters;
  } catch (e) {
    throw statementFailure(e, ctx, statement, committed);
  }
}

async function commit(tx: CountingTransaction, ctx: StepContext, last: Statement, committed: boolean): Promise<void> {
  try {
    await tx.commit();
  } catch (e) {
    throw statementFailure(e, ctx, last, committed, 'the commit of the transaction ending with');
  }
}

/**
 * The error for a failed statement. When Neo4j names a position in the statement, the message and the
 * details carry the file's line and column (and the line itself, for the caret a person sees) instead.
 */
export function statementFailure(e: unknown, ctx: StepContext, statement: Statement, committed: boolean, what = ''): StatementFailure {
  if (e instanceof StatementFailure) return e;
  const code = neo4jCode(e);
  const first = errorMessage(e).split('\n')[0]!.trim();
  const position = what ? undefined : neo4jPosition(e);
  const at = position ? filePosition(statement, position.offset) : undefined;
  const failed = `${what ? what + ' ' : ''}statement ${statement.index} (line ${statement.line}) failed`;
  return new StatementFailure(
    committed,
    at
      ? `${ctx.file}: ${failed} at line ${at.line}, column ${at.column}: ${shortenExpected(withoutPosition(first))}`
      : `${ctx.file}: ${failed}: ${shortenExpected(first)}`,
    {
      file: ctx.file,
      version: ctx.version,
      statement: statement.index,
      line: at?.line ?? statement.line,
      ...(at ? { column: at.column, excerpt: at.excerpt } : {}),
      neo4jCode: code,
      hint: hintFor(code),
    },
    e,
  );
}

function hintFor(code: string | undefined): string {
  switch (code) {
    case 'Neo.ClientError.Transaction.ForbiddenDueToTransactionType':
      return 'Neo4j refuses schema commands and data writes in one transaction: use `transaction: auto` (the default) or split the statements.';
    case 'Neo.ClientError.Statement.SyntaxError':
      return 'Fix the Cypher syntax in the statement named.';
    case 'Neo.ClientError.Schema.ConstraintValidationFailed':
      return 'Existing data violates the constraint: clean the data first (e.g. in an earlier migration).';
    case 'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists':
    case 'Neo.ClientError.Schema.IndexAlreadyExists':
    case 'Neo.ClientError.Schema.ConstraintAlreadyExists':
      return 'The schema object exists already: add IF NOT EXISTS, or baseline the database.';
    case 'Neo.ClientError.Transaction.TransactionTimedOut':
    case 'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration':
      return 'The step ran past its timeout: raise `timeout` in its metadata, or batch the work.';
    default:
      return 'Fix the statement and run `neomig up` again; the entry is recorded as failed in the history.';
  }
}
