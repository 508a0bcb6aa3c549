/**
 * Turns a script's statements into the transactions Neo4j will accept, per the `transaction` mode.
 */
import { NeomigError, describeLocation } from '../errors.js';
import { classifyStatement } from './classify.js';
import { splitStatements } from './splitter.js';
import type { Statement, StatementKind, TransactionGroup, TransactionMode } from './types.js';

/** Splits and classifies a Cypher script. */
export function buildStatements(text: string, file: string): Statement[] {
  return splitStatements(text, file).map((s) => ({ ...s, ...classifyStatement(s.text) }));
}

/** The transactions to run a script's statements in; throws when `migration` mode cannot hold them. */
export function groupStatements(statements: Statement[], mode: TransactionMode, file: string): TransactionGroup[] {
  switch (mode) {
    case 'auto':
      return groupAuto(statements);
    case 'migration':
      return statements.length === 0 ? [] : [group('managed', checkOneTransaction(statements, file))];
    case 'statement':
      return statements.map((s) => group(s.kind === 'periodic' ? 'implicit' : 'managed', [s]));
    case 'implicit':
      return statements.map((s) => group('implicit', [s]));
  }
}

function groupAuto(statements: Statement[]): TransactionGroup[] {
  const groups: TransactionGroup[] = [];
  let openKind: StatementKind | null = null;
  for (const s of statements) {
    const last = groups[groups.length - 1];
    if (s.kind === 'periodic') {
      groups.push(group('implicit', [s]));
      openKind = null;
    } else if (last && openKind === s.kind) {
      last.statements.push(s);
      last.awaitIndexes ||= s.changesIndexes;
    } else {
      groups.push(group('managed', [s]));
      openKind = s.kind;
    }
  }
  return groups;
}

function group(tx: TransactionGroup['tx'], statements: Statement[]): TransactionGroup {
  return { tx, statements, awaitIndexes: statements.some((s) => s.changesIndexes) };
}

function checkOneTransaction(statements: Statement[], file: string): Statement[] {
  const hint = 'Use `transaction: auto` (the default) so neomig runs each part in a transaction Neo4j accepts, or split the script into two migrations.';
  const where = (s: Statement) => describeLocation({ file, statement: s.index, line: s.line });
  const periodic = statements.find((s) => s.kind === 'periodic');
  if (periodic) {
    throw new NeomigError(
      'MIGRATION_FILE',
      `${where(periodic)}: CALL { … } IN TRANSACTIONS (or USING PERIODIC COMMIT) needs an implicit transaction, so it cannot run under \`transaction: migration\``,
      { file, statement: periodic.index, line: periodic.line, hint },
    );
  }
  const first = statements[0] as Statement;
  const other = statements.find((s) => s.kind !== first.kind);
  if (other) {
    const [schema, data] = first.kind === 'schema' ? [first, other] : [other, first];
    throw new NeomigError(
      'MIGRATION_FILE',
      `${where(other)}: \`transaction: migration\` would put schema command (statement ${schema.index}, line ${schema.line}) and data statement (statement ${data.index}, line ${data.line}) in one transaction, and Neo4j refuses schema and data writes in one transaction (Neo.ClientError.Transaction.ForbiddenDueToTransactionType)`,
      { file, statement: other.index, line: other.line, hint },
    );
  }
  return [...statements];
}
