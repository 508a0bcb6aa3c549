/** `neomig clean`: removes all data, constraints and indexes. Refused unless the config enables it
 *  (`cleanEnabled: true`) and the command line confirms it (`--yes`). */
import type { Command } from 'commander';
import { NeomigError } from '../../errors.js';
import { action, type CliState } from '../context.js';
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
      const where = config.environment ? `environment '${config.environment}'` : 'configuration';
      if (!config.cleanEnabled) {
        throw new NeomigError('CONFIG', `clean is disabled for this ${where}`, {
          hint: `It deletes everything in the database. To allow it, set cleanEnabled: true${config.environment ? ` under environments.${config.environment}` : ''} in the config, then run neomig clean --yes.`,
        });
      }
      if (!ctx.options.yes) {
        throw new NeomigError('USAGE', 'clean deletes all data, constraints and indexes: confirm with --yes', {
          hint: 'neomig never prompts; add --yes to confirm.',
        });
      }
      const migrator = await ctx.migrator();
      const result = await migrator.clean();
      const p = ctx.output.paint;
      ctx.output.print(`${p.green('✓')} Cleaned: ${result.nodesDeleted} nodes deleted, ${result.constraintsDropped.length} constraints and ${result.indexesDropped.length} indexes dropped.`);
      return { result: { ...result } };
    }));
}
