/** `neomig schema pull`: the live constraints and indexes as Cypher, or as a baseline migration pair. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { isDefaultLookup, type SchemaItem } from '../../core/schema.js';
import { recordCreated } from '../../discovery/integrity.js';
import { action, requireConfirmation, type CliState } from '../context.js';
import { addCommonOptions, dryRunOption, lockTimeoutOption, yesOption } from '../options.js';
import { plural } from '../render/format.js';
import { createMigration } from './create.js';
import { examples } from './shared.js';

interface PullOptions {
  out?: string | true;
  baseline?: boolean;
  version?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export const DEFAULT_SCHEMA_FILE = 'schema.cypher';
export const DEFAULT_BASELINE_VERSION = '0.0.1';

export function registerSchemaPull(schema: Command, state: CliState): void {
  const cmd = schema
    .command('pull')
    .description('print the live constraints and indexes as Cypher, write them to a file, or write a baseline migration pair')
    .addOption(
      new Option('-o, --out [file]', `write the Cypher to a file (default ${DEFAULT_SCHEMA_FILE}) instead of stdout`).conflicts('baseline'),
    )
    .option('--baseline', `write V<version>__baseline_schema.up/.down.cypher and record it as applied (baseline)`)
    .option('--version <version>', `the baseline's version (default ${DEFAULT_BASELINE_VERSION})`)
    .addOption(dryRunOption('with --baseline: show the pair; write and record nothing'))
    .addOption(yesOption('a baseline on a protected environment'))
    .addOption(lockTimeoutOption());
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig schema pull                       # the schema as Cypher on stdout',
      `neomig schema pull --out                 # writes ${DEFAULT_SCHEMA_FILE}`,
      'neomig schema pull --baseline            # V0.0.1__baseline_schema pair, recorded as applied',
      'neomig schema pull --baseline --version 1.0.0 --dry-run',
    ))
    .action(action<PullOptions>('schema pull', state, async (ctx) => {
      const o = ctx.options;
      const p = ctx.output.paint;
      const migrator = await ctx.migrator();
      if (o.baseline) {
        const config = await ctx.config();
        requireConfirmation(config, o.yes, 'schema pull');
        const result = await migrator.schemaBaseline({
          version: o.version ?? DEFAULT_BASELINE_VERSION,
          dryRun: o.dryRun === true,
          write: async (scripts, version) => {
            const created = createMigration({
              dir: config.migrationsDir,
              description: 'baseline schema',
              kind: 'cypher',
              version,
              contents: [scripts.up, scripts.down],
            });
            await recordCreated(config.migrationsDir, created.files, created.folderWasNew);
            return created.files;
          },
        });
        const counted = counts(result.items);
        if (result.dryRun) {
          ctx.output.print(`Dry run: would write the baseline ${p.bold(result.version)} (${counted}) and record it as applied:`);
          ctx.output.print(result.scripts.up.trimEnd());
          ctx.output.print(p.gray('Nothing was changed.'));
        } else {
          ctx.output.print(`${p.green('✓')} Baseline ${p.bold(result.version)} (${counted}) written and recorded as applied:`);
          for (const f of result.files) ctx.output.print(`  ${path.relative(ctx.io.cwd, f) || f}`);
          ctx.output.print(p.gray('`neomig up` applies only the migrations after it.'));
        }
        return { result: { ...result } };
      }
      const result = await migrator.schemaPull();
      if (o.out !== undefined) {
        const file = path.resolve(ctx.io.cwd, o.out === true ? DEFAULT_SCHEMA_FILE : o.out);
        writeFileSync(file, result.cypher);
        ctx.output.print(`${p.green('✓')} Wrote ${counts(result.items)} to ${path.relative(ctx.io.cwd, file) || file}`);
        return { result: { ...result, file } };
      }
      if (!ctx.output.json) ctx.io.stdout.write(ctx.output.redact(result.cypher));
      if (!result.cypher) ctx.output.log(p.gray('No constraints or indexes.'));
      return { result: { ...result } };
    }));
}

function counts(items: SchemaItem[]): string {
  const constraints = items.filter((i) => i.kind === 'constraint').length;
  const indexes = items.filter((i) => i.kind === 'index' && !isDefaultLookup(i)).length;
  return `${plural(constraints, 'constraint')}, ${indexes} ${indexes === 1 ? 'index' : 'indexes'}`;
}
