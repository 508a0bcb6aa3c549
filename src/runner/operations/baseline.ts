import { baselineChanges } from '../../core/schema-drift.js';
import { parseVersion } from '../../core/version.js';
import { NeomigError } from '../../errors.js';
import { readSchema } from '../../neo4j/catalog.js';
import type { Neo4jClient } from '../../neo4j/client.js';
import type { HistoryStore } from '../../neo4j/history.js';
import type { MigratorSession } from '../session.js';
import type { BaselineResult } from '../types.js';

/** Marks a database that neomig has never migrated as being at `version`. */
export async function baseline(session: MigratorSession, version: string, description = 'baseline'): Promise<BaselineResult> {
  const v = parseVersion(version);
  if (!v) throw new NeomigError('USAGE', `"${version}" is not a version`, { hint: 'Give a version such as 1.0.0.' });
  return session.withLock(undefined, async ({ client, history }) => {
    await refuseHistory(client, history);
    // the schema the database has now is what the baselined versions made: drift starts from it
    await history.recordBaseline(v, description, baselineChanges(await readSchema(client)));
    return { version: v, description };
  });
}

/** A baseline is for a database that neomig has not migrated yet. */
export async function refuseHistory(client: Neo4jClient, history: HistoryStore): Promise<void> {
  const applied = (await history.readAll()).filter((a) => a.status !== 'rolled_back');
  if (applied.length > 0) {
    throw new NeomigError('VALIDATION', `database "${client.databaseName}" already has migration history (${applied.map((a) => `${a.version} ${a.status}`).join(', ')})`, {
      hint: 'Baseline only a database that neomig has not migrated yet.',
    });
  }
}
