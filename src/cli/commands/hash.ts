/**
 * `neomig hash`: rewrites migrations/neomig.sum from the files, after a deliberate edit or to adopt the
 * integrity file in an existing folder. Lines of deleted files stay, unless the history shows their
 * version is not applied (never with --offline).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { action, type CliState } from '../context.js';
import { addCommonOptions } from '../options.js';
import { plural } from '../render/format.js';
import { examples } from './shared.js';

interface HashCliOptions {
  offline?: boolean;
  dryRun?: boolean;
}

const WHAT = {
  added: 'added',
  updated: 'updated',
  kept: 'kept (file deleted; the line stays as the record of what it was)',
  removed: 'removed (file deleted; the version is not applied)',
};

export function registerHash(program: Command, state: CliState): void {
  const cmd = program
    .command('hash')
    .description('rewrite migrations/neomig.sum (the integrity file) from the migration files')
    .option('--offline', 'do not read the history: keep the lines of every deleted file')
    .option('--dry-run', 'show what would change; write nothing')
    .addHelpText('after', [
      '',
      'neomig.sum holds one checksum per migration file and a total; validate and up fail when a file',
      'differs from its line, and recorded downs only run when a file or a line vouches for them.',
      '',
    ].join('\n'));
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig hash                 # after a deliberate edit; commit neomig.sum with the file',
      'neomig hash --dry-run       # what would change',
      'neomig hash --offline --json',
    ))
    .action(action<HashCliOptions>('hash', state, async (ctx) => {
      const migrator = await ctx.migrator();
      const o = ctx.options;
      const result = await migrator.hash({ offline: o.offline === true, dryRun: o.dryRun === true });
      const p = ctx.output.paint;
      const where = path.relative(ctx.io.cwd, result.file) || result.file;
      const shown = result.changes;
      const kept = shown.filter((c) => c.change === 'kept').length;
      const changed = result.created || shown.some((c) => c.change !== 'kept');
      if (!changed) {
        const note = kept ? `; ${plural(kept, 'line')} of deleted files kept` : '';
        ctx.output.print(`${p.green('✓')} ${where} is up to date (${plural(result.files, 'file')}${note}).`);
      } else {
        const [done, would] = result.created ? ['Created', 'Would create'] : ['Updated', 'Would update'];
        ctx.output.print(`${p.green('✓')} ${result.dryRun ? would : done} ${where} (${plural(result.files, 'file')}):`);
        for (const c of shown) {
          const sums = c.previous ? `${c.previous.slice(0, 8)} -> ${c.checksum.slice(0, 8)}` : c.checksum.slice(0, 8);
          ctx.output.print(`  ${p.cyan(WHAT[c.change])} ${c.file} ${p.gray(sums)}`);
        }
        if (result.dryRun) ctx.output.print(p.gray('Dry run: nothing was written.'));
      }
      return { result: { ...result } };
    }));
}
