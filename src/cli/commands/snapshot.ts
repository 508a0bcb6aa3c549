/** `neomig snapshot`: a logical, streamed, checksummed snapshot of the database in one compressed file. */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { NeomigError } from '../../errors.js';
import { action, type CliState } from '../context.js';
import { addCommonOptions, lockTimeoutOption } from '../options.js';
import { formatCount, formatRate } from '../render/progress.js';
import { formatDuration } from '../render/format.js';
import { examples } from './shared.js';

interface SnapshotCliOptions {
  out?: string;
}

export function registerSnapshot(program: Command, state: CliState): void {
  const cmd = program
    .command('snapshot [file]')
    .description('write every node, relationship, constraint and index (and neomig\'s history) to one compressed, checksummed file')
    .addOption(new Option('-o, --out <file>',
      'the file to write (same as [file]; default: snapshots/<database>-<UTC time>.jsonl.gz, folder from config snapshot.dir)'))
    .addOption(lockTimeoutOption());
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig snapshot                             # snapshots/neo4j-20250301T120000000Z.jsonl.gz',
      'neomig snapshot before-release.jsonl.gz --env staging',
      'neomig snapshot --json | jq -r .file',
    ))
    .action(action<SnapshotCliOptions>('snapshot', state, async (ctx) => {
      const given = ctx.args[0] as string | undefined;
      if (given && ctx.options.out && given !== ctx.options.out) {
        throw new NeomigError('USAGE', `two files given: ${given} and --out ${ctx.options.out}`, { hint: 'Give the file once.' });
      }
      const file = given ?? ctx.options.out;
      const migrator = await ctx.migrator();
      const result = await migrator.snapshot({ file: file ? path.resolve(ctx.io.cwd, file) : undefined });
      const m = result.manifest;
      const p = ctx.output.paint;
      ctx.output.print(`${p.green('✓')} Snapshot of database ${m.database} at ${m.historyVersion ?? '(no version)'}: `
        + `${formatCount(m.nodes)} nodes, ${formatCount(m.relationships)} relationships, ${m.schema} constraints and indexes `
        + `in ${formatDuration(result.elapsedMs)} (${formatRate(result.rowsPerSecond)})`);
      ctx.output.print(result.file);
      return { result: { file: result.file, manifest: m, elapsedMs: result.elapsedMs, rowsPerSecond: Math.round(result.rowsPerSecond) } };
    }));
}
