/**
 * The cypher-shell lines that files written for cypher-shell, APOC exports and neo4j-migrations hold:
 * `:begin` … `:commit` (one explicit transaction) and `:use <db>` (the database of what follows).
 * Everything else a shell understands (`:param`, `:rollback`, `:source` …) means nothing in a
 * migration and is refused here, at validate time, naming the line.
 */
import { NeomigError } from '../errors.js';
import { checksumStatements } from './checksum.js';
import { type ClassifyOptions, classifyStatement, queryOptionsLength, startsWithUse } from './classify.js';
import { type ScriptCommand, maskCypher, splitScript } from './splitter.js';
import type { Statement } from './types.js';

export interface Script {
  statements: Statement[];
  /** what the checksum covers: each statement's text and, in file order, each command line */
  checksumParts: string[];
}

/** Splits a script, reads its command lines and classifies its statements. Throws MIGRATION_FILE. */
export function readScript(text: string, file: string, options: ClassifyOptions = {}): Script {
  const statements: Statement[] = [];
  const checksumParts: string[] = [];
  let block: { line: number; statements: Statement[] } | null = null;
  let database: string | null = null;
  for (const part of splitScript(text, file)) {
    if (part.type === 'command') {
      checksumParts.push(`:${part.name}${part.argument ? ` ${part.argument}` : ''}`);
      switch (part.name) {
        case 'begin':
          if (block) {
            fail(file, part, `:begin inside the transaction opened by :begin at line ${block.line}`,
              'Close the first one with :commit before opening another.');
          }
          block = { line: part.line, statements: [] };
          break;
        case 'commit':
          if (!block) fail(file, part, ':commit without a :begin before it', 'Open the transaction with :begin, or delete the :commit.');
          checkBlock(file, block);
          block = null;
          break;
        case 'rollback':
          fail(file, part, ':rollback would undo the statements before it, so they could never be applied',
            'Delete the :begin … :rollback block, or end it with :commit.');
          break;
        case 'use':
          database = part.argument === '' ? null : databaseName(part.argument);
          break;
        default:
          fail(file, part, `:${part.name} is a cypher-shell command, which neomig does not run`, hintFor(part.name));
      }
      continue;
    }
    const { type: _, ...split } = part;
    const kind = classifyStatement(split.text, options);
    const statement: Statement = { ...split, ...kind };
    if (block) {
      statement.block = block.line;
      block.statements.push(statement);
    }
    if (database !== null && kind.kind !== 'admin' && !startsWithUse(split.text)) useDatabase(statement, database);
    statements.push(statement);
    checksumParts.push(statement.text);
  }
  if (block) {
    throw new NeomigError('MIGRATION_FILE', `${file}:${block.line}: the transaction opened by :begin is never closed by :commit`, {
      file,
      line: block.line,
      hint: 'Add :commit after its last statement.',
    });
  }
  return { statements, checksumParts };
}

/** The statements of a `:begin` block must fit in one transaction Neo4j accepts. */
function checkBlock(file: string, block: { line: number; statements: Statement[] }): void {
  const where = (s: Statement) => `statement ${s.index} (line ${s.line})`;
  const opened = `the transaction opened by :begin at line ${block.line}`;
  const alone = block.statements.find((s) => s.kind === 'periodic' || s.kind === 'admin');
  if (alone) {
    const what = alone.kind === 'periodic'
      ? 'CALL { … } IN TRANSACTIONS needs an implicit transaction of its own'
      : 'an administration command runs in a transaction of its own';
    throw new NeomigError('MIGRATION_FILE', `${file}: ${where(alone)} is inside ${opened}, but ${what}`, {
      file,
      statement: alone.index,
      line: alone.line,
      hint: 'Move it out of the :begin … :commit block.',
    });
  }
  const schema = block.statements.find((s) => s.kind === 'schema');
  const data = block.statements.find((s) => s.kind === 'data');
  if (schema && data) {
    const later = schema.index > data.index ? schema : data;
    throw new NeomigError(
      'MIGRATION_FILE',
      `${file}: ${opened} holds a schema command (${where(schema)}) and a data statement (${where(data)}), ` +
        'and Neo4j refuses schema and data writes in one transaction (Neo.ClientError.Transaction.ForbiddenDueToTransactionType)',
      { file, statement: later.index, line: later.line, hint: 'Put the schema commands and the data statements in two :begin … :commit blocks.' },
    );
  }
}

/**
 * Makes a statement run on `database` as `USE <database>` would: the clause goes after any query
 * options (`CYPHER 5 USE neo4j MATCH …`), which is the only place Neo4j accepts it. Admin commands
 * never get one (Neo4j routes them to `system` and refuses a USE on them); nor does a statement that
 * has its own.
 */
function useDatabase(statement: Statement, database: string): void {
  const at = queryOptionsLength(maskCypher(statement.text));
  const clause = `USE ${database} `;
  statement.text = statement.text.slice(0, at) + clause + statement.text.slice(at);
  statement.use = { database, at, length: clause.length };
}

/** A database name as Cypher needs it: plain when it can be, else in backticks. */
function databaseName(name: string): string {
  if (/^`.*`$/.test(name) || /^[A-Za-z][\w.]*$/.test(name)) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

function hintFor(name: string): string {
  if (name === 'param' || name === 'params') {
    return 'Write the value into the statement: neomig sends no parameters with a Cypher file\'s statements.';
  }
  return 'Delete the line. neomig understands :begin, :commit and :use <database>.';
}

function fail(file: string, command: ScriptCommand, problem: string, hint: string): never {
  throw new NeomigError('MIGRATION_FILE', `${file}:${command.line}: ${problem}`, { file, line: command.line, hint });
}

/** The checksum of a Cypher script as neomig records it: its statements and command lines, normalized. */
export function checksumCypher(text: string, file: string): string {
  return checksumStatements(readScript(text, file).checksumParts);
}
