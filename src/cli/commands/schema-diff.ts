/**
 * `neomig schema diff`: compares two schemas (the live database, a schema file, the migrations replayed
 * on a shadow database); exit 3 when they differ; `--create` writes the migration pair between them.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { isEmptyDiff, schemaMigration } from '../../core/schema-diff.js';
import { recordCreated } from '../../discovery/integrity.js';
import { NeomigError } from '../../errors.js';
import type { SchemaSource } from '../../runner/types.js';
import { action, type CliState } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addCommonOptions } from '../options.js';
import { diffSummary, renderSchemaDiff } from '../render/schema.js';
import { createMigration } from './create.js';
import { DEFAULT_SCHEMA_FILE } from './schema-pull.js';
import { examples } from './shared.js';

interface DiffOptions {
  from?: string;
  to?: string;
  fromMigrations?: boolean;
  shadowUri?: string;
  strict?: boolean;
  create?: string;
  version?: string;
}

const SOURCES = 'live, migrations, or a schema file (file:<path> or a path)';

export function registerSchemaDiff(schema: Command, state: CliState): void {
  const cmd = schema
    .command('diff')
    .description('compare two schemas (live database, schema file, replayed migrations); exit 3 when they differ')
    .option('--from <source>', `what the schema is now: ${SOURCES} (default live)`)
    .option('--to <source>', `what it should be: ${SOURCES} (default file:${DEFAULT_SCHEMA_FILE})`)
    .option('--from-migrations', 'the same as --from migrations')
    .option('--shadow-uri <uri>', 'an empty, throwaway Neo4j to replay the migrations on; emptied afterwards '
      + '(env NEOMIG_SHADOW_URI)')
    .option('--strict', 'count default settings, index providers and other names of an equal definition as differences')
    .option('--create <description>', 'write the next migration pair: up takes --from to --to, down takes it back')
    .option('--version <version>', 'with --create: the new migration\'s version (default: the next minor)');
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      `neomig schema diff                           # live database vs ${DEFAULT_SCHEMA_FILE}`,
      'neomig schema diff --create "books schema"   # writes V<next>__books_schema.up/.down.cypher',
      'neomig schema diff --from migrations --to live --shadow-uri bolt://localhost:7688',
      'neomig schema diff --to file:prod-schema.cypher --json',
    ))
    .action(action<DiffOptions>('schema diff', state, async (ctx) => {
      const o = ctx.options;
      const config = await ctx.config();
      // the default schema file sits beside the config file (the project's root), else in the current folder
      const base = config.configFile ? path.dirname(config.configFile) : ctx.io.cwd;
      const shadowUri = o.shadowUri ?? ctx.io.env['NEOMIG_SHADOW_URI'];
      const from = source(o.fromMigrations ? 'migrations' : (o.from ?? 'live'), ctx.io.cwd, shadowUri);
      const to = o.to === undefined
        ? { kind: 'file' as const, path: path.resolve(base, DEFAULT_SCHEMA_FILE) }
        : source(o.to, ctx.io.cwd, shadowUri);
      const migrator = await ctx.migrator();
      const result = await migrator.schemaDiff({ from, to, strict: o.strict === true });
      const fromLabel = label(from, ctx.io.cwd);
      const toLabel = label(to, ctx.io.cwd);
      const p = ctx.output.paint;
      const json = { ...result, from: fromLabel, to: toLabel };
      for (const c of result.clashes) ctx.output.log(p.yellow(`warning: ${toLabel}: ${c}`));
      if (result.equal) {
        ctx.output.print(`${p.green('✓')} No difference: ${fromLabel} and ${toLabel} have the same constraints and indexes.`);
        if (o.create) ctx.output.print(p.gray('Nothing to create.'));
        return { result: json };
      }
      for (const line of renderSchemaDiff(result.diff, fromLabel, toLabel, p)) ctx.output.print(line);
      ctx.output.print(diffSummary(result.diff));
      if (!o.create) {
        return {
          result: json,
          exitCode: EXIT.VALIDATION,
          error: {
            code: 'VALIDATION',
            message: `The schemas differ: ${diffSummary(result.diff)}`,
            hint: 'Run again with --create <description> to write the migration.',
          },
        };
      }
      if (result.clashes.length) {
        throw new NeomigError('VALIDATION', `${toLabel} cannot be applied: ${result.clashes.join('; ')}`, {
          hint: 'Drop the RANGE index from the desired schema: the constraint\'s own index serves the same lookups.',
        });
      }
      const { up, down } = schemaMigration(result.diff);
      const header = `// neomig schema diff --create: takes ${fromLabel} to ${toLabel}\n`;
      const created = createMigration({
        dir: config.migrationsDir,
        description: o.create,
        kind: 'cypher',
        version: o.version,
        contents: [header + lines(up), header.replace('takes', 'takes back') + lines(down)],
      });
      await recordCreated(config.migrationsDir, created.files, created.folderWasNew);
      ctx.output.print(`${p.green('✓')} Created migration ${p.bold(created.version)} (${created.description}):`);
      for (const f of created.files) ctx.output.print(`  ${path.relative(ctx.io.cwd, f) || f}`);
      return { result: { ...json, created: { version: created.version, files: created.files, up, down } } };
    }));
}

function source(text: string, cwd: string, shadowUri: string | undefined): SchemaSource {
  const t = text.trim();
  if (t === 'live') return { kind: 'live' };
  if (t === 'migrations') {
    if (!shadowUri) {
      throw new NeomigError('USAGE', 'comparing with the migrations needs a shadow database: --shadow-uri <uri>', {
        hint: 'Give an empty, throwaway Neo4j (same credentials); neomig replays the migrations there and empties it afterwards.',
      });
    }
    return { kind: 'migrations', shadowUri };
  }
  return { kind: 'file', path: path.resolve(cwd, t.replace(/^file:/, '')) };
}

function label(s: SchemaSource, cwd: string): string {
  return s.kind === 'file' ? path.relative(cwd, s.path) || s.path : s.kind;
}

function lines(statements: string[]): string {
  return statements.map((s) => `${s};\n`).join('');
}
