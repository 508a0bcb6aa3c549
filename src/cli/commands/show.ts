/** `neomig show <version>`: one migration in full. */
import type { Command } from 'commander';
import { action, type CliState } from '../context.js';
import { addCommonOptions } from '../options.js';
import { renderShow } from '../render/show.js';
import { examples } from './shared.js';

export function registerShow(program: Command, state: CliState): void {
  const cmd = program
    .command('show')
    .argument('<version>', 'the migration to show, e.g. 1.2.0')
    .description('one migration in full: files, checksum, who/when/how long, statements and counters, validate, before/after delta, audit events');
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig show 1.2.0',
      'neomig show 1.2.0 --json | jq .changes',
    ))
    .action(action<Record<string, never>>('show', state, async (ctx) => {
      const migrator = await ctx.migrator();
      const result = await migrator.show(String(ctx.args[0]));
      ctx.output.print(renderShow(result, ctx.output.paint));
      return { result: { ...result } };
    }));
}
