/**
 * `schema diff`: two schemas read from where they live (the database, a schema file, or the migrations
 * replayed on an empty shadow database) and compared in core/schema-diff.ts.
 */
import { readFileSync } from 'node:fs';
import { type SchemaDiff, diffSchemas, isEmptyDiff, schemaClashes } from '../../core/schema-diff.js';
import { parseSchemaFile } from '../../core/schema-parse.js';
import { isDefaultLookup, type SchemaItem } from '../../core/schema.js';
import { NeomigError } from '../../errors.js';
import { readSchema, wipeDatabase } from '../../neo4j/catalog.js';
import { up } from '../operations/up.js';
import { MigratorSession } from '../session.js';

export type SchemaSource =
  | { kind: 'live' }
  /** a schema file; `path` absolute */
  | { kind: 'file'; path: string }
  /** the migrations replayed on an empty database at `shadowUri` (same credentials), emptied after */
  | { kind: 'migrations'; shadowUri: string; shadowDatabase?: string };

export interface SchemaDiffOptions {
  from: SchemaSource;
  to: SchemaSource;
  /** options the server fills in by default and names of equal definitions count as differences */
  strict?: boolean;
}

export interface SchemaDiffResult {
  from: string;
  to: string;
  strict: boolean;
  equal: boolean;
  diff: SchemaDiff;
  /** definitions in `to` that Neo4j refuses side by side */
  clashes: string[];
}

export async function schemaDiff(session: MigratorSession, options: SchemaDiffOptions): Promise<SchemaDiffResult> {
  const from = await readSource(session, options.from);
  const to = await readSource(session, options.to);
  const diff = diffSchemas(from, to, { strict: options.strict });
  const labels = { from: sourceLabel(options.from), to: sourceLabel(options.to) };
  return { ...labels, strict: options.strict === true, equal: isEmptyDiff(diff), diff, clashes: schemaClashes(to) };
}

export function sourceLabel(source: SchemaSource): string {
  if (source.kind === 'live') return 'live';
  if (source.kind === 'file') return `file:${source.path}`;
  return 'migrations';
}

async function readSource(session: MigratorSession, source: SchemaSource): Promise<SchemaItem[]> {
  if (source.kind === 'live') return readSchema(await session.connect());
  if (source.kind === 'file') {
    let text: string;
    try {
      text = readFileSync(source.path, 'utf8').replace(/^\uFEFF/, '');
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new NeomigError('USAGE', `cannot read the schema file ${source.path}: ${why}`, {
        file: source.path,
        hint: 'Write it with `neomig schema pull --out schema.cypher`, or name another file with --to file:<path>.',
      });
    }
    return parseSchemaFile(text, source.path);
  }
  return replayOnShadow(session, source);
}

/**
 * Applies every migration to the shadow database and reads its schema. The shadow must be empty (no
 * node, no constraint or index but its own LOOKUPs): it is wiped afterwards, so it must hold nothing
 * anyone needs.
 */
async function replayOnShadow(
  session: MigratorSession,
  source: { shadowUri: string; shadowDatabase?: string },
): Promise<SchemaItem[]> {
  const { connection } = session.config;
  if (source.shadowUri === connection.uri && (source.shadowDatabase ?? null) === (connection.database ?? null)) {
    throw new NeomigError('USAGE', 'the shadow database is the database neomig migrates', {
      hint: 'Give --shadow-uri a throwaway Neo4j: the migrations are replayed there and it is emptied afterwards.',
    });
  }
  const shadowConnection = { ...connection, uri: source.shadowUri, database: source.shadowDatabase };
  const shadow = new MigratorSession({ ...session.config, connection: shadowConnection });
  try {
    const client = await shadow.connect();
    const nodes = await client.rows('MATCH (n) RETURN count(n) AS n', {}, 'read');
    // neomig's own constraints count too: a shadow with history is somebody's database
    const constraints = await client.rows('SHOW CONSTRAINTS YIELD name RETURN name', {}, 'read');
    const own = (await readSchema(client)).filter((i) => i.kind === 'index' && !isDefaultLookup(i));
    const items = constraints.length + own.length;
    if (Number(nodes[0]?.['n']) > 0 || items > 0) {
      const holds = `${Number(nodes[0]?.['n'])} nodes, ${items} constraints and indexes`;
      throw new NeomigError('USAGE', `the shadow database at ${source.shadowUri} is not empty (${holds})`, {
        hint: 'Give --shadow-uri an empty, throwaway Neo4j: neomig replays the migrations there and wipes it afterwards.',
      });
    }
    try {
      await up(shadow, { atomic: true });
      return await readSchema(client);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new NeomigError('VALIDATION', `replaying the migrations on the shadow database failed: ${message}`, {
        ...(e instanceof NeomigError ? e.details : {}),
        hint: 'Fix the migration named above; `neomig up` would fail the same way on an empty database.',
      }, { cause: e });
    } finally {
      await wipeDatabase(client);
    }
  } finally {
    await shadow.close();
  }
}
