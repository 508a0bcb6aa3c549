import { NeomigError } from '../../errors.js';
import { wipeDatabase } from '../../neo4j/catalog.js';
import { CallbackRunner } from '../callbacks.js';
import type { MigratorSession } from '../session.js';
import type { CleanResult } from '../types.js';

/** Deletes all data, constraints and indexes; refused unless the config enables it. */
export async function clean(session: MigratorSession): Promise<CleanResult> {
  if (!session.config.cleanEnabled) {
    throw new NeomigError('USAGE', 'clean is disabled for this configuration', {
      hint: 'Set cleanEnabled: true in the config (never for production) to allow it.',
    });
  }
  return session.withLock(undefined, async ({ client }) => {
    const callbacks = new CallbackRunner(session, client);
    await callbacks.run('beforeClean');
    const result: CleanResult = { ...(await wipeDatabase(client)), callbacks: callbacks.reports };
    // afterClean runs on the empty database (to seed it again, say)
    await callbacks.run('afterClean', { result });
    return result;
    // a database a restore left half loaded may be cleaned: that is one way out of it
  }, { afterInterruptedRestore: true });
}
