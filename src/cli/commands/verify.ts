/** `neomig verify [versions...]`: proves that migrations can be reversed, on a disposable database. */
import type { Command } from 'commander';
import { action, type CliState } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addCommonOptions } from '../options.js';
import { renderVerify } from '../render/verify.js';
import { examples } from './shared.js';

interface VerifyCliOptions {
  targetUri?: string;
  targetDatabase?: string;
}

export function registerVerify(program: Command, state: CliState): void {
  const cmd = program
    .command('verify')
    .argument('[versions...]', 'versions to verify (default: every migration pending on the target)')
    .description('apply, reverse and re-apply migrations on a disposable database; report every down that leaves something behind (exit 3)')
    .option(
      '--target-uri <uri>',
      'a throwaway Neo4j to run on (env NEOMIG_TARGET_URI; credentials: the configured ones, or ' +
        'NEOMIG_TARGET_USERNAME / NEOMIG_TARGET_PASSWORD)',
    )
    .option('--target-database <name>', 'database on the target (default: its default database)');
  addCommonOptions(cmd)
    .addHelpText('after', `
Runs on the configured database only when its config (or --env environment) says \`disposable: true\`;
otherwise give a throwaway server with --target-uri. For each migration: fingerprint, up, down,
fingerprint again and compare (counts per label and relationship type, constraints, indexes), up again.
${examples(
    'neomig verify --target-uri bolt://localhost:7688',
    'NEOMIG_TARGET_PASSWORD=*** neomig verify 1.4.0 1.5.0 --target-uri neo4j://scratch:7687 --json',
    'neomig verify --env scratch      # an environment with disposable: true',
  )}`)
    .action(action<VerifyCliOptions>('verify', state, async (ctx) => {
      const env = ctx.io.env;
      const uri = ctx.options.targetUri ?? (env.NEOMIG_TARGET_URI || undefined);
      const password = env.NEOMIG_TARGET_PASSWORD || undefined;
      ctx.output.addSecret(password);
      const target = uri
        ? { uri, username: env.NEOMIG_TARGET_USERNAME || undefined, password, database: ctx.options.targetDatabase }
        : undefined;
      const migrator = await ctx.migrator();
      const versions = ((ctx.args[0] as string[] | undefined) ?? []).map(String);
      const result = await migrator.verify({ versions, target });
      ctx.output.print(renderVerify(result, ctx.output.paint));
      return { result: { ...result }, exitCode: result.reversible ? EXIT.OK : EXIT.VALIDATION };
    }));
}
