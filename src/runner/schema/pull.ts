/**
 * `schema pull`: the live constraints and indexes as Cypher; with a baseline, written as a migration pair
 * and recorded as applied with the baseline mechanism, so `up` runs only the migrations after it.
 */
import { renderDrop, renderSchema, sortForCreate } from '../../core/schema-render.js';
import { baselineChanges } from '../../core/schema-drift.js';
import { isDefaultLookup, type SchemaItem } from '../../core/schema.js';
import { parseVersion } from '../../core/version.js';
import { NeomigError } from '../../errors.js';
import { readSchema } from '../../neo4j/catalog.js';
import type { Neo4jClient } from '../../neo4j/client.js';
import { refuseHistory } from '../operations/baseline.js';
import type { MigratorSession } from '../session.js';

export interface SchemaPullResult {
  /** every constraint and index read (neomig's own left out) */
  items: SchemaItem[];
  /** the schema as Cypher, one guarded CREATE per line */
  cypher: string;
}

export async function schemaPull(session: MigratorSession): Promise<SchemaPullResult> {
  const items = await readSchema(await session.connect());
  return { items, cypher: renderSchema(items) };
}

/** The baseline pair's texts: up creates (IF NOT EXISTS), down drops (IF EXISTS) in the reverse order. */
export function baselineScripts(items: SchemaItem[]): { up: string; down: string } {
  const kept = sortForCreate(items.filter((i) => !isDefaultLookup(i)));
  const header = '// The schema as neomig schema pull --baseline found it; recorded as applied, never run there.\n';
  const up = header + renderSchema(kept);
  const down = header + [...kept].reverse().map((i) => `${renderDrop(i, { guarded: true })};\n`).join('');
  return { up, down };
}

export interface SchemaBaselineOptions {
  version: string;
  dryRun?: boolean;
  /** writes the pair into the migrations folder and returns the paths (called inside the lock, after
   *  the history was found empty, before the baseline is recorded) */
  write(scripts: { up: string; down: string }, version: string): Promise<string[]> | string[];
}

export interface SchemaBaselineResult extends SchemaPullResult {
  version: string;
  description: string;
  dryRun: boolean;
  files: string[];
  scripts: { up: string; down: string };
}

export const BASELINE_DESCRIPTION = 'baseline schema';

export async function schemaBaseline(session: MigratorSession, options: SchemaBaselineOptions): Promise<SchemaBaselineResult> {
  const version = parseVersion(options.version);
  if (!version) {
    throw new NeomigError('USAGE', `"${options.version}" is not a version`, { hint: 'Give a version such as 0.0.1.' });
  }
  const run = async (client: Neo4jClient, record?: (items: SchemaItem[]) => Promise<void>) => {
    const items = await readSchema(client);
    const scripts = baselineScripts(items);
    const files = options.dryRun ? [] : await options.write(scripts, version);
    await record?.(items);
    const dryRun = options.dryRun === true;
    return { items, cypher: renderSchema(items), version, description: BASELINE_DESCRIPTION, dryRun, files, scripts };
  };
  if (options.dryRun) {
    const client = await session.connect();
    await refuseHistory(client, session.historyOf(client));
    return run(client);
  }
  return session.withLock(undefined, async ({ client, history }) => {
    await refuseHistory(client, history);
    return run(client, (items) => history.recordBaseline(version, BASELINE_DESCRIPTION, baselineChanges(items)));
  });
}
