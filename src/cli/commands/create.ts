/**
 * `neomig create <description>`: writes the next migration's files from templates/. Works offline:
 * the next version comes from the files already in the migrations folder (a minor bump by default,
 * or the next integer in a folder numbered V0001, V0002, ...; --major, --minor, --patch or an explicit
 * --version).
 */
import { mkdirSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { NeomigError } from '../../errors.js';
import { fileSlug, migrationFileNames, parseMigrationFileName, repeatableFileNames } from '../../core/filename.js';
import { bumpVersion, maxVersion, nextIntegerSpelling, parseVersion } from '../../core/version.js';
import type { MigrationType } from '../../core/types.js';
import { recordCreated, sumPath } from '../../discovery/integrity.js';
import { action, type CliState } from '../context.js';
import { addCommonOptions } from '../options.js';
import { TEMPLATE_VARIABLES, chooseTemplates, fillTemplate } from '../templates.js';
import { examples } from './shared.js';
import { REFACTOR_EXAMPLES, REFACTOR_FLAGS, type RefactorCliOptions, addRefactorOptions, refactorRequest } from './create-refactor.js';

export interface CreateRequest {
  /** absolute migrations folder; created when missing */
  dir: string;
  description: string;
  kind: MigrationType;
  /** an explicit version, or which part of the highest existing version to bump */
  version?: string;
  bump?: 'major' | 'minor' | 'patch';
  /** an `R__` repeatable (no version) */
  repeatable?: boolean;
  /** --template: a template file, or a name in `templatesDir` (cli/templates.ts) */
  template?: string;
  /** the config's templates folder, if any */
  templatesDir?: string | null;
  /** folder --template paths are relative to (default: the process's) */
  cwd?: string;
  /** `{{user}}` in templates */
  user?: string;
  /** the files' texts (up, down) instead of the templates' (e.g. from `schema diff --create`) */
  contents?: string[];
  /** the files' texts from the names and version (null: that file is not written); `create --refactor` */
  render?: (values: FileValues) => (string | null)[];
  /** work out the files and their texts but write nothing */
  dryRun?: boolean;
}

/** What a new migration's files are named and hold in their headers. */
export interface FileValues {
  version: string;
  description: string;
  upFile: string;
  downFile: string;
}

export interface CreateResult {
  version: string;
  description: string;
  /** absolute paths of the files written */
  files: string[];
  /** the folder held no migration before: a new project, which starts with neomig.sum */
  folderWasNew: boolean;
  /** with dryRun: what each file would hold (refactorings) */
  texts?: string[];
}

export function createMigration(req: CreateRequest): CreateResult {
  const templates = chooseTemplates({
    kind: req.kind,
    repeatable: req.repeatable === true,
    template: req.template,
    folder: req.templatesDir ?? null,
    cwd: req.cwd ?? process.cwd(),
  });
  if (req.template !== undefined && req.kind === 'typescript' && templates.kind === 'cypher') {
    throw new NeomigError('USAGE', `--ts asks for a TypeScript module, but the template ${req.template} is Cypher`, {
      hint: 'Leave out --ts (the template decides), or choose a .ts template.',
    });
  }
  const kind = templates.kind;
  if (!req.dryRun) mkdirSync(req.dir, { recursive: true });
  const parsed = (existsSync(req.dir) ? readdirSync(req.dir) : [])
    .filter((name) => statSync(path.join(req.dir, name)).isFile())
    .map((name) => parseMigrationFileName(name))
    .filter((p) => p !== null);
  const existing = parsed.filter((p) => !p.repeatable);

  const integerNext = nextIntegerSpelling(existing.map((p) => p.spelled ?? ''));
  let version: string;
  /** how the file name spells the version, when not in full semver (a folder numbered V0001, V0002, ...) */
  let spelled: string | undefined;
  if (req.repeatable) {
    if (req.version !== undefined) {
      throw new NeomigError('USAGE', 'a repeatable has no version: leave out --version', {});
    }
    version = `R__${fileSlug(req.description)}`;
  } else if (req.version !== undefined) {
    const parsed = parseVersion(req.version);
    if (parsed === null) {
      throw new NeomigError('USAGE', `--version ${req.version}: not a version`, { hint: 'Use a version like 1.3.0 (also 1.3 or 1_3_0).' });
    }
    version = parsed;
    // in a folder numbered with plain integers, `--version 8` or `--version 0008` is spelled as given
    if (/^\d+$/.test(req.version) && integerNext !== null) spelled = req.version;
  } else {
    // a folder numbered with plain integers (V0001__, V0002__, as Flyway and neo4j-migrations users
    // number theirs) goes on with the next one, unless a semver part to bump is asked for
    spelled = req.bump === undefined ? integerNext ?? undefined : undefined;
    version = spelled !== undefined ? parseVersion(spelled)! : bumpVersion(maxVersion(existing.map((p) => p.version)), req.bump ?? 'minor');
  }

  const taken = parsed.find((p) => p.version === version);
  if (taken) {
    const what = req.repeatable ? 'The repeatable' : 'Version';
    throw new NeomigError('MIGRATION_FILE', `${what} ${version} already exists: ${taken.file}`, {
      file: taken.file,
      version,
      hint: req.repeatable
        ? 'Edit that file: a repeatable runs again whenever it changes.'
        : 'Choose another --version, or leave it out to take the next free one.',
    });
  }

  const named = req.repeatable ? repeatableFileNames(req.description, kind) : migrationFileNames(version, req.description, kind, spelled);
  const allNames = named.map((n) => (kind === 'typescript' ? n.replace(/\.ts$/, templates.extension) : n));
  const rendered = req.render?.({ version, description: req.description.trim(), upFile: allNames[0]!, downFile: allNames[1] ?? allNames[0]! });
  const names = rendered ? allNames.filter((_, i) => rendered[i] !== null) : allNames;
  const texts = rendered?.filter((t): t is string => t !== null) ?? req.contents;
  const files = names.map((n) => path.join(req.dir, n));
  for (const f of files) {
    if (existsSync(f)) {
      throw new NeomigError('MIGRATION_FILE', `Refusing to overwrite ${f}`, { file: path.basename(f), hint: 'Remove it first or choose another version.' });
    }
  }

  const values = {
    version,
    description: req.description.trim(),
    slug: fileSlug(req.description),
    upFile: names[0]!,
    downFile: names[1] ?? names[0]!,
    date: new Date().toISOString().slice(0, 10),
    user: req.user ?? '',
  };
  if (req.dryRun) {
    return { version, description: values.description, files, folderWasNew: existing.length === 0, texts: texts ?? [] };
  }
  const written: string[] = [];
  try {
    files.forEach((file, i) => {
      // 'wx' fails if the file appeared since the check above: never overwrite.
      const text = texts?.[i] ?? fillTemplate(templates.files[i]!, values);
      writeFileSync(file, text, { flag: 'wx' });
      written.push(file);
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new NeomigError('MIGRATION_FILE', `Refusing to overwrite ${files[written.length]}`, { hint: 'Remove it first or choose another version.' });
    }
    throw e;
  }
  return { version, description: values.description, files, folderWasNew: existing.length === 0 };
}

/** The command as a header line of the files shows it: the refactoring's own options only (no connection flags). */
function commandLine(description: string, o: RefactorCliOptions): string {
  const quote = (v: string) => (/^[\w.,:-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const flags = Object.entries(REFACTOR_FLAGS).flatMap(([key, flag]) => {
    const v = o[key as keyof RefactorCliOptions];
    return v === undefined || v === false ? [] : v === true ? [flag] : [flag, quote(String(v))];
  });
  return ['neomig create', quote(description), ...flags].join(' ');
}

interface CreateOptions extends RefactorCliOptions {
  ts?: boolean;
  dryRun?: boolean;
  repeatable?: boolean;
  template?: string;
  version?: string;
  major?: boolean;
  minor?: boolean;
  patch?: boolean;
}

export function registerCreate(program: Command, state: CliState): void {
  const cmd = program
    .command('create')
    .description('write the next migration\'s files from templates (works offline)')
    .argument('<description...>', 'what the migration does; becomes the file name, e.g. "add books index"')
    .option('--ts', 'write one TypeScript module (defineMigration) instead of a Cypher up/down pair')
    .addOption(new Option('--version <version>', 'use this version instead of the next one').conflicts(['major', 'minor', 'patch']))
    .addOption(new Option('--major', 'bump the major part of the highest version (2.0.0 after 1.4.2)').conflicts(['minor', 'patch']))
    .addOption(new Option('--minor', 'bump the minor part (1.5.0 after 1.4.2; the default, unless every version is a plain integer: then V0008 after V0007)').conflicts(['patch']))
    .addOption(new Option('--patch', 'bump the patch part (1.4.3 after 1.4.2)'))
    .addOption(
      new Option('--repeatable', 'write an R__ repeatable (run after the versions, again whenever it changes)')
        .conflicts(['version', 'major', 'minor', 'patch']),
    )
    .option('--template <file>', 'fill this template (a .cypher or .ts file, or a name in the config\'s `templates` folder)')
    .option('--dry-run', 'print the files it would write, and write nothing');
  addRefactorOptions(cmd);
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig create "add books index"            # V1.1.0__add_books_index.up.cypher + .down.cypher',
      'neomig create backfill isbn --ts --patch    # V1.0.1__backfill_isbn.ts',
      'neomig create init --version 1.0.0',
      'neomig create add genre                     # V0008__add_genre.up.cypher after V0007__...: a folder numbered with integers goes on',
      'neomig create refresh views --repeatable    # R__refresh_views.cypher + .down.cypher',
      'neomig create add genre --template templates/team.up.cypher   # team.down.cypher beside it is the down',
      'neomig create backfill --template batch     # batch.ts (or batch.up.cypher) in the config\'s templates folder',
      ...REFACTOR_EXAMPLES,
    ) + `\nTemplate variables ({{name}}): ${Object.keys(TEMPLATE_VARIABLES).join(', ')}\n`)
    .action(action<CreateOptions>('create', state, async (ctx) => {
      const config = await ctx.config();
      const description = (ctx.args[0] as string[]).join(' ');
      const o = ctx.options;
      const { history, audit, lock } = config.labels;
      const refactor = o.refactor === undefined
        ? undefined
        : refactorRequest(o, Boolean(o.ts), [history, audit, lock], commandLine(description, o));
      const result = createMigration({
        dir: config.migrationsDir,
        description,
        kind: o.ts ? 'typescript' : 'cypher',
        version: o.version,
        bump: o.major ? 'major' : o.patch ? 'patch' : o.minor ? 'minor' : undefined,
        repeatable: o.repeatable === true,
        template: o.template,
        templatesDir: config.templatesDir,
        cwd: ctx.io.cwd,
        user: config.installedBy,
        render: refactor?.render,
        dryRun: o.dryRun,
      });
      const p = ctx.output.paint;
      const planJson = refactor?.plan;
      if (o.dryRun) {
        ctx.output.print(`${p.bold('Dry run')}: would create ${o.repeatable ? 'repeatable' : 'migration'} ${p.bold(result.version)} (${result.description}):`);
        result.files.forEach((f, i) => {
          ctx.output.print(`\n${p.bold(path.relative(ctx.io.cwd, f) || f)}`);
          if (result.texts?.[i] !== undefined) ctx.output.print(result.texts[i]!.trimEnd());
        });
        return { result: { dryRun: true, version: result.version, description: result.description, files: result.files, refactor: planJson } };
      }
      const sum = await recordCreated(config.migrationsDir, result.files, result.folderWasNew);
      const what = o.repeatable ? 'repeatable' : 'migration';
      ctx.output.print(`${p.green('✓')} Created ${what} ${p.bold(result.version)} (${result.description}):`);
      for (const f of result.files) ctx.output.print(`  ${path.relative(ctx.io.cwd, f) || f}`);
      if (!sum && existsSync(sumPath(config.migrationsDir))) {
        ctx.output.log(p.yellow('warning: neomig.sum is damaged (a merge conflict or a hand edit) and was not updated; run `neomig hash`'));
      }
      if (sum) ctx.output.print(`  ${path.relative(ctx.io.cwd, sumPath(config.migrationsDir))} ${p.gray('(updated: run `neomig hash` after you edit the new files)')}`);
      return { result: { version: result.version, description: result.description, files: result.files, sumUpdated: sum, ...(planJson ? { refactor: planJson } : {}) } };
    }));
}
