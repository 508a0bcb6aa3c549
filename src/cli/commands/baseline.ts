/** `neomig baseline --version <v>`: marks an existing database as being at <v> without running anything. */
import type { Command } from 'commander';
import { NeomigError } from '../../errors.js';
import { parseVersion } from '../../core/version.js';
import { action, requireConfirmation, type CliState } from '../context.js';
import { addCommonOptions, lockTimeoutOption, yesOption } from '../options.js';
import { examples } from './shared.js';

interface BaselineCliOptions {
  version: string;
  description?: string;
  yes?: boolean;
}

export function registerBaseline(program: Command, state: CliState): void {
  const cmd = program
    .command('baseline')
    .description('record that the database already is at <version>; migrations up to it will never run')
    .requiredOption('--version <version>', 'the version the existing database corresponds to')
    .option('--description <text>', 'what the baseline stands for')
    .addOption(yesOption('baselining a protected environment'))
    .addOption(lockTimeoutOption());
  addCommonOptions(cmd)
    .addHelpText('after', examples('neomig baseline --version 1.3.0 --description "schema before neomig"'))
    .action(action<BaselineCliOptions>('baseline', state, async (ctx) => {
      const o = ctx.options;
      const version = parseVersion(o.version);
      if (version === null) throw new NeomigError('USAGE', `--version ${o.version}: not a version`, { hint: 'Use a version like 1.3.0.' });
      requireConfirmation(await ctx.config(), o.yes, 'baseline');
      const migrator = await ctx.migrator();
      const result = await migrator.baseline(version, o.description);
      ctx.output.print(`${ctx.output.paint.green('✓')} Baseline at ${ctx.output.paint.bold(result.version)} (${result.description}).`);
      return { result: { ...result } };
    }));
}
