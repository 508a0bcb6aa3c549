/**
 * The hook `status` and `validate` call: the applied migrations (in the order they were applied) and
 * the live schema handed to the pure drift comparison in core/schema-drift.ts.
 */
import { compareInstants } from '../../core/moment.js';
import { type DriftReport, type DriftSource, schemaDrift } from '../../core/schema-drift.js';
import type { MigrationState } from '../../core/types.js';
import { readSchema } from '../../neo4j/catalog.js';
import type { Neo4jClient } from '../../neo4j/client.js';

export type { DriftItem, DriftReport } from '../../core/schema-drift.js';

export async function schemaDriftOf(client: Neo4jClient, states: MigrationState[]): Promise<DriftReport> {
  return schemaDrift(driftSources(states), await readSchema(client));
}

/** Applied and baseline entries, oldest first; a Cypher up is read from its file when the file is at hand. */
export function driftSources(states: MigrationState[]): DriftSource[] {
  const applied = states.filter((s) => s.applied && (s.applied.status === 'applied' || s.applied.status === 'baseline'));
  applied.sort((a, b) => compareInstants(a.applied!.installedAt, b.applied!.installedAt));
  return applied.map((s) => {
    const a = s.applied!;
    const up = s.local?.up;
    return {
      version: s.version,
      status: a.status as DriftSource['status'],
      type: a.type,
      changes: a.changes ?? null,
      statements: up?.kind === 'cypher' ? up.statements.map((st) => ({ text: st.text, line: st.line })) : null,
    };
  });
}
