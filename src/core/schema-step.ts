/**
 * The schema after a step that ran schema statements only, told from the statements and the counters
 * Neo4j returned for each (indexesAdded, constraintsRemoved …) instead of reading SHOW CONSTRAINTS and
 * SHOW INDEXES again. Every schema change makes Neo4j plan every query anew, so that read cost two
 * fresh plans per schema migration (~35 ms each on 5.26, more than the migration itself).
 *
 * Only what can be told for certain is derived: a named CREATE neomig reads, whose counter says it
 * created something, and a DROP of an item known by name. Anything else (an unnamed CREATE, whose name
 * the server picks; a schema procedure; a form the parser does not know; a DROP of an item not in
 * `before`) returns null, and the caller reads the schema from the server.
 */
import { parseSchemaStatement } from './schema-parse.js';
import type { SchemaItem } from './schema.js';
import type { Counters } from './vocabulary.js';

/** A statement as it ran (placeholders filled) and the counters Neo4j returned for it. */
export interface RanStatement {
  text: string;
  counters: Counters;
}

const ADDED = { index: 'indexesAdded', constraint: 'constraintsAdded' } as const;
const REMOVED = { index: 'indexesRemoved', constraint: 'constraintsRemoved' } as const;

/** The schema after `ran`, starting from `before`; null when it cannot be told without reading it. */
export function schemaAfterStatements(before: SchemaItem[], ran: RanStatement[]): SchemaItem[] | null {
  let items = [...before];
  for (const statement of ran) {
    let parsed: ReturnType<typeof parseSchemaStatement>;
    try {
      parsed = parseSchemaStatement(statement.text);
    } catch {
      return null;
    }
    if (!parsed) return null;
    if (parsed.op === 'drop') {
      const { kind, name } = parsed;
      // IF EXISTS on a missing item: nothing was dropped
      if (!statement.counters[REMOVED[kind]]) continue;
      const known = items.find((i) => i.kind === kind && i.name === name);
      if (!known) return null;
      items = items.filter((i) => i !== known);
      continue;
    }
    const { item } = parsed;
    // IF NOT EXISTS meeting an item of that name or definition: nothing was created
    if (!statement.counters[ADDED[item.kind]]) continue;
    if (!item.name) return null;
    // neomig's own items are not part of the schema readSchema returns
    if (item.name.startsWith('neomig_')) continue;
    items = [...items.filter((i) => i.name !== item.name), item];
  }
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
