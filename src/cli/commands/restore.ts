/** `neomig restore <file>`: replaces the database's content with a snapshot's; guarded like clean. */
import path from 'node:path';
import type { Command } from 'commander';
import { action, requireCleanConfirmed, type CliState } from '../context.js';
import { addCommonOptions, dryRunOption, lockTimeoutOption, yesOption } from '../options.js';
import { formatCount, formatRate } from '../render/progress.js';
import { formatDuration, plural } from '../render/format.js';
import { examples } from './shared.js';

interface RestoreCliOptions {
  yes?: boolean;
  dryRun?: boolean;
}

export function registerRestore(program: Command, state: CliState): void {
  const cmd = program
    .command('restore <file>')
    .description('DELETE everything, then load a snapshot back (checked first; needs cleanEnabled: true in the config and --yes)')
    .addOption(yesOption('deleting everything in the database before loading the snapshot'))
    .addOption(dryRunOption('check the file (checksum, counts) and say what would be deleted and loaded; change nothing'))
    .addOption(lockTimeoutOption());
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig restore snapshots/neo4j-20250301T120000000Z.jsonl.gz --dry-run',
      'neomig restore snapshots/neo4j-20250301T120000000Z.jsonl.gz --env dev --yes   # with cleanEnabled: true',
    ))
    .action(action<RestoreCliOptions>('restore', state, async (ctx) => {
      const file = path.resolve(ctx.io.cwd, String(ctx.args[0]));
      const config = await ctx.config();
      if (!ctx.options.dryRun) {
        requireCleanConfirmed(config, ctx.options.yes, 'restore', 'restore deletes all data, constraints and indexes, then loads the snapshot');
      }
      const migrator = await ctx.migrator();
      const result = await migrator.restore(file, { dryRun: ctx.options.dryRun === true });
      const m = result.manifest;
      const p = ctx.output.paint;
      const counts = (nodes: number, relationships: number) =>
        `${plural(nodes, 'node', formatCount)}, ${plural(relationships, 'relationship', formatCount)}, ${m.schema} constraints and indexes`;
      const what = counts(m.nodes, m.relationships);
      const taken = `snapshot of ${m.database} at ${m.historyVersion ?? '(no version)'}, taken ${m.createdAt}`;
      if (result.dryRun) {
        const nodes = 'nodes' in result.emptied ? result.emptied.nodes : result.emptied.nodesDeleted;
        ctx.output.print(`Dry run: ${path.basename(file)} is intact (${taken}, checksum ok).`);
        ctx.output.print(`restore would delete ${formatCount(nodes)} nodes and the schema, then load ${what}. Nothing was changed.`);
      } else {
        const l = result.loaded!;
        const rate = l.elapsedMs > 0 ? ((l.nodes + l.relationships) * 1000) / l.elapsedMs : 0;
        const took = `${formatDuration(l.elapsedMs)} (${formatRate(rate)})`;
        ctx.output.print(`${p.green('✓')} Restored ${counts(l.nodes, l.relationships)} from ${path.basename(file)} (${taken}) in ${took}.`);
      }
      return { result: { ...result } };
    }));
}
