/**
 * up's preflight: before the first pending migration runs, every Cypher statement of every planned
 * migration is compiled on the server (EXPLAIN, rolled back; see neo4j/explain.ts for what Neo4j
 * accepts), then every constraint the plan creates is checked against the data. A statement that does
 * not compile stops the run with MIGRATION_FILE (exit 2) naming file, line and column; data violating
 * a new constraint stops it with VALIDATION (exit 3). Either way nothing was applied and nothing was
 * recorded. TypeScript migrations are not compiled: their statements are only known when they run.
 */
import { type ConstraintCheck, describeViolations } from '../core/check.js';
import { describeConstraint } from '../core/constraints.js';
import { queryOptionsLength } from '../core/classify.js';
import { filePosition, shortenExpected, withoutPosition } from '../core/position.js';
import { maskCypher } from '../core/splitter.js';
import type { LocalMigration, Statement } from '../core/types.js';
import { NeomigError } from '../errors.js';
import type { Neo4jClient } from '../neo4j/client.js';
import { errorMessage, neo4jCode, neo4jPosition } from '../neo4j/errors.js';
import { compileAll } from '../neo4j/explain.js';
import { checkConstraints } from './constraint-check.js';
import type { Events } from './events.js';

export interface PreflightReport {
  /** statements compiled without error */
  compiled: number;
  /** migrations (or statements) that were not compiled, and why */
  notChecked: { version: string; file: string; reason: string }[];
  /** the constraints the plan creates, with what the data holds against them */
  constraints: ConstraintCheck[];
  elapsedMs: number;
}

const SKIP_HINT = 'Nothing was applied. `neomig up --no-preflight` (or config `preflight: false`) skips this check.';

/** Runs the preflight over the planned migrations; throws when one of them would fail. */
export async function runPreflight(client: Neo4jClient, events: Events, migrations: LocalMigration[]): Promise<PreflightReport> {
  const started = performance.now();
  const statements: { migration: LocalMigration; statement: Statement }[] = [];
  const notChecked: PreflightReport['notChecked'] = [];
  for (const migration of migrations) {
    if (migration.up.kind === 'cypher') for (const statement of migration.up.statements) statements.push({ migration, statement });
    else notChecked.push({ version: migration.version, file: migration.up.file, reason: 'TypeScript migrations are not compiled' });
  }
  events.emit({ type: 'preflight:start', migrations: migrations.length, statements: statements.length });
  const errors = await compileAll(
    client,
    statements.map(({ statement: s }) => ({ text: s.text, kind: s.kind, optionsLength: queryOptionsLength(maskCypher(s.text)) })),
  );
  let uncompiled = 0;
  for (const e of errors) {
    const { migration, statement } = statements[e.at]!;
    if (!isStatementError(e.error, statement.kind)) {
      // not the statement's fault (a transient error, a permission), or an admin command this server
      // refuses to plan: report it, do not block the run (the statement runs and says it when it fails)
      const why = errorMessage(e.error).split('\n')[0];
      events.warn(`preflight could not compile statement ${statement.index} of ${migration.up.file}: ${why}`, migration.version);
      const reason = `statement ${statement.index}: ${neo4jCode(e.error) ?? 'error'}`;
      notChecked.push({ version: migration.version, file: migration.up.file, reason });
      uncompiled++;
      continue;
    }
    throw compileError(e.error, e.prefix, migration, statement);
  }
  const constraints = await checkConstraints(client, migrations);
  const failing = constraints.filter((c) => c.fails);
  if (failing.length) throw violationError(failing);
  const elapsedMs = performance.now() - started;
  const compiled = statements.length - uncompiled;
  events.emit({ type: 'preflight:done', compiled, notChecked: notChecked.length, constraints: constraints.length, elapsedMs });
  return { compiled, notChecked, constraints, elapsedMs };
}

/**
 * Errors the statement itself causes, which would fail it when it runs. For administration commands
 * only syntax errors: what else an edition says under EXPLAIN (Community: UnsupportedAdministrationCommand
 * for CREATE DATABASE) could not be checked against Enterprise here, so it is left to the run.
 */
function isStatementError(e: unknown, kind: Statement['kind']): boolean {
  const code = neo4jCode(e) ?? '';
  if (kind === 'admin') return code === 'Neo.ClientError.Statement.SyntaxError';
  return code.startsWith('Neo.ClientError.Statement.') || code.startsWith('Neo.ClientError.Procedure.') || code.startsWith('Neo.ClientError.Schema.');
}

/** A statement that does not compile, at its line and column in the file. */
// no `cause`: the message already holds Neo4j's, without its offset in the text as sent
function compileError(e: unknown, prefix: number, migration: LocalMigration, statement: Statement): NeomigError {
  const file = migration.up.file;
  const code = neo4jCode(e);
  const first = errorMessage(e).split('\n')[0]!.trim();
  const position = neo4jPosition(e);
  const at = position ? filePosition(statement, position.offset - prefix) : undefined;
  const where = at ? `${file}:${at.line}:${at.column}` : `${file}:${statement.line}`;
  return new NeomigError(
    'MIGRATION_FILE',
    `${where}: statement ${statement.index} does not compile: ${shortenExpected(position ? withoutPosition(first) : first)}`,
    {
      file,
      version: migration.version,
      statement: statement.index,
      line: at?.line ?? statement.line,
      ...(at ? { column: at.column, excerpt: at.excerpt } : {}),
      neo4jCode: code,
      preflight: true,
      hint: `Fix the statement. ${SKIP_HINT}`,
    },
  );
}

function violationError(failing: ConstraintCheck[]): NeomigError {
  const first = failing[0]!;
  const lines = failing.map((c) => {
    const name = c.spec.name ? `constraint ${c.spec.name} ` : 'constraint ';
    return `${c.file}:${c.line}: ${name}(${describeConstraint(c.spec)}) cannot be created: ${describeViolations(c.spec, c.violations!)}`;
  });
  const what = failing.length === 1 ? 'a constraint' : `${failing.length} constraints`;
  return new NeomigError('VALIDATION', `preflight: the data violates ${what} the plan creates: ${lines.join('; ')}`, {
    file: first.file,
    version: first.version,
    statement: first.statement,
    line: first.line,
    preflight: true,
    constraints: failing.map((c) => ({
      version: c.version, file: c.file, line: c.line, constraint: c.spec.name, rule: describeConstraint(c.spec), violations: c.violations,
    })),
    hint: `Run \`neomig check\` for the details and \`neomig check --fix\` to write a migration that resolves them. ${SKIP_HINT}`,
  });
}
