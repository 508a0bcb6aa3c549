import type { PlanStep, ValidationIssue } from '../core/types.js';
import { neo4jVersionSatisfies } from '../core/version.js';
import type { ServerInfo } from './types.js';

/**
 * Checks every planned step's `requires` against the server before anything runs. Procedure names are
 * fetched only when some step asks for them.
 */
export async function checkPreconditions(
  steps: PlanStep[],
  server: ServerInfo,
  callableNames: () => Promise<Set<string>>,
): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  let names: Set<string> | undefined;
  for (const step of steps) {
    const requires = step.migration?.meta.requires;
    if (!requires) continue;
    const file = step.migration!.up.file;
    if (requires.neo4j && !neo4jVersionSatisfies(server.version, requires.neo4j)) {
      issues.push({ kind: 'precondition', version: step.version, file, message: `${step.version} requires Neo4j ${requires.neo4j}; the server is ${server.version}` });
    }
    if (requires.edition && requires.edition !== server.edition) {
      issues.push({ kind: 'precondition', version: step.version, file, message: `${step.version} requires the ${requires.edition} edition; the server is ${server.edition}` });
    }
    if (requires.procedures?.length) {
      names ??= await callableNames();
      const missing = requires.procedures.filter((p) => !names!.has(p));
      if (missing.length) {
        issues.push({ kind: 'precondition', version: step.version, file, message: `${step.version} requires ${missing.join(', ')}, which the server does not offer` });
      }
    }
  }
  return issues;
}
