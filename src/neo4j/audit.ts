import { type ChangeSet, parseChangeSet } from '../core/fingerprint.js';
import { type Neo4jClient, label } from './client.js';
import type { HistoryLabels } from './history.js';

/** One audit event of a version, as `neomig show` lists them. */
export interface AuditRecord {
  action: string;
  /** ISO-8601 */
  at: string;
  by: string | null;
  runId: string | null;
  durationMs: number | null;
  detail: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** what the step changed, when fingerprints were on */
  changes: ChangeSet | null;
}

/** The audit events of one version, oldest first. */
export async function readAuditEvents(client: Neo4jClient, labels: HistoryLabels, version: string): Promise<AuditRecord[]> {
  const rows = await client.rows(
    `MATCH (v:${label(labels.history)} {database: $database, version: $version})-[:HAS_EVENT]->(e:${label(labels.audit)})
     RETURN e {.*, at: toString(e.at)} AS e ORDER BY e.at`,
    { database: client.databaseName, version },
    'read',
  );
  return rows.map((r) => {
    const e = r['e'] as Record<string, unknown>;
    const str = (k: string) => (e[k] == null ? null : String(e[k]));
    return {
      action: String(e['action']),
      at: String(e['at']),
      by: str('by'),
      runId: str('runId'),
      durationMs: e['durationMs'] == null ? null : Number(e['durationMs']),
      detail: str('detail'),
      errorCode: str('errorCode'),
      errorMessage: str('errorMessage'),
      changes: parseChangeSet(str('changes')),
    };
  });
}
