import type { Neo4jClient } from '../neo4j/client.js';
import type { TsStepTransactions } from '../neo4j/ts-step.js';
import { runBatch } from './batch.js';
import { createRefactorApi } from './refactor.js';
import type { Events } from './events.js';
import type { MigrationContext } from './types.js';

/** The `ctx` a TypeScript migration's up()/down() receives. */
export function createContext(
  client: Neo4jClient,
  transactions: TsStepTransactions,
  events: Events,
  step: { version: string; direction: 'up' | 'down' },
): MigrationContext {
  const { version } = step;
  let batchJobs = 0;
  return {
    run: async <T>(cypher: string, params?: Record<string, unknown>) => (await transactions.run(cypher, params)) as T[],
    batch: async (cypher, params = {}, options = {}) => {
      // each batch commits on its own, so whatever the step did before must be committed first
      await transactions.commit();
      return runBatch(
        {
          client,
          version,
          ordinal: ++batchJobs,
          stepCounters: transactions.counters,
          emit: events.emit,
          onCommit: () => {
            transactions.committed = true;
          },
        },
        cypher,
        params,
        options,
      );
    },
    driver: client.driver,
    database: client.databaseName,
    log: {
      info: (message) => events.emit({ type: 'log', level: 'info', message, version }),
      warn: (message) => events.emit({ type: 'log', level: 'warn', message, version }),
      debug: (message) => events.emit({ type: 'log', level: 'debug', message, version }),
    },
    server: client.server,
    refactor: createRefactorApi((cypher, params) => transactions.run(cypher, params), events, version),
    version,
    direction: step.direction,
  };
}
