import type { AppliedMigration, AppliedStatus, TransactionMode } from '../core/types.js';
import type { Counters } from '../core/vocabulary.js';
import { type Neo4jClient, type Row, label } from './client.js';

export interface HistoryLabels {
  history: string;
  audit: string;
  lock: string;
}

/** What the runner writes about one version. */
export interface HistoryEntry {
  version: string;
  description: string;
  type: 'cypher' | 'typescript' | 'baseline';
  script: string;
  checksum: string | null;
  downScript: string | null;
  downScriptName: string | null;
  downChecksum: string | null;
  dependsOn: string[];
  irreversible: boolean;
  transaction: TransactionMode;
}

export type AuditAction = 'up' | 'down' | 'failed' | 'down_failed' | 'baseline' | 'repair' | 'start';

export interface AuditEvent {
  action: AuditAction;
  durationMs?: number;
  errorCode?: string | null;
  errorMessage?: string | null;
  detail?: string;
}

/**
 * The :SchemaVersion history and its audit trail. Each write updates the version node and appends an
 * audit node linked to it, in one transaction, so history and audit never disagree.
 */
export class HistoryStore {
  private readonly h: string;
  private readonly a: string;
  private readonly l: string;

  constructor(
    private readonly client: Neo4jClient,
    private readonly labels: HistoryLabels,
    private readonly installedBy: string,
    private readonly runId: string,
  ) {
    this.h = label(labels.history);
    this.a = label(labels.audit);
    this.l = label(labels.lock);
  }

  private get database(): string {
    return this.client.databaseName;
  }

  /** neomig's own constraints; idempotent. Named neomig_* so they are never shown as the user's schema. */
  async ensureSchema(): Promise<void> {
    const suffix = `${this.labels.history}_${this.labels.lock}`.toLowerCase();
    await this.client.writeAll([
      `CREATE CONSTRAINT neomig_version_${suffix} IF NOT EXISTS FOR (v:${this.h}) REQUIRE (v.database, v.version) IS UNIQUE`,
      `CREATE CONSTRAINT neomig_lock_${suffix} IF NOT EXISTS FOR (l:${this.l}) REQUIRE l.name IS UNIQUE`,
    ]);
  }

  async readAll(): Promise<AppliedMigration[]> {
    const rows = await this.client.rows(
      `MATCH (v:${this.h}) WHERE v.database = $database
       RETURN v {.*, installedAt: toString(v.installedAt)} AS v ORDER BY v.version`,
      { database: this.database },
      'read',
    );
    return rows.map((r) => toApplied(r['v'] as Row));
  }

  /** Written before a step runs: if the process dies mid-step, the history says so instead of nothing. */
  async recordStart(entry: HistoryEntry): Promise<void> {
    await this.write(
      entry.version,
      { ...entry, status: 'failed', reversed: false, errorCode: null, errorMessage: `interrupted: the run ${this.runId} started this up and did not finish` },
      { action: 'start', detail: 'up' },
    );
  }

  async markApplied(entry: HistoryEntry, durationMs: number, counters: Counters): Promise<void> {
    await this.write(
      entry.version,
      {
        ...entry,
        status: 'applied',
        reversed: false,
        errorCode: null,
        errorMessage: null,
        executionTimeMs: durationMs,
        counters: JSON.stringify(counters),
        installedAt: 'now',
      },
      { action: 'up', durationMs },
    );
  }

  async markFailed(entry: HistoryEntry, durationMs: number, reversed: boolean, errorCode: string | undefined, errorMessage: string): Promise<void> {
    await this.write(
      entry.version,
      { ...entry, status: 'failed', reversed, errorCode: errorCode ?? null, errorMessage, executionTimeMs: durationMs, installedAt: 'now' },
      { action: 'failed', durationMs, errorCode, errorMessage },
    );
  }

  async markRolledBack(version: string, durationMs: number): Promise<void> {
    await this.write(version, { status: 'rolled_back', executionTimeMs: durationMs }, { action: 'down', durationMs });
  }

  /** A down that failed leaves the entry applied; only the audit trail learns of it. */
  async auditDownFailed(version: string, durationMs: number, errorCode: string | undefined, errorMessage: string): Promise<void> {
    await this.write(version, null, { action: 'down_failed', durationMs, errorCode, errorMessage });
  }

  async recordBaseline(version: string, description: string): Promise<void> {
    await this.write(
      version,
      {
        version,
        description,
        type: 'baseline',
        script: '<< baseline >>',
        checksum: null,
        downScript: null,
        downScriptName: null,
        downChecksum: null,
        dependsOn: [],
        irreversible: true,
        transaction: 'auto',
        status: 'baseline',
        reversed: false,
        executionTimeMs: 0,
        counters: '{}',
        installedAt: 'now',
      },
      { action: 'baseline' },
    );
  }

  /** repair: set new properties on an entry and say why in the audit trail. */
  async repair(version: string, props: Record<string, unknown>, detail: string): Promise<void> {
    await this.write(version, props, { action: 'repair', detail });
  }

  private async write(version: string, props: Record<string, unknown> | null, event: AuditEvent): Promise<void> {
    const { installedAt, ...rest } = props ?? {};
    await this.client.query(
      `MERGE (v:${this.h} {database: $database, version: $version})
       ON CREATE SET v.installedBy = $by, v.installedAt = datetime()
       SET v += $props
       FOREACH (_ IN CASE WHEN $stamp THEN [1] ELSE [] END | SET v.installedBy = $by, v.installedAt = datetime())
       CREATE (v)-[:HAS_EVENT]->(:${this.a} {
         database: $database, version: $version, action: $action, by: $by, at: datetime(), runId: $runId,
         durationMs: $durationMs, errorCode: $errorCode, errorMessage: $errorMessage, detail: $detail })`,
      {
        database: this.database,
        version,
        props: rest,
        stamp: installedAt === 'now',
        by: this.installedBy,
        runId: this.runId,
        action: event.action,
        durationMs: event.durationMs ?? null,
        errorCode: event.errorCode ?? null,
        errorMessage: event.errorMessage ?? null,
        detail: event.detail ?? null,
      },
    );
  }
}

function toApplied(v: Row): AppliedMigration {
  const str = (k: string): string | null => (v[k] === null || v[k] === undefined ? null : String(v[k]));
  let counters: Counters = {};
  try {
    counters = JSON.parse(str('counters') ?? '{}') as Counters;
  } catch {
    counters = {};
  }
  return {
    version: String(v['version']),
    description: str('description') ?? '',
    type: (str('type') ?? 'cypher') as AppliedMigration['type'],
    script: str('script') ?? '',
    checksum: str('checksum'),
    status: (str('status') ?? 'applied') as AppliedStatus,
    installedBy: str('installedBy') ?? '',
    installedAt: str('installedAt') ?? '',
    executionTimeMs: Number(v['executionTimeMs'] ?? 0),
    counters,
    downScript: str('downScript'),
    downScriptName: str('downScriptName'),
    downChecksum: str('downChecksum'),
    dependsOn: Array.isArray(v['dependsOn']) ? (v['dependsOn'] as unknown[]).map(String) : [],
    irreversible: v['irreversible'] === true,
    transaction: (str('transaction') ?? 'auto') as TransactionMode,
    reversed: v['reversed'] === true,
    errorCode: str('errorCode'),
    errorMessage: str('errorMessage'),
  };
}
