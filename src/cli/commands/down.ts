/** `neomig down`: reverses applied migrations newest first, with the down recorded at apply time. */
import { Option, type Command } from 'commander';
import { action, requireConfirmation, type CliState } from '../context.js';
import { addCommonOptions, dryRunOption, lockTimeoutOption, noFingerprintsOption, positiveInteger, yesOption } from '../options.js';
import { type TrustCliOptions, trustOf, trustOptions } from '../trust-options.js';
import { parseMoment } from '../../core/moment.js';
import { examples, parseTarget, presentRun, targetOption } from './shared.js';

interface DownCliOptions extends TrustCliOptions {
  to?: string;
  target?: string;
  steps?: number;
  all?: boolean;
  before?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export function registerDown(program: Command, state: CliState): void {
  const cmd = program
    .command('down')
    .description('reverse applied migrations, newest first (default: one step)')
    .addOption(new Option('--to <version>', 'reverse down to this version, which stays applied (also: current, latest, next)').conflicts(['steps', 'all', 'before']))
    .addOption(targetOption('reverse down to this version, which stays applied').conflicts(['steps', 'all', 'before']))
    .addOption(new Option('--steps <n>', 'reverse this many migrations').argParser(positiveInteger).conflicts(['all', 'before']))
    .addOption(new Option('--before <time>',
      'reverse every migration applied after this time: ISO 8601 (UTC unless an offset is given) or a time ago (2h, 30m, 1d)')
      .conflicts(['all']))
    .addOption(new Option('--all', 'reverse every applied migration'))
    .addOption(dryRunOption('print which migrations would be reversed, with every down statement; change nothing'))
    .addOption(yesOption('reversing migrations on a protected environment'))
    .addOption(lockTimeoutOption())
    .addOption(noFingerprintsOption());
  for (const option of trustOptions()) cmd.addOption(option);
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig down                      # reverse the newest migration',
      'neomig down --to 1.0.0 --dry-run # show what reversing to 1.0.0 would run',
      'neomig down --steps 2 --env production --yes',
      'neomig down --before 2h --dry-run  # what was applied in the last two hours',
      'neomig down --before 2025-03-01T12:00:00Z',
      'neomig down --target 1.0.0 --yes          # --target is --to',
      'neomig down --all --dry-run                # repeatables (R__) first, then every version',
      'neomig down --trust-recorded 1.4.0 --trust-reason "reviewed the recorded down in PR 812"',
    ))
    .action(action<DownCliOptions>('down', state, async (ctx) => {
      const o = ctx.options;
      const to = parseTarget(o.to, o.target);
      const before = o.before !== undefined ? parseMoment(o.before, Date.now()) : undefined;
      const config = await ctx.config();
      if (!o.dryRun) requireConfirmation(config, o.yes, 'down');
      const migrator = await ctx.migrator();
      const target = to !== undefined ? { to } : o.all ? { all: true } : before !== undefined ? { before } : { steps: o.steps ?? 1 };
      return presentRun(() => migrator.down({ dryRun: o.dryRun === true, ...target, ...trustOf(o) }), ctx.output);
    }));
}
