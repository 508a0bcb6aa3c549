import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NeomigError } from '../errors.js';
import { checksumSource, checksumStatements } from '../core/checksum.js';
import { type ParsedFileName, parseMigrationFileName } from '../core/filename.js';
import { readScript } from '../core/dialect.js';
import { type PlaceholderContext, mayHavePlaceholders, substitutePlaceholders } from '../core/placeholders.js';
import { groupStatements } from '../core/grouping.js';
import { extractMetadataBlock, normalizeMeta, parseCypherMetadata } from '../core/metadata.js';
import { readPreconditionComments, withPreconditionComments } from '../core/preconditions.js';
import { CALLBACKS_FOLDER } from '../core/callbacks.js';
import type { CypherScript, LocalMigration, MigrationMeta, TransactionMode, TsScript } from '../core/types.js';
import { compareVersions } from '../core/version.js';
import { compareRepeatables } from '../core/repeatable.js';
import { listFiles } from './files.js';
import { importMigrationModule } from './typescript.js';

export interface DiscoveryOptions {
  /** transaction mode for migrations whose metadata does not choose one */
  defaultTransaction?: TransactionMode;
  /** schema-mode procedures from the config, added to each migration's own `schemaProcedures` */
  schemaProcedures?: readonly string[];
  /** fills `${name}` in Cypher statements (the text and checksum stay as written; core/placeholders.ts) */
  placeholders?: PlaceholderContext;
}

/**
 * Reads every migration under `dir` (sub-folders included) into the core's types, sorted by version,
 * repeatables (`R__`) after them in description order. Malformed names, duplicate versions, orphan
 * downs and bad metadata are MIGRATION_FILE errors naming the files.
 */
export async function loadMigrations(dir: string, options: DiscoveryOptions = {}): Promise<LocalMigration[]> {
  if (!existsSync(dir)) {
    throw new NeomigError('CONFIG', `the migrations folder ${dir} does not exist`, {
      hint: 'Create it (`neomig create <description>` does), or point `migrations` in the config at the right folder.',
    });
  }
  const files = await listFiles(dir);
  const byVersion = new Map<string, { up?: ParsedFileName; down?: ParsedFileName; module?: ParsedFileName }>();

  for (const rel of files) {
    // callbacks are never migrations, whatever their names (discovery/callbacks.ts reads them)
    if (rel.startsWith(`${CALLBACKS_FOLDER}/`)) continue;
    const parsed = parseMigrationFileName(path.basename(rel));
    if (!parsed) continue;
    const named = { ...parsed, file: rel };
    const slot = byVersion.get(named.version) ?? {};
    const role = named.role;
    const clash = slot[role] ?? (role === 'module' ? (slot.up ?? slot.down) : slot.module);
    if (clash) {
      const what = named.repeatable ? `the repeatable key ${named.version}` : `version ${named.version}`;
      throw new NeomigError('MIGRATION_FILE', `${clash.file} and ${named.file} both have ${what}`, {
        file: named.file,
        version: named.version,
        hint: named.repeatable
          ? 'Rename one of them; every repeatable needs its own description.'
          : 'Give one of them another version; every version must be unique.',
      });
    }
    slot[role] = named;
    byVersion.set(named.version, slot);
  }

  const migrations: LocalMigration[] = [];
  for (const [version, slot] of byVersion) {
    let m: LocalMigration;
    if (slot.module) m = await loadModule(dir, slot.module, options);
    else if (slot.up) m = await loadCypher(dir, slot.up, slot.down, options);
    else {
      throw new NeomigError('MIGRATION_FILE', `${slot.down!.file} is a down script with no up script for ${slot.down!.repeatable ? 'the repeatable ' : 'version '}${version}`, {
        file: slot.down!.file,
        version,
        hint: 'Add the matching up file, or delete the orphan down file.',
      });
    }
    migrations.push((slot.module ?? slot.up)!.repeatable ? asRepeatable(m) : m);
  }
  return migrations.sort(byRunOrder);
}

/** Versions in semver order, then repeatables in description order. */
function byRunOrder(a: LocalMigration, b: LocalMigration): number {
  if (a.repeatable || b.repeatable) {
    return a.repeatable && b.repeatable ? compareRepeatables(a.version, b.version) : a.repeatable ? 1 : -1;
  }
  return compareVersions(a.version, b.version);
}

/** A repeatable runs after every versioned migration, so it has nothing to depend on. */
function asRepeatable(m: LocalMigration): LocalMigration {
  if (m.meta.dependsOn.length) {
    throw new NeomigError('MIGRATION_FILE', `${m.up.file}: a repeatable migration takes no dependsOn`, {
      file: m.up.file,
      version: m.version,
      hint: 'Repeatables run after every versioned migration of a run; remove dependsOn.',
    });
  }
  return { ...m, repeatable: true };
}

// Read synchronously on purpose: hundreds of small files cost four thread-pool hops each with
// fs/promises (open, stat, read, close), which made reading 1,000 files take ~250 ms instead of ~20.
async function readText(dir: string, file: string): Promise<string> {
  return readFileSync(path.join(dir, file), 'utf8').replace(/^\uFEFF/, '');
}

/**
 * Reads a Cypher script and checks up front that its statements can be grouped as asked. With
 * placeholders, the statements are those of the filled text (what runs, what a dry run shows); `text`
 * and the checksum stay those of the file as written, so every environment records the same.
 */
export function cypherScript(
  file: string,
  text: string,
  meta: Pick<MigrationMeta, 'transaction' | 'schemaProcedures'>,
  fill?: { version: string; placeholders?: PlaceholderContext },
): { script: CypherScript; checksum: string } {
  const options = { schemaProcedures: meta.schemaProcedures };
  const { statements: written, checksumParts } = readScript(text, file, options);
  let statements = written;
  if (fill?.placeholders && mayHavePlaceholders(text)) {
    statements = readScript(substitutePlaceholders(text, file, fill.version, fill.placeholders), file, options).statements;
  }
  groupStatements(statements, meta.transaction, file);
  return { script: { kind: 'cypher', file, text, statements }, checksum: checksumStatements(checksumParts) };
}

async function loadCypher(dir: string, up: ParsedFileName, down: ParsedFileName | undefined, options: DiscoveryOptions): Promise<LocalMigration> {
  const upText = await readText(dir, up.file);
  const parsed = parseCypherMetadata(upText, up.file);
  // neo4j-migrations' `// assume that ...` / `// assert that ...` lines join the metadata's assume/requires
  const declared = withPreconditionComments(parsed, readPreconditionComments(upText, up.file), up.file);
  const meta = withDefaults(declared, hasKey(extractMetadataBlock(upText, up.file)?.yaml, 'transaction'), options);
  const fill = { version: up.version, placeholders: options.placeholders };
  const { script: upScript, checksum } = cypherScript(up.file, upText, meta, fill);
  const downRead = down ? cypherScript(down.file, await readText(dir, down.file), meta, fill) : undefined;
  const downScript = downRead?.script;
  return {
    version: up.version,
    description: meta.description ?? up.description,
    type: 'cypher',
    up: upScript,
    down: downScript,
    checksum,
    downChecksum: downRead?.checksum,
    meta,
    // only comments so far, as `neomig create` writes it
    empty: upScript.statements.length === 0,
  };
}

async function loadModule(dir: string, parsed: ParsedFileName, options: DiscoveryOptions): Promise<LocalMigration> {
  const source = await readText(dir, parsed.file);
  let definition: Record<string, unknown>;
  try {
    definition = await importMigrationModule(path.join(dir, parsed.file));
  } catch (e) {
    throw new NeomigError('MIGRATION_FILE', `${parsed.file} could not be loaded: ${(e as Error).message?.split('\n')[0]}`, {
      file: parsed.file,
      version: parsed.version,
      hint: 'Fix the module so that it compiles and exports `default defineMigration({ up, down })`.',
    }, { cause: e });
  }
  const { up, down } = definition;
  if (typeof up !== 'function') {
    throw new NeomigError('MIGRATION_FILE', `${parsed.file} does not export an up() function`, {
      file: parsed.file,
      version: parsed.version,
      hint: 'Export `default defineMigration({ async up(ctx) { ... }, async down(ctx) { ... } })`.',
    });
  }
  if (down !== undefined && typeof down !== 'function') {
    throw new NeomigError('MIGRATION_FILE', `${parsed.file}: down must be a function`, { file: parsed.file, version: parsed.version });
  }
  const meta = withDefaults(normalizeMeta(definition, parsed.file, undefined, { allowHandlers: true }), 'transaction' in definition, options);
  const script: TsScript = {
    kind: 'typescript',
    file: parsed.file,
    source,
    handlers: { up: up as TsScript['handlers']['up'], down: down as TsScript['handlers']['down'] },
  };
  const checksum = checksumSource(source);
  return {
    version: parsed.version,
    description: meta.description ?? parsed.description,
    type: 'typescript',
    up: script,
    down: down ? script : undefined,
    checksum,
    downChecksum: down ? checksum : undefined,
    meta,
    empty: hasEmptyBody(up as (...args: unknown[]) => unknown),
  };
}

/** An up(ctx) whose body holds nothing but comments, as `neomig create --ts` writes it. */
function hasEmptyBody(fn: (...args: unknown[]) => unknown): boolean {
  const source = Function.prototype.toString.call(fn);
  const open = source.indexOf('{');
  // the first brace opens the body only after `)` or `=>` (not in `({ run }) => run(...)`)
  if (open === -1 || !/(\)|=>)\s*\{$/.test(source.slice(0, open + 1))) return false;
  const body = source.slice(open + 1, source.lastIndexOf('}'));
  return body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').trim() === '';
}

function hasKey(yaml: string | undefined, key: string): boolean {
  return yaml !== undefined && new RegExp(`^${key}\\s*:`, 'm').test(yaml);
}

/** The config's defaults: its transaction mode unless the migration chose one, its schema procedures added. */
function withDefaults(meta: MigrationMeta, explicitTransaction: boolean, options: DiscoveryOptions): MigrationMeta {
  const out = explicitTransaction || !options.defaultTransaction ? { ...meta } : { ...meta, transaction: options.defaultTransaction };
  const procedures = [...new Set([...(options.schemaProcedures ?? []), ...(meta.schemaProcedures ?? [])])];
  if (procedures.length) out.schemaProcedures = procedures;
  return out;
}
