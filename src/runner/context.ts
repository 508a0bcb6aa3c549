import { type CheckpointView, checkpointView } from '../core/checkpoint.js';
import type { Neo4jClient } from '../neo4j/client.js';
import type { TsStepTransactions } from '../neo4j/ts-step.js';
import { type BatchJob, runBatch, runKeyedBatch } from './batch.js';
import { createRefactorApi } from './refactor.js';
import type { Events } from './events.js';
import { BatchJournal } from './journal.js';
import type { BatchOptions, KeyedBatchOptions, MigrationContext } from './types.js';

/** The `ctx` a TypeScript migration's up()/down() receives. `journal` records its ctx.batch() jobs (an
 *  up's); `checkpoint` is what ctx.checkpoint shows (a down: how far the up it reverses got). */
export function createContext(
  client: Neo4jClient,
  transactions: TsStepTransactions,
  events: Events,
  step: { version: string; direction: 'up' | 'down'; timeoutMs?: number },
  journal: BatchJournal = new BatchJournal(undefined, step.version, null, async () => () => undefined),
  checkpoint: Record<string, CheckpointView> = checkpointView(journal.resumed),
): MigrationContext {
  const { version } = step;
  let batchJobs = 0;
  const job = (): BatchJob => ({
    client,
    version,
    ordinal: ++batchJobs,
    stepCounters: transactions.counters,
    emit: events.emit,
    onCommit: () => {
      transactions.committed = true;
    },
    journal,
    // each batch commits on its own, so whatever the step did before must be committed first
    begin: (write) => transactions.commitWith(write),
    timeoutMs: step.timeoutMs,
  });
  return {
    run: async <T>(cypher: string, params?: Record<string, unknown>) => {
      if (journal.skipsRun(batchJobs + 1)) {
        const first = cypher.trim().split('\n')[0]!.slice(0, 80);
        const why = `committed before the interrupted run's job ${batchJobs + 1}`;
        events.emit({ type: 'log', level: 'info', message: `resumed: not sent again (${why}): ${first}`, version });
        return [] as T[];
      }
      return (await transactions.run(cypher, params)) as T[];
    },
    batch: async (first: string | KeyedBatchOptions, params: Record<string, unknown> = {}, options: BatchOptions = {}) =>
      typeof first === 'string' ? runBatch(job(), first, params, options) : runKeyedBatch(job(), first),
    checkpoint,
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
