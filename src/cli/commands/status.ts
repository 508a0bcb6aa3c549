/** `neomig status` (alias `info`): every version, local and applied, with drift and failures. */
import type { Command } from 'commander';
import { action, type CliState } from '../context.js';
import { addCommonOptions } from '../options.js';
import { driftJson, renderDrift } from '../render/schema.js';
import { renderStatus } from '../render/status.js';
import { examples, statusJson } from './shared.js';

export function registerStatus(program: Command, state: CliState): void {
  const cmd = program
    .command('status')
    .alias('info')
    .description('show every version: local/applied, status, applied at, by, duration, checksum drift')
    .option('--wide', 'show every column in full instead of fitting the terminal (80 columns off a terminal, or COLUMNS)')
    .option('-v, --verbose', 'add a Changes column: what each migration changed (+1000 :Tag, +1 index), from its fingerprints');
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig status',
      'neomig status --wide | less -S',
      'neomig status --verbose --wide',
      'neomig info --env staging --json | jq \'.migrations[] | select(.status == "pending")\'',
      'neomig status --json | jq \'.migrations[] | select(.kind == "repeatable") | {version, status}\'  # applied, pending, outdated',
    ))
    .action(action<{ wide?: boolean; verbose?: boolean }>('status', state, async (ctx) => {
      const migrator = await ctx.migrator();
      const result = await migrator.status();
      const layout = { width: ctx.output.columns, wide: ctx.options.wide === true, verbose: ctx.options.verbose === true };
      ctx.output.print(renderStatus(result, ctx.output.paint, layout));
      if (result.drift) {
        const drift = renderDrift(result.drift, ctx.output.paint, false);
        if (drift.length) ctx.output.print(['', ctx.output.paint.yellow('Schema drift (run neomig validate to check it):'), ...drift].join('\n'));
      }
      return { result: { ...statusJson(result), ...driftJson(result.drift) } };
    }));
}
