/** `neomig validate`: files, names, metadata, dependencies and missing downs; with a database also
 *  checksums, missing files, out-of-order versions and preconditions. */
import type { Command } from 'commander';
import { action, type CliState } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addCommonOptions } from '../options.js';
import { plural } from '../render/format.js';
import { driftJson, renderDrift } from '../render/schema.js';
import { examples } from './shared.js';

interface ValidateCliOptions {
  offline?: boolean;
}

export function registerValidate(program: Command, state: CliState): void {
  const cmd = program
    .command('validate')
    .description('check migrations (and, unless --offline, the database history) without changing anything')
    .option('--offline', 'check the files only; do not connect to Neo4j');
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig validate --offline   # in CI before the database exists',
      'neomig validate --env staging',
      'NEOMIG_PLACEHOLDER_LABEL=Person neomig validate --offline   # ${label} unresolved would exit 2, naming the line',
    ))
    .action(action<ValidateCliOptions>('validate', state, async (ctx) => {
      const migrator = await ctx.migrator();
      const result = await migrator.validate({ offline: ctx.options.offline === true });
      const p = ctx.output.paint;
      const scope = result.offline ? 'files only' : 'files and database';
      const drift = result.drift?.drift ?? [];
      // an incomplete comparison cannot tell drift from what an unreadable migration made: it warns
      const driftFails = drift.length > 0 && !result.driftAllowed && (result.drift?.incomplete.length ?? 0) === 0;
      const json = { ...result, ...driftJson(result.drift) };
      const warnings = () => {
        for (const w of result.warnings) ctx.output.print(`  ${p.yellow('warning')} ${p.bold(w.version)}: ${w.message}`);
        if (result.drift) for (const line of renderDrift(result.drift, p, driftFails)) ctx.output.print(line);
      };
      if (result.issues.length === 0 && !driftFails) {
        const noted = result.warnings.length + drift.length;
        const also = noted ? `, ${plural(noted, 'warning')}:` : '.';
        ctx.output.print(`${p.green('✓')} ${plural(result.migrations, 'migration')} valid (${scope})${also}`);
        warnings();
        return { result: json };
      }
      const problems = result.issues.length + (driftFails ? drift.length : 0);
      ctx.output.print(`${p.red('✗')} ${plural(problems, 'problem')} in ${plural(result.migrations, 'migration')} (${scope}):`);
      for (const issue of result.issues) {
        ctx.output.print(`  ${p.red(issue.kind)} ${p.bold(issue.version)}${issue.file ? ` ${p.gray(issue.file)}` : ''}: ${issue.message}`);
      }
      warnings();
      const hint = result.issues.length === 0
        ? 'Constraints or indexes changed outside neomig: undo the change, or make it a migration and record it; '
          + 'set allowSchemaDrift: true to accept drift.'
        : result.offline
          ? 'Fix the files listed above.'
          : 'Fix the files listed above; for a change to an applied migration that you meant to make, run `neomig repair`.';
      ctx.output.print(`${p.cyan('hint')} ${hint}`);
      return {
        result: json,
        exitCode: EXIT.VALIDATION,
        error: { code: 'VALIDATION', message: `Validation found ${plural(problems, 'problem')}`, hint },
      };
    }));
}
