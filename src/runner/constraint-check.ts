/** Reads the data against every constraint the planned migrations create (shared by check and preflight). */
import { type ConstraintCheck, plannedConstraints, violates } from '../core/check.js';
import type { LocalMigration } from '../core/types.js';
import { readSchema } from '../neo4j/catalog.js';
import type { Neo4jClient } from '../neo4j/client.js';
import { findViolations } from '../neo4j/data-check.js';

/** `fixedToo`: also read the data under constraints a pending fix resolves (check reports them). */
export async function checkConstraints(
  client: Neo4jClient,
  migrations: LocalMigration[],
  options: { fixedToo?: boolean } = {},
): Promise<ConstraintCheck[]> {
  // most plans create no constraint: then the live schema is not even read
  if (plannedConstraints(migrations, []).length === 0) return [];
  const planned = plannedConstraints(migrations, await readSchema(client));
  const out: ConstraintCheck[] = [];
  for (const p of planned) {
    // a fix earlier in the plan changes the data first: its violations are shown, they fail nothing
    const read = p.status === 'check' || (p.status === 'fixed' && options.fixedToo === true);
    const violations = read ? await findViolations(client, p.spec) : null;
    out.push({ ...p, violations, fails: p.status === 'check' && violates(violations) });
  }
  return out;
}
