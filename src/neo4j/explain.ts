/**
 * Compiles statements on the server without running them: `EXPLAIN <statement>` in an explicit
 * transaction that is always rolled back. What Neo4j does with that (checked on 5.26.30 and 2026.08.1):
 * - EXPLAIN plans schema commands (CREATE/DROP INDEX|CONSTRAINT), CALL { } IN TRANSACTIONS and
 *   administration commands (CREATE USER …) in an explicit transaction without executing them: nothing
 *   is created, and IN TRANSACTIONS needs no implicit transaction under EXPLAIN.
 * - The transaction-type rule still holds: after an EXPLAINed schema command, an EXPLAINed data write or
 *   admin command in the same transaction is refused (ForbiddenDueToTransactionType). So schema, data
 *   (with CALL IN TRANSACTIONS) and admin statements are compiled in three transactions.
 * - Labels, relationship types and property keys that do not exist yet, a missing `$parameter` and an
 *   index hint on an index not created yet are warnings (notifications), not errors: a statement that
 *   depends on schema created earlier in the same run compiles.
 * - Syntax and semantic errors (Neo.ClientError.Statement.SyntaxError, with `(line, column (offset))`
 *   counted in the text as sent, EXPLAIN included), unknown procedures (Procedure.ProcedureNotFound),
 *   removed syntax (USING PERIODIC COMMIT) and admin commands Community does not offer
 *   (Statement.UnsupportedAdministrationCommand) are errors, as they would be when the statement runs
 *   (runner/preflight.ts blocks on the latter only for a syntax error: Enterprise was not available here).
 * - `EXPLAIN PROFILE …` is refused (ArgumentError); a statement with its own EXPLAIN is sent as it is.
 */
import type { StatementKind } from '../core/types.js';
import type { Neo4jClient } from './client.js';

export interface Compilable {
  text: string;
  kind: StatementKind;
}

export interface CompileError {
  /** index of the statement in the list given */
  at: number;
  error: unknown;
  /** characters neomig put in front of the statement (`EXPLAIN `): subtract them from Neo4j's offset */
  prefix: number;
}

const PREFIX = 'EXPLAIN ';

/** What is sent for a statement: `EXPLAIN ` + text, unless its query options already say EXPLAIN. */
export function explainText(text: string, optionsLength: number): { text: string; prefix: number } {
  return /\bEXPLAIN\b/i.test(text.slice(0, optionsLength)) ? { text, prefix: 0 } : { text: PREFIX + text, prefix: PREFIX.length };
}

/**
 * Compiles the statements (three transactions at most: schema, data, admin; each pipelined and rolled
 * back). Returns the first error of each transaction, by position in the list.
 */
export async function compileAll(client: Neo4jClient, statements: (Compilable & { optionsLength: number })[]): Promise<CompileError[]> {
  const groups = new Map<string, number[]>();
  statements.forEach((s, i) => {
    const group = s.kind === 'periodic' ? 'data' : s.kind;
    groups.set(group, [...(groups.get(group) ?? []), i]);
  });
  const errors: CompileError[] = [];
  for (const members of groups.values()) {
    const session = client.session('write');
    try {
      const tx = await client.begin(session);
      try {
        const sent = members.map((i) => ({ i, ...explainText(statements[i]!.text, statements[i]!.optionsLength) }));
        const settled = await Promise.allSettled(sent.map((s) => tx.run(s.text)));
        const failed = settled.findIndex((r) => r.status === 'rejected');
        if (failed >= 0) {
          errors.push({ at: sent[failed]!.i, error: (settled[failed] as PromiseRejectedResult).reason, prefix: sent[failed]!.prefix });
        }
      } finally {
        await tx.rollback().catch(() => undefined);
      }
    } finally {
      await session.close();
    }
  }
  return errors.sort((a, b) => a.at - b.at);
}
