/**
 * The values `${name}` placeholders are filled with for one run: the config's `placeholders` (merged
 * with the environment's and NEOMIG_PLACEHOLDER_* by config/resolve.ts) and the built-ins.
 */
import type { ResolvedConfig } from '../config/types.js';
import { type PlaceholderContext, substitutePlaceholders } from '../core/placeholders.js';
import type { Neo4jClient } from '../neo4j/client.js';

/**
 * `${neomig:database}` is the configured database or, when none is, the server's default as the
 * connection reports it (so `connect` is called then); offline, `neo4j` stands in for it.
 */
export async function placeholderContext(config: ResolvedConfig, connect?: () => Promise<Neo4jClient>): Promise<PlaceholderContext> {
  const configured = config.connection.database;
  const database = configured ?? (connect ? (await connect()).databaseName : 'neo4j');
  return {
    values: config.placeholders,
    inStrings: config.placeholdersInStrings,
    database,
    user: config.connection.username,
  };
}

/** Fills a script's text for running (a recorded down is stored as written and filled again here). */
export type FillText = (text: string, file: string, version: string) => string;

export function filler(ctx: PlaceholderContext): FillText {
  return (text, file, version) => substitutePlaceholders(text, file, version, ctx);
}
