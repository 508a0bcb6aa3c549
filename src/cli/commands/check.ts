/** `neomig check`: what the pending migrations would meet in the data; changes nothing in the database. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { migrationFileNames } from '../../core/filename.js';
import { recordCreated } from '../../discovery/integrity.js';
import { NeomigError } from '../../errors.js';
import type { FixPair } from '../../core/fix.js';
import { action, type CliState } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addCommonOptions } from '../options.js';
import { checkVerdict, renderCheck, renderCheckMarkdown } from '../render/check.js';
import { examples } from './shared.js';

interface CheckCliOptions {
  fix?: boolean;
  markdown?: boolean;
}

export function registerCheck(program: Command, state: CliState): void {
  const cmd = program
    .command('check')
    .description('report what the pending migrations would meet in the data (constraint violations, counts, unbatched writes); changes nothing')
    .option('--fix', 'write a reviewable migration pair per violated constraint, versioned to run right before the migration ' +
      'that creates it (the patch after the highest version below it, else <version>-fix.N); never applied by check')
    .option('--markdown', 'print the report as Markdown (for a pull-request comment)');
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig check                       # exit 0: nothing would fail; 3: a constraint would fail',
      'neomig check --fix && neomig up    # V1.0.1__fix_user_email.up/down.cypher runs before 1.1.0',
      'neomig check --markdown > check.md # for a PR comment',
    ))
    .action(action<CheckCliOptions>('check', state, async (ctx) => {
      const config = await ctx.config();
      const migrator = await ctx.migrator();
      const result = await migrator.check({ fix: ctx.options.fix === true });
      const written = writeFixes(config.migrationsDir, result.fixes);
      const sum = written.length ? await recordCreated(config.migrationsDir, written, false) : false;
      if (ctx.options.markdown) ctx.output.print(renderCheckMarkdown(result));
      else ctx.output.print(renderCheck(result, ctx.output.paint));
      for (const file of written) ctx.output.print(`${ctx.output.paint.green('wrote')} ${path.relative(ctx.io.cwd, file) || file}`);
      if (sum) ctx.output.print(ctx.output.paint.gray('neomig.sum updated with the fix files'));
      const json = { ...result, fixes: result.fixes.map((f, i) => ({ ...f, files: written.slice(2 * i, 2 * i + 2) })) };
      if (result.ok) return { result: json };
      return { result: json, exitCode: EXIT.VALIDATION, error: { code: 'VALIDATION', message: checkVerdict(result) } };
    }));
}

/** Writes each fix pair next to the migrations; never overwrites. Returns the absolute paths. */
function writeFixes(dir: string, fixes: FixPair[]): string[] {
  const files: string[] = [];
  for (const fix of fixes) {
    const [up, down] = migrationFileNames(fix.version, fix.description, 'cypher').map((n) => path.join(dir, n));
    for (const [file, text] of [[up!, fix.up], [down!, fix.down]] as const) {
      try {
        writeFileSync(file, text, { flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        throw new NeomigError('MIGRATION_FILE', `Refusing to overwrite ${file}`, { hint: 'Remove it first, or review and keep it.' });
      }
      files.push(file);
    }
  }
  return files;
}
