import path from 'node:path';
import { maxVersion } from '../../core/version.js';
import type { Neo4jClient } from '../../neo4j/client.js';
import type { HistoryStore } from '../../neo4j/history.js';
import { LosslessReader } from '../../snapshot/driver.js';
import { SNAPSHOT_FORMAT, type SnapshotManifest } from '../../snapshot/format.js';
import { takeSnapshot } from '../../snapshot/take.js';
import type { MigratorSession } from '../session.js';

export interface SnapshotOptions {
  /** where to write (default: `<snapshot.dir>/<database>-<UTC timestamp>.jsonl.gz`) */
  file?: string;
  /** elements per written chunk and progress event (default 10,000) */
  batchSize?: number;
  lockTimeoutSeconds?: number;
}

export interface SnapshotResult {
  /** absolute path of the file written */
  file: string;
  manifest: SnapshotManifest;
  elapsedMs: number;
  /** nodes and relationships written per second */
  rowsPerSecond: number;
}

/** A logical snapshot of the database (graph, schema and neomig's history) in one compressed file, under the lock. */
export async function snapshot(session: MigratorSession, options: SnapshotOptions = {}): Promise<SnapshotResult> {
  return session.withLock(options.lockTimeoutSeconds, ({ client, history }) => snapshotWith(session, client, history, options));
}

/** The snapshot itself, for a caller that holds the lock already (up --snapshot). */
export async function snapshotWith(
  session: MigratorSession, client: Neo4jClient, history: HistoryStore, options: SnapshotOptions = {},
): Promise<SnapshotResult> {
  const { config, events } = session;
  const started = performance.now();
  const createdAt = new Date();
  const file = path.resolve(options.file ?? defaultSnapshotFile(config.snapshot.dir, client.databaseName, createdAt));
  const entries = await history.readAll();
  const historyVersion = maxVersion(entries.filter((e) => e.status === 'applied' || e.status === 'baseline').map((e) => e.version));
  const reader = LosslessReader.open(config.connection, client.databaseName);
  try {
    const header = {
      neomig: 'snapshot' as const,
      format: SNAPSHOT_FORMAT,
      createdAt: createdAt.toISOString(),
      server: { version: client.server.version, edition: client.server.edition },
      database: client.databaseName,
      historyVersion,
      historyLabels: { ...config.labels },
    };
    const trailer = await takeSnapshot(client, reader, { file, header, batchSize: options.batchSize, progress: events.emit });
    const elapsedMs = performance.now() - started;
    const rows = trailer.nodes + trailer.relationships;
    return { file, manifest: { ...header, ...trailer }, elapsedMs, rowsPerSecond: elapsedMs > 0 ? (rows * 1000) / elapsedMs : 0 };
  } finally {
    await reader.close();
  }
}

/** `snapshots/neo4j-20250301T120000123Z.jsonl.gz`: sorts by time, safe on every file system. */
export function defaultSnapshotFile(dir: string, database: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return path.join(dir, `${database.replace(/[^\w.-]/g, '_')}-${stamp}.jsonl.gz`);
}
