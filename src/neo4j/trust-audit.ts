/**
 * The audit event of `--trust-recorded`: who ran a recorded down that neomig could not vouch for, and
 * why. Kept apart from HistoryStore's writes on purpose; the node has the same shape as every other
 * audit event (see HistoryStore.write), linked to its :SchemaVersion entry.
 */
import { type Neo4jClient, label } from './client.js';

export interface TrustAuditTarget {
  client: Neo4jClient;
  labels: { history: string; audit: string };
  /** who: the configured installedBy */
  by: string;
  runId: string;
}

export async function recordTrustOverride(t: TrustAuditTarget, version: string, detail: string): Promise<void> {
  await t.client.query(
    `MATCH (v:${label(t.labels.history)} {database: $database, version: $version})
     CREATE (v)-[:HAS_EVENT]->(:${label(t.labels.audit)} {
       database: $database, version: $version, action: 'trust_recorded', by: $by, at: datetime(), runId: $runId,
       durationMs: null, errorCode: null, errorMessage: null, detail: $detail })`,
    { database: t.client.databaseName, version, by: t.by, runId: t.runId, detail },
  );
}
