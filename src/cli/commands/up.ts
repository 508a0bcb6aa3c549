/** `neomig up`: applies pending migrations in order, up to and including --to. */
import { Option, type Command } from 'commander';
import { action, type CliState } from '../context.js';
import { flagFor } from '../../config/index.js';
import { addCommonOptions, dryRunOption, lockTimeoutOption, noFingerprintsOption } from '../options.js';
import { type TrustCliOptions, trustOf, trustOptions } from '../trust-options.js';
import { examples, parseTarget, presentRun, targetOption } from './shared.js';

interface UpCliOptions extends TrustCliOptions {
  to?: string;
  target?: string;
  dryRun?: boolean;
}

export function registerUp(program: Command, state: CliState): void {
  const cmd = program
    .command('up')
    .description('apply pending migrations in order; on failure, reverse what this run applied (atomic)')
    .option('--to <version>', 'stop after this version (also: current, latest, next)')
    .addOption(targetOption('stop after this version'))
    .addOption(dryRunOption())
    .addOption(new Option('--out-of-order', 'also apply pending versions lower than the highest applied one (config outOfOrder, env NEOMIG_OUT_OF_ORDER)'))
    .addOption(new Option('--no-atomic', 'keep the migrations applied before a failure instead of reversing them (env NEOMIG_ATOMIC=false)'))
    .addOption(new Option('--no-preflight', 'skip compiling every planned statement (EXPLAIN) and checking new constraints against the data first (env NEOMIG_PREFLIGHT=false)'))
    .addOption(lockTimeoutOption())
    .addOption(noFingerprintsOption())
    .addOption(new Option(`--${flagFor('snapshot.beforeUp')}`,
      'take a snapshot before the first pending migration (config snapshot.beforeUp; env NEOMIG_SNAPSHOT_BEFORE_UP)'))
    .addOption(new Option(`--${flagFor('snapshot.restoreOnFailure')}`,
      'restore that snapshot when a failure cannot be reversed by the downs; implies --snapshot (config snapshot.restoreOnFailure)'));
  for (const option of trustOptions()) cmd.addOption(option);
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig up',
      'neomig up --to 1.4.0 --dry-run     # plan, preflight result, nothing changed',
      'neomig up --no-preflight           # skip the EXPLAIN and constraint checks before the run',
      'neomig up --to 1.4.0 --dry-run',
      'neomig up --target 1.4.0 --out-of-order   # Flyway spellings: also apply a lower version merged late',
      'NEO4J_PASSWORD=*** neomig up --env production --json --lock-timeout 300',
      'neomig up --snapshot --restore-on-failure   # a snapshot first; restored if the downs cannot undo a failure',
    ))
    .action(action<UpCliOptions>('up', state, async (ctx) => {
      const to = parseTarget(ctx.options.to, ctx.options.target);
      const migrator = await ctx.migrator();
      return presentRun(() => migrator.up({ to, dryRun: ctx.options.dryRun === true, ...trustOf(ctx.options) }), ctx.output);
    }));
}
