/** Reads the data against every constraint the planned migrations create (shared by check and preflight). */
import { type ConstraintCheck, plannedConstraints, violates } from '../core/check.js';
import type { LocalMigration } from '../core/types.js';
import { readSchema } from '../neo4j/catalog.js';
import type { Neo4jClient } from '../neo4j/client.js';
import { findViolations } from '../neo4j/data-check.js';

export async function checkConstraints(client: Neo4jClient, migrations: LocalMigration[]): Promise<ConstraintCheck[]> {
  const planned = plannedConstraints(migrations, await readSchema(client));
  const out: ConstraintCheck[] = [];
  for (const p of planned) {
    const violations = p.status === 'check' ? await findViolations(client, p.spec) : null;
    out.push({ ...p, violations, fails: violates(violations) });
  }
  return out;
}
