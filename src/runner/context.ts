import { type Neo4jClient, cypherInt } from '../neo4j/client.js';
import type { TsStepTransactions } from '../neo4j/ts-step.js';
import { NeomigError } from '../errors.js';
import type { Events } from './events.js';
import type { MigrationContext } from './types.js';

const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_MAX_BATCHES = 1_000_000;

/** The `ctx` a TypeScript migration's up()/down() receives. */
export function createContext(
  client: Neo4jClient,
  transactions: TsStepTransactions,
  events: Events,
  step: { version: string; direction: 'up' | 'down' },
): MigrationContext {
  const { version } = step;
  return {
    run: async <T>(cypher: string, params?: Record<string, unknown>) => (await transactions.run(cypher, params)) as T[],
    batch: async (cypher, params = {}, options = {}) => {
      const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
      const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
      // each batch commits on its own, so whatever the step did before must be committed first
      await transactions.commit();
      const started = performance.now();
      let rows = 0;
      let batches = 0;
      for (;;) {
        const result = await client.rows(cypher, { ...params, batchSize: cypherInt(batchSize) });
        transactions.committed = true;
        const first = result[0] ? Object.values(result[0])[0] : 0;
        const processed = Number(first ?? 0);
        if (!Number.isFinite(processed)) {
          throw new NeomigError('MIGRATION_FAILED', `ctx.batch() query of ${version} must return the number of rows it processed as its first column`, {
            version,
            hint: 'End the query with e.g. `RETURN count(*) AS processed`, and limit it with `LIMIT $batchSize`.',
          });
        }
        if (processed === 0) break;
        rows += processed;
        batches++;
        events.emit({ type: 'batch:progress', version, batches, rows, elapsedMs: performance.now() - started });
        if (batches >= maxBatches) {
          throw new NeomigError('MIGRATION_FAILED', `ctx.batch() in ${version} did not finish within ${maxBatches} batches`, {
            version,
            hint: 'The query must eventually process 0 rows: filter out rows it has already handled.',
          });
        }
      }
      return { rows, batches };
    },
    driver: client.driver,
    database: client.databaseName,
    log: {
      info: (message) => events.emit({ type: 'log', level: 'info', message, version }),
      warn: (message) => events.emit({ type: 'log', level: 'warn', message, version }),
      debug: (message) => events.emit({ type: 'log', level: 'debug', message, version }),
    },
    server: client.server,
    version,
    direction: step.direction,
  };
}
