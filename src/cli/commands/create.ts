/**
 * `neomig create <description>`: writes the next migration's files from templates/. Works offline:
 * the next version comes from the files already in the migrations folder (a minor bump by default,
 * as Flyway users expect; --major, --patch or an explicit --version).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { NeomigError } from '../../errors.js';
import { migrationFileNames, parseMigrationFileName } from '../../core/filename.js';
import { bumpVersion, maxVersion, parseVersion } from '../../core/version.js';
import type { MigrationType } from '../../core/types.js';
import { recordCreated, sumPath } from '../../discovery/integrity.js';
import { action, type CliState } from '../context.js';
import { addCommonOptions } from '../options.js';
import { examples } from './shared.js';
import { REFACTOR_EXAMPLES, REFACTOR_FLAGS, type RefactorCliOptions, addRefactorOptions, refactorRequest } from './create-refactor.js';

/** templates/ at the package root: three levels up from src/cli/commands and dist/cli/commands. */
const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

export interface CreateRequest {
  /** absolute migrations folder; created when missing */
  dir: string;
  description: string;
  kind: MigrationType;
  /** an explicit version, or which part of the highest existing version to bump */
  version?: string;
  bump?: 'major' | 'minor' | 'patch';
  /** the files' texts instead of the templates' (null: that file is not written); `create --refactor` */
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
  /** with dryRun: what each file would hold */
  texts?: string[];
}

export function createMigration(req: CreateRequest): CreateResult {
  if (!req.dryRun) mkdirSync(req.dir, { recursive: true });
  const existing = (existsSync(req.dir) ? readdirSync(req.dir) : [])
    .filter((name) => statSync(path.join(req.dir, name)).isFile())
    .map((name) => parseMigrationFileName(name))
    .filter((p) => p !== null);

  let version: string;
  if (req.version !== undefined) {
    const parsed = parseVersion(req.version);
    if (parsed === null) {
      throw new NeomigError('USAGE', `--version ${req.version}: not a version`, { hint: 'Use a version like 1.3.0 (also 1.3 or 1_3_0).' });
    }
    version = parsed;
  } else {
    version = bumpVersion(maxVersion(existing.map((p) => p.version)), req.bump ?? 'minor');
  }

  const taken = existing.find((p) => p.version === version);
  if (taken) {
    throw new NeomigError('MIGRATION_FILE', `Version ${version} already exists: ${taken.file}`, {
      file: taken.file,
      version,
      hint: 'Choose another --version, or leave it out to take the next free one.',
    });
  }

  const allNames = migrationFileNames(version, req.description, req.kind);
  const values: FileValues = {
    version,
    description: req.description.trim(),
    upFile: allNames[0]!,
    downFile: allNames[1] ?? allNames[0]!,
  };
  const rendered = req.render?.(values);
  const names = rendered ? allNames.filter((_, i) => rendered[i] !== null) : allNames;
  const texts = rendered?.filter((t) => t !== null);
  const files = names.map((n) => path.join(req.dir, n));
  for (const f of files) {
    if (existsSync(f)) {
      throw new NeomigError('MIGRATION_FILE', `Refusing to overwrite ${f}`, { file: path.basename(f), hint: 'Remove it first or choose another version.' });
    }
  }

  const templates = req.kind === 'cypher' ? ['migration.up.cypher', 'migration.down.cypher'] : ['migration.ts'];
  if (req.dryRun) {
    return { version, description: values.description, files, folderWasNew: existing.length === 0, texts: texts ?? [] };
  }
  const written: string[] = [];
  try {
    files.forEach((file, i) => {
      // 'wx' fails if the file appeared since the check above: never overwrite.
      const text = texts?.[i] ?? fill(readFileSync(path.join(TEMPLATES_DIR, templates[i]!), 'utf8'), { ...values });
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

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

interface CreateOptions extends RefactorCliOptions {
  ts?: boolean;
  dryRun?: boolean;
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
    .addOption(new Option('--minor', 'bump the minor part (1.5.0 after 1.4.2; the default)').conflicts(['patch']))
    .addOption(new Option('--patch', 'bump the patch part (1.4.3 after 1.4.2)'))
    .option('--dry-run', 'print the files it would write, and write nothing');
  addRefactorOptions(cmd);
  addCommonOptions(cmd)
    .addHelpText('after', examples(
      'neomig create "add books index"            # V1.1.0__add_books_index.up.cypher + .down.cypher',
      'neomig create backfill isbn --ts --patch    # V1.0.1__backfill_isbn.ts',
      'neomig create init --version 1.0.0',
      ...REFACTOR_EXAMPLES,
    ))
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
        bump: o.major ? 'major' : o.patch ? 'patch' : 'minor',
        render: refactor?.render,
        dryRun: o.dryRun,
      });
      const p = ctx.output.paint;
      const planJson = refactor?.plan;
      if (o.dryRun) {
        ctx.output.print(`${p.bold('Dry run')}: would create migration ${p.bold(result.version)} (${result.description}):`);
        result.files.forEach((f, i) => {
          ctx.output.print(`\n${p.bold(path.relative(ctx.io.cwd, f) || f)}`);
          if (result.texts?.[i] !== undefined) ctx.output.print(result.texts[i]!.trimEnd());
        });
        return { result: { dryRun: true, version: result.version, description: result.description, files: result.files, refactor: planJson } };
      }
      const sum = await recordCreated(config.migrationsDir, result.files, result.folderWasNew);
      ctx.output.print(`${p.green('✓')} Created migration ${p.bold(result.version)} (${result.description}):`);
      for (const f of result.files) ctx.output.print(`  ${path.relative(ctx.io.cwd, f) || f}`);
      if (!sum && existsSync(sumPath(config.migrationsDir))) {
        ctx.output.log(p.yellow('warning: neomig.sum is damaged (a merge conflict or a hand edit) and was not updated; run `neomig hash`'));
      }
      if (sum) ctx.output.print(`  ${path.relative(ctx.io.cwd, sumPath(config.migrationsDir))} ${p.gray('(updated: run `neomig hash` after you edit the new files)')}`);
      return { result: { version: result.version, description: result.description, files: result.files, sumUpdated: sum, ...(planJson ? { refactor: planJson } : {}) } };
    }));
}
