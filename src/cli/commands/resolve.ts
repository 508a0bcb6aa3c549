/** `neomig resolve <version> --applied | --rolled-back`: records a decision without running anything. */
import type { Command } from 'commander';
import { NeomigError } from '../../errors.js';
import type { ResolveResult } from '../../runner/types.js';
import { action, requireConfirmation, type CliState } from '../context.js';
import { addCommonOptions, dryRunOption, lockTimeoutOption, yesOption } from '../options.js';
import type { Output } from '../output.js';
import { examples } from './shared.js';

interface ResolveCliOptions {
  applied?: boolean;
  rolledBack?: boolean;
  reason?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export function registerResolve(program: Command, state: CliState): void {
  const cmd = program
    .command('resolve')
    .description('record that <version> was applied or rolled back by hand, without running anything (audited)')
    .argument('<version>', 'the migration version')
    .option('--applied', 'the change was made by hand: record it applied, with the local file\'s checksum and down')
    .option('--rolled-back', 'the change was undone (or a failure cleaned up) by hand: `up` runs it again')
    .option('--reason <text>', 'why, kept in the audit event')
    .addOption(dryRunOption('say what would be recorded; change nothing'))
    .addOption(yesOption('resolving on a protected environment'))
    .addOption(lockTimeoutOption());
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig resolve 1.4.0 --applied --reason "index created by hand during the incident"',
      'neomig resolve 1.5.0 --rolled-back --reason "partial writes deleted by hand" --env production --yes',
    ))
    .action(action<ResolveCliOptions>('resolve', state, async (ctx) => {
      const o = ctx.options;
      if (Boolean(o.applied) === Boolean(o.rolledBack)) {
        throw new NeomigError('USAGE', 'resolve needs exactly one of --applied and --rolled-back', {
          hint: 'Example: neomig resolve 1.4.0 --applied --reason "applied by hand"',
        });
      }
      if (!o.dryRun) requireConfirmation(await ctx.config(), o.yes, 'resolve');
      const migrator = await ctx.migrator();
      const result = await migrator.resolve(String(ctx.args[0]), o.applied ? 'applied' : 'rolled_back', { reason: o.reason, dryRun: o.dryRun === true });
      printDecision(result, ctx.output);
      return { result: { ...result } };
    }));
}

/** One line saying what was (or would be) recorded; shared with `delete`. */
export function printDecision(result: ResolveResult, output: Output): void {
  const p = output.paint;
  const what = result.decision === 'deleted' ? 'deleted its entry' : `recorded ${result.decision.replace('_', ' ')}`;
  if (!result.changes) {
    output.print(`${p.green('✓')} ${p.bold(result.version)} is ${result.previous?.replace('_', ' ')} already; nothing to record.`);
  } else if (result.dryRun) {
    output.print(`Would have ${what} for ${p.bold(result.version)}: ${result.detail}`);
    output.print(p.gray('Dry run: nothing was changed.'));
  } else {
    output.print(`${p.green('✓')} ${p.bold(result.version)}: ${what} (${result.detail}); audit event by ${result.by}.`);
  }
}
