/**
 * Turns a script's statements into the transactions Neo4j will accept, per the `transaction` mode.
 */
import { NeomigError, describeLocation } from '../errors.js';
import type { ClassifyOptions } from './classify.js';
import { readScript } from './dialect.js';
import type { Statement, StatementKind, TransactionGroup, TransactionMode } from './types.js';

/** Splits and classifies a Cypher script, reading its `:begin`/`:commit`/`:use` lines. */
export function buildStatements(text: string, file: string, options: ClassifyOptions = {}): Statement[] {
  return readScript(text, file, options).statements;
}

/** The transactions to run a script's statements in; throws when `migration` mode cannot hold them. */
export function groupStatements(statements: Statement[], mode: TransactionMode, file: string): TransactionGroup[] {
  switch (mode) {
    case 'auto':
      return groupAuto(statements);
    case 'migration':
      return statements.length === 0 ? [] : [group('managed', checkOneTransaction(statements, file))];
    case 'statement':
      return withBlocks(statements, (s) => group(runsAlone(s) ? 'implicit' : 'managed', [s]));
    case 'implicit':
      return withBlocks(statements, (s) => group('implicit', [s]));
  }
}

/** Periodic and admin statements never share a transaction and run auto-committed. */
function runsAlone(s: Statement): boolean {
  return s.kind === 'periodic' || s.kind === 'admin';
}

/** One managed group per `:begin` … `:commit` block (the file asks for that transaction), else `single`. */
function withBlocks(statements: Statement[], single: (s: Statement) => TransactionGroup): TransactionGroup[] {
  const groups: TransactionGroup[] = [];
  for (const s of statements) {
    const last = groups[groups.length - 1];
    if (s.block !== undefined && last?.statements[0]?.block === s.block) {
      last.statements.push(s);
      last.awaitIndexes ||= s.changesIndexes;
    } else {
      groups.push(s.block !== undefined ? group('managed', [s]) : single(s));
    }
  }
  return groups;
}

function groupAuto(statements: Statement[]): TransactionGroup[] {
  const groups: TransactionGroup[] = [];
  // what the last group may still take: more statements of its kind, from the same block or from none
  // (readScript makes sure a block holds one kind)
  let open: { kind: StatementKind; block?: number } | null = null;
  for (const s of statements) {
    const last = groups[groups.length - 1];
    if (runsAlone(s) && s.block === undefined) {
      groups.push(group('implicit', [s]));
      open = null;
    } else if (last && open && open.kind === s.kind && open.block === s.block) {
      last.statements.push(s);
      last.awaitIndexes ||= s.changesIndexes;
    } else {
      groups.push(group('managed', [s]));
      open = { kind: s.kind, block: s.block };
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
  const admin = statements.find((s) => s.kind === 'admin');
  if (admin) {
    throw new NeomigError(
      'MIGRATION_FILE',
      `${where(admin)}: an administration command runs in a transaction of its own (Neo4j refuses it after a ` +
        'write in the same transaction), so it cannot run under `transaction: migration`',
      { file, statement: admin.index, line: admin.line, hint },
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
