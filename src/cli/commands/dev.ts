/** `neomig dev`: watch mode for local development (see runDev). */
import type { Command } from 'commander';
import { NeomigError } from '../../errors.js';
import type { ResolvedConfig } from '../../config/types.js';
import { action, type CliState, type CommandOutcome } from '../context.js';
import { addCommonOptions, lockTimeoutOption } from '../options.js';
import type { Output } from '../output.js';
import { examples } from './shared.js';

/** Watches the migrations folder and applies changes until interrupted. */
export async function runDev(_config: ResolvedConfig, _output: Output): Promise<CommandOutcome> {
  throw new NeomigError('USAGE', 'neomig dev is not available yet', { hint: 'Run neomig up after editing migrations.' });
}

export function registerDev(program: Command, state: CliState): void {
  const cmd = program
    .command('dev')
    .description('watch the migrations folder: apply new files; re-run changed, unreleased ones (down, then up)')
    .addOption(lockTimeoutOption());
  addCommonOptions(cmd)
    .addHelpText('after', examples('neomig dev --env local'))
    .action(action('dev', state, async (ctx) => runDev(await ctx.config(), ctx.output)));
}
