/**
 * What kind of transaction a statement needs. Neo4j refuses schema commands and data writes in one
 * transaction, runs `CALL { … } IN TRANSACTIONS` only in an implicit one, and refuses administration
 * commands (users, roles, databases) after a write in the same transaction.
 */
import type { StatementKind } from './types.js';
import { maskCypher } from './splitter.js';

export interface Classification {
  kind: StatementKind;
  /** CREATE/DROP of an index or constraint: data steps after it should wait for indexes */
  changesIndexes: boolean;
}

export interface ClassifyOptions {
  /** more procedures that Neo4j runs in schema mode (config and metadata `schemaProcedures`);
   *  a name ending in `.*` covers a whole namespace */
  schemaProcedures?: readonly string[];
}

/**
 * Procedures declared in schema mode by Neo4j or APOC: calling one in a transaction that also writes
 * data is refused like a schema command. The `db.*` ones are from servers before 5.0.
 */
export const KNOWN_SCHEMA_PROCEDURES: readonly string[] = [
  'apoc.schema.assert',
  'apoc.cypher.runSchema',
  'apoc.cypher.runSchemaFile',
  'apoc.cypher.runSchemaFiles',
  'apoc.periodic.submitSchema',
  'db.createIndex',
  'db.createUniquePropertyConstraint',
  'db.createNodeKey',
  'db.index.fulltext.createNodeIndex',
  'db.index.fulltext.createRelationshipIndex',
  'db.index.fulltext.drop',
  'db.index.vector.createNodeIndex',
];

// Query options may precede a statement: `CYPHER 25`, `CYPHER runtime=parallel`, `EXPLAIN`, `PROFILE`.
const PREFIX = /^\s*(?:(?:CYPHER(?:\s+\d+(?:\.\d+)?)?(?:\s+[A-Za-z_][\w.]*\s*=\s*[\w.]+)*|EXPLAIN|PROFILE)(?=\s|$)\s*)*/i;
// `USE neo4j`, `USE `my-db``, `USE composite.part`, `USE graph.byName($name)` (the call's arguments follow).
const USE = /^USE\s+(?:`[^`]*`|[A-Za-z_$][\w$]*)(?:\s*\.\s*(?:`[^`]*`|[A-Za-z_][\w]*))*/i;
const SCHEMA =
  /^(?:CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(?:(?:RANGE|TEXT|POINT|LOOKUP|FULLTEXT|VECTOR|BTREE)\s+)?(?:INDEX|CONSTRAINT)\b/i;
const ADMIN = new RegExp(
  [
    String.raw`(?:CREATE(?:\s+OR\s+REPLACE)?|ALTER|DROP|RENAME)\s+(?:USER|ROLE|(?:COMPOSITE\s+)?DATABASE|ALIAS|SERVER)\b`,
    String.raw`ALTER\s+CURRENT\s+USER\b`,
    String.raw`(?:GRANT|DENY|REVOKE)\b`,
    String.raw`(?:START|STOP)\s+DATABASE\b`,
    String.raw`ENABLE\s+SERVER\b`,
    String.raw`(?:DRYRUN\s+)?(?:DEALLOCATE|REALLOCATE)\s+DATABASES?\b`,
    String.raw`SHOW\s+(?:(?:ALL|POPULATED|CURRENT|SUPPORTED|DEFAULT|HOME)\s+)?(?:USERS?|ROLES?|PRIVILEGES?|DATABASES?|ALIAS(?:ES)?|SERVERS?)\b`,
  ]
    .map((p) => `^${p}`)
    .join('|'),
  'i',
);
// `} IN [expression] [CONCURRENT] TRANSACTIONS` closes a CALL subquery run in batches; the expression
// (a literal, `$n`, `toInteger($c)`, `2 * 2`) holds no braces and no clause keyword.
const CALL_IN_TRANSACTIONS =
  /\}\s*IN\b(?:(?!\b(?:RETURN|WITH|MATCH|WHERE|AS|CREATE|MERGE|SET|UNWIND|DELETE)\b)[^{};])*?\bTRANSACTIONS\b/i;
const PERIODIC_COMMIT = /\bUSING\s+PERIODIC\s+COMMIT\b/i;
const PROCEDURE_CALL = /\bCALL\s+([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)/gi;

/** Classifies one statement as schema, data, periodic or admin, ignoring comments and string contents. */
export function classifyStatement(text: string, options: ClassifyOptions = {}): Classification {
  const code = withoutUse(maskCypher(text).replace(PREFIX, ''));
  if (SCHEMA.test(code)) return { kind: 'schema', changesIndexes: true };
  if (ADMIN.test(code)) return { kind: 'admin', changesIndexes: false };
  if (CALL_IN_TRANSACTIONS.test(code) || PERIODIC_COMMIT.test(code)) return { kind: 'periodic', changesIndexes: false };
  if (callsSchemaProcedure(code, options.schemaProcedures ?? [])) return { kind: 'schema', changesIndexes: true };
  return { kind: 'data', changesIndexes: false };
}

/** Where the statement proper starts in a (masked) statement: after query options and any `USE` clause. */
export function queryOptionsLength(code: string): number {
  return code.length - code.replace(PREFIX, '').length;
}

/** True when the statement (after its query options) opens with its own `USE` clause. */
export function startsWithUse(text: string): boolean {
  return USE.test(maskCypher(text).replace(PREFIX, ''));
}

/** The code after a leading `USE <graph>` clause, which does not change what kind of statement follows. */
function withoutUse(code: string): string {
  const use = USE.exec(code);
  if (!use) return code;
  let k = use[0].length;
  while (/\s/.test(code[k] ?? '')) k++;
  if (code[k] === '(') {
    // graph.byName(...) / graph.byElementId(...): skip the balanced argument list
    let depth = 0;
    for (; k < code.length; k++) {
      if (code[k] === '(') depth++;
      else if (code[k] === ')' && --depth === 0) break;
    }
    k++;
  }
  return code.slice(k).trimStart();
}

function callsSchemaProcedure(code: string, extra: readonly string[]): boolean {
  const names = [...KNOWN_SCHEMA_PROCEDURES, ...extra].map((n) => n.toLowerCase());
  for (const m of code.matchAll(PROCEDURE_CALL)) {
    const called = (m[1] as string).replace(/\s+/g, '').toLowerCase();
    if (names.some((n) => n === called || (n.endsWith('.*') && called.startsWith(n.slice(0, -1))))) return true;
  }
  return false;
}
