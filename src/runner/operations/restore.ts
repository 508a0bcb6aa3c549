import { NeomigError } from '../../errors.js';
import type { Neo4jClient } from '../../neo4j/client.js';
import type { HistoryStore } from '../../neo4j/history.js';
import { type Verified, verifySnapshot } from '../../snapshot/file.js';
import type { SnapshotManifest } from '../../snapshot/format.js';
import { type Wiped, wipeDatabase } from '../../neo4j/catalog.js';
import { clearRestoring, markRestoring } from '../../neo4j/lock.js';
import { type Loaded, loadSnapshot } from '../../snapshot/restore.js';
import type { MigratorSession } from '../session.js';

export interface RestoreOptions {
  /** check the file and say what would happen; change nothing */
  dryRun?: boolean;
  /** rows per write batch (default 5,000) */
  batchSize?: number;
  lockTimeoutSeconds?: number;
}

export interface RestoreResult {
  file: string;
  dryRun: boolean;
  manifest: SnapshotManifest;
  /** what was deleted first (dry run: the nodes that would be) */
  emptied: Wiped | { nodes: number };
  loaded?: Loaded;
}

/** Refused unless the config allows `clean`: a restore deletes everything first. */
export function assertRestoreAllowed(session: MigratorSession): void {
  if (session.config.cleanEnabled) return;
  const where = session.config.environment ? `environment '${session.config.environment}'` : 'configuration';
  throw new NeomigError('CONFIG', `restore is disabled for this ${where}: it deletes everything in the database first, like clean`, {
    hint: `To allow it, set cleanEnabled: true${session.config.environment ? ` under environments.${session.config.environment}` : ''} in the config,`
      + ' then run neomig restore <file> --yes.',
  });
}

/**
 * Replaces the database's content with a snapshot's. The file is read whole and checked (format,
 * checksum, counts) before anything is deleted: a damaged file leaves the database as it was.
 */
export async function restore(session: MigratorSession, file: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  // a dry run changes nothing: it needs neither cleanEnabled nor --yes
  if (!options.dryRun) assertRestoreAllowed(session);
  const verified = await verifySnapshot(file);
  if (options.dryRun) {
    const c = await session.connect();
    const [row] = await c.rows(`MATCH (n) RETURN count(n) AS nodes`, {}, 'read');
    return { file, dryRun: true, manifest: verified.manifest, emptied: { nodes: Number(row?.['nodes'] ?? 0) } };
  }
  return session.withLock(options.lockTimeoutSeconds, async ({ client, history }) => {
    const { emptied, loaded } = await restoreWith(session, client, history, file, verified, options);
    const version = verified.manifest.historyVersion;
    if (version) await history.save([history.auditWrite(version, 'restore', `restored snapshot ${file} (taken ${verified.manifest.createdAt})`)]);
    return { file, dryRun: false, manifest: verified.manifest, emptied, loaded };
  }, { afterInterruptedRestore: true });
}

/** Empties and loads, for a caller that holds the lock and verified the file (up --restore-on-failure). */
export async function restoreWith(
  session: MigratorSession,
  client: Neo4jClient,
  history: HistoryStore,
  file: string,
  verified: Verified,
  options: { batchSize?: number } = {},
): Promise<{ emptied: Wiped; loaded: Loaded }> {
  // under this run's lock: its lock node and neomig's own schema stay, and so does the mark that says
  // a restore is loading the database, until the data is in (a run killed before that leaves it)
  const lockLabel = session.config.labels.lock;
  await markRestoring(client, lockLabel, file);
  const emptied = await wipeDatabase(client, { lockLabel });
  const loaded = await loadSnapshot(client, file, verified, {
    batchSize: options.batchSize,
    progress: session.events.emit,
    loaded: () => clearRestoring(client, lockLabel),
  });
  if (loaded.dangling > 0) {
    session.events.warn(`${file}: ${loaded.dangling} of its ${verified.manifest.relationships} relationships were not restored: a node they connect is not in the file. `
      + 'The snapshot was taken while something else wrote (its nodes are read before its relationships); take snapshots while the application is stopped.');
  }
  // the history now is the snapshot's; neomig's own constraints were kept, this only checks
  history.forgetWritten();
  await history.ensureSchema();
  return { emptied, loaded };
}
