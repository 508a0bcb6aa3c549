import { queriesOf } from '../core/preconditions.js';
import type { PlanStep, Requirements, ValidationIssue } from '../core/types.js';
import { neo4jVersionSatisfies } from '../core/version.js';
import { callableNames } from '../neo4j/catalog.js';
import type { Neo4jClient } from '../neo4j/client.js';
import { errorMessage, neo4jCode } from '../neo4j/errors.js';
import type { ServerInfo } from './types.js';

/** What the conditions are checked against; procedure names are fetched only when some step asks. */
export interface ConditionSource {
  server: ServerInfo;
  callableNames(): Promise<Set<string>>;
  /** runs a precondition query in a read transaction: true, false, or a text saying why it is neither */
  ask(query: string): Promise<boolean | string>;
}

/** The conditions read from the connected server, its procedures and its data (read transactions only). */
export function conditionsOf(client: Neo4jClient): ConditionSource {
  let names: Promise<Set<string>> | undefined;
  return {
    server: client.server,
    callableNames: () => (names ??= callableNames(client)),
    ask: async (query) => {
      try {
        const rows = (await client.query(query, {}, 'read')).records;
        const value = rows.length === 1 && rows[0]!.length === 1 ? rows[0]!.get(0) : undefined;
        if (typeof value === 'boolean') return value;
        return rows.length === 1 ? `returned ${JSON.stringify(value ?? null)}, not one boolean` : `returned ${rows.length} rows, not one`;
      } catch (e) {
        const code = neo4jCode(e);
        return `failed${code ? ` (${code})` : ''}: ${errorMessage(e).split('\n')[0]}`;
      }
    },
  };
}

/** Why a set of conditions does not hold (empty when it holds); `broken` collects queries that could not answer. */
export async function unmetConditions(req: Requirements, source: ConditionSource, broken: string[] = []): Promise<string[]> {
  const { server } = source;
  const unmet: string[] = [];
  if (req.neo4j && !neo4jVersionSatisfies(server.version, req.neo4j)) unmet.push(`Neo4j ${req.neo4j} (the server is ${server.version})`);
  if (req.edition && req.edition !== server.edition) unmet.push(`the ${req.edition} edition (the server is ${server.edition})`);
  if (req.procedures?.length) {
    const names = await source.callableNames();
    const missing = req.procedures.filter((p) => !names.has(p));
    if (missing.length) unmet.push(`${missing.join(', ')} (the server does not offer ${missing.length > 1 ? 'them' : 'it'})`);
  }
  for (const query of queriesOf(req)) {
    const answer = await source.ask(query);
    if (answer === false) unmet.push(`query \`${query}\` to return true (it returned false)`);
    else if (typeof answer === 'string') broken.push(`query \`${query}\` ${answer}`);
  }
  return unmet;
}

/**
 * Checks every planned step's `requires` before anything runs. A precondition query that cannot
 * answer (an error, not one boolean) is an issue for `requires` and `assume` alike: a broken
 * assumption must not silently skip a migration.
 */
export async function checkPreconditions(steps: PlanStep[], source: ConditionSource): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  for (const step of steps) {
    const meta = step.migration?.meta;
    if (!meta) continue;
    const file = step.migration!.up.file;
    const broken: string[] = [];
    const unmet = meta.requires ? await unmetConditions(meta.requires, source, broken) : [];
    if (unmet.length) issues.push({ kind: 'precondition', version: step.version, file, message: `${step.version} requires ${unmet.join(', ')}` });
    for (const b of broken) issues.push({ kind: 'precondition', version: step.version, file, message: `${step.version}: precondition ${b}` });
  }
  return issues;
}

/** The steps whose `assume` does not hold, with why; throws nothing (broken queries come back as issues). */
export async function evaluateAssumptions(
  steps: PlanStep[],
  source: ConditionSource,
): Promise<{ skip: Map<string, string[]>; issues: ValidationIssue[] }> {
  const skip = new Map<string, string[]>();
  const issues: ValidationIssue[] = [];
  for (const step of steps) {
    const assume = step.migration?.meta.assume;
    if (!assume) continue;
    const broken: string[] = [];
    const unmet = await unmetConditions(assume, source, broken);
    if (unmet.length) skip.set(step.version, unmet.map((u) => `assumes ${u}`));
    const file = step.migration!.up.file;
    for (const b of broken) issues.push({ kind: 'precondition', version: step.version, file, message: `${step.version}: assumption ${b}` });
  }
  return { skip, issues };
}
