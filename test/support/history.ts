/** A history entry as HistoryStore.readAll() returns it, for tests of what is built on the history. */
import type { AppliedMigration } from '../../src/core/types.js';

/** An applied Cypher entry of version 1.0.0 with neutral values; `over` sets what a test cares about. */
export function appliedEntry(over: Partial<AppliedMigration> = {}): AppliedMigration {
  return {
    version: '1.0.0',
    description: 'a',
    type: 'cypher',
    script: 'V1__a.up.cypher',
    checksum: null,
    status: 'applied',
    installedBy: 'me',
    installedAt: '',
    executionTimeMs: 0,
    counters: {},
    downScript: null,
    downScriptName: null,
    dependsOn: [],
    irreversible: false,
    transaction: 'auto',
    partialChanges: null,
    errorCode: null,
    errorMessage: null,
    ...over,
  };
}
