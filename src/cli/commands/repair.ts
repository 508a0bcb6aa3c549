/** `neomig repair`: realigns checksums, resolves failed entries, releases a stale lock. */
import type { Command } from 'commander';
import { action, requireConfirmation, type CliState } from '../context.js';
import { addCommonOptions, dryRunOption, lockTimeoutOption, yesOption } from '../options.js';
import { examples } from './shared.js';

interface RepairCliOptions {
  dryRun?: boolean;
  yes?: boolean;
}

export function registerRepair(program: Command, state: CliState): void {
  const cmd = program
    .command('repair')
    .description('realign checksums with the files, resolve failed entries, release a stale lock')
    .addOption(dryRunOption('list what repair would change (checksums, failed entries, a stale lock); change nothing'))
    .addOption(yesOption('repairing a protected environment'))
    .addOption(lockTimeoutOption());
  addCommonOptions(cmd)
    .addHelpText('after', examples('neomig repair --dry-run', 'neomig repair --env production --yes'))
    .action(action<RepairCliOptions>('repair', state, async (ctx) => {
      const o = ctx.options;
      if (!o.dryRun) requireConfirmation(await ctx.config(), o.yes, 'repair');
      const migrator = await ctx.migrator();
      const result = await migrator.repair({ dryRun: o.dryRun === true });
      const p = ctx.output.paint;
      if (result.actions.length === 0) {
        ctx.output.print(`${p.green('✓')} Nothing to repair.`);
      } else {
        ctx.output.print(result.dryRun ? 'Repair would:' : 'Repaired:');
        for (const a of result.actions) ctx.output.print(`  ${p.cyan(a.kind.replace(/_/g, ' '))}: ${a.detail}`);
        if (result.dryRun) ctx.output.print(p.gray('Dry run: nothing was changed.'));
      }
      return { result: { ...result } };
    }));
}
