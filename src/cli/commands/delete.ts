/** `neomig delete <version>`: removes a history entry that should never have been recorded (audit kept). */
import type { Command } from 'commander';
import { action, requireConfirmation, type CliState } from '../context.js';
import { addCommonOptions, dryRunOption, lockTimeoutOption, yesOption } from '../options.js';
import { printDecision } from './resolve.js';
import { examples } from './shared.js';

interface DeleteCliOptions {
  reason?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export function registerDelete(program: Command, state: CliState): void {
  const cmd = program
    .command('delete')
    .description('remove the history entry of <version> (its audit events stay); runs nothing')
    .argument('<version>', 'the migration version')
    .option('--reason <text>', 'why, kept in the audit event')
    .addOption(dryRunOption('say what would be removed; change nothing'))
    .addOption(yesOption('deleting on a protected environment'))
    .addOption(lockTimeoutOption());
  addCommonOptions(cmd)
    .addHelpText('after', examples('neomig delete 1.4.0 --reason "recorded against the wrong database"'))
    .action(action<DeleteCliOptions>('delete', state, async (ctx) => {
      const o = ctx.options;
      if (!o.dryRun) requireConfirmation(await ctx.config(), o.yes, 'delete');
      const migrator = await ctx.migrator();
      const result = await migrator.delete(String(ctx.args[0]), { reason: o.reason, dryRun: o.dryRun === true });
      printDecision(result, ctx.output);
      return { result: { ...result } };
    }));
}
