import { parseVersion } from '../../core/version.js';
import { NeomigError } from '../../errors.js';
import type { MigratorSession } from '../session.js';
import type { BaselineResult } from '../types.js';

/** Marks a database that neomig has never migrated as being at `version`. */
export async function baseline(session: MigratorSession, version: string, description = 'baseline'): Promise<BaselineResult> {
  const v = parseVersion(version);
  if (!v) throw new NeomigError('USAGE', `"${version}" is not a version`, { hint: 'Give a version such as 1.0.0.' });
  return session.withLock(undefined, async ({ client, history }) => {
    const applied = (await history.readAll()).filter((a) => a.status !== 'rolled_back');
    if (applied.length > 0) {
      throw new NeomigError('VALIDATION', `database "${client.databaseName}" already has migration history (${applied.map((a) => `${a.version} ${a.status}`).join(', ')})`, {
        hint: 'Baseline only a database that neomig has not migrated yet.',
      });
    }
    await history.recordBaseline(v, description);
    return { version: v, description };
  });
}
