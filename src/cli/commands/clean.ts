/** `neomig clean`: removes all data, constraints and indexes. Refused unless the config enables it
 *  (`cleanEnabled: true`) and the command line confirms it (`--yes`). */
import type { Command } from 'commander';
import { action, requireCleanConfirmed, type CliState } from '../context.js';
import { addCommonOptions, lockTimeoutOption, yesOption } from '../options.js';
import { examples } from './shared.js';

interface CleanCliOptions {
  yes?: boolean;
}

export function registerClean(program: Command, state: CliState): void {
  const cmd = program
    .command('clean')
    .description('DELETE all data, constraints and indexes (needs cleanEnabled: true in the config and --yes)')
    .addOption(yesOption('deleting everything in the database'))
    .addOption(lockTimeoutOption());
  addCommonOptions(cmd)
    .addHelpText('after', examples('neomig clean --env dev --yes   # with environments.dev.cleanEnabled: true'))
    .action(action<CleanCliOptions>('clean', state, async (ctx) => {
      const config = await ctx.config();
      requireCleanConfirmed(config, ctx.options.yes, 'clean', 'clean deletes all data, constraints and indexes');
      const migrator = await ctx.migrator();
      const result = await migrator.clean();
      const p = ctx.output.paint;
      ctx.output.print(`${p.green('✓')} Cleaned: ${result.nodesDeleted} nodes deleted, ${result.constraintsDropped.length} constraints and ${result.indexesDropped.length} indexes dropped.`);
      return { result: { ...result } };
    }));
}
