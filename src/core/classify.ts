/**
 * What kind of transaction a statement needs. Neo4j refuses schema commands and data writes in one
 * transaction, and runs `CALL { … } IN TRANSACTIONS` only in an implicit one.
 */
import type { StatementKind } from './types.js';
import { maskCypher } from './splitter.js';

export interface Classification {
  kind: StatementKind;
  /** CREATE/DROP of an index or constraint: data steps after it should wait for indexes */
  changesIndexes: boolean;
}

// Query options may precede a statement: `CYPHER 25`, `CYPHER runtime=parallel`, `EXPLAIN`, `PROFILE`.
const PREFIX = /^\s*(?:(?:CYPHER(?:\s+\d+(?:\.\d+)?)?(?:\s+[A-Za-z_][\w.]*\s*=\s*[\w.]+)*|EXPLAIN|PROFILE)(?=\s|$)\s*)*/i;
const SCHEMA =
  /^(?:CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(?:(?:RANGE|TEXT|POINT|LOOKUP|FULLTEXT|VECTOR|BTREE)\s+)?(?:INDEX|CONSTRAINT)\b/i;
// `} IN [n | $n] [CONCURRENT] TRANSACTIONS` closes a CALL subquery run in batches.
const CALL_IN_TRANSACTIONS = /\}\s*IN\s+(?:(?:\d+|\$\w+)\s+)?(?:CONCURRENT\s+)?TRANSACTIONS\b/i;
const PERIODIC_COMMIT = /\bUSING\s+PERIODIC\s+COMMIT\b/i;

/** Classifies one statement as schema, data or periodic, ignoring comments and string contents. */
export function classifyStatement(text: string): Classification {
  const code = maskCypher(text).replace(PREFIX, '');
  if (SCHEMA.test(code)) return { kind: 'schema', changesIndexes: true };
  if (CALL_IN_TRANSACTIONS.test(code) || PERIODIC_COMMIT.test(code)) return { kind: 'periodic', changesIndexes: false };
  return { kind: 'data', changesIndexes: false };
}
