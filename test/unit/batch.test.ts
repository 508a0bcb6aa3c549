import { describe, expect, it } from 'vitest';
import type { Neo4jClient } from '../../src/neo4j/client.js';
import { runBatch } from '../../src/runner/batch.js';
import { BatchJournal } from '../../src/runner/journal.js';

describe('ctx.batch options', () => {
  it('refuses a total that is not a number of rows before running anything', async () => {
    const untouched = {} as Neo4jClient; // a query would throw: none may run
    const journal = new BatchJournal(undefined, '1.2.0', null, async () => () => undefined);
    const begin = async () => undefined;
    const job = { client: untouched, version: '1.2.0', ordinal: 2, stepCounters: {}, emit: () => undefined, onCommit: () => undefined, journal, begin };
    for (const total of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(runBatch(job, 'RETURN 0', {}, { total })).rejects.toMatchObject({
        code: 'MIGRATION_FAILED',
        message: `ctx.batch() in 1.2.0 (batch 2): total must be a number of rows, not ${String(total)}`,
      });
    }
  });
});
