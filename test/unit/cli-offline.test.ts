/**
 * The real `bin/neomig`, run as a child process, for everything that needs no database: version,
 * help, create, offline validation, usage and config errors, refusals that happen before connecting,
 * secrets, colors and cold start. Each case checks stdout, stderr and the exit code.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeFiles } from '../support/migrations.js';
import { ANSI, ROOT, ensureBuilt, linkNeomig, runCli } from '../support/cli.js';

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const dirs: string[] = [];
// child processes and file watching are slow on a loaded machine
vi.setConfig({ testTimeout: 30_000 });

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-cli-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

const GOOD = {
  'migrations/V1.0.0__init.up.cypher': '// ---\n// description: books\n// ---\nCREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE;\n',
  'migrations/V1.0.0__init.down.cypher': 'DROP CONSTRAINT book_isbn IF EXISTS;\n',
  'migrations/V1.1__authors.cypher': 'CREATE (:Author {name: "a; b"});\n',
  'migrations/U1.1__authors.cypher': 'MATCH (a:Author) DELETE a;\n',
};

describe('neomig --version and --help', () => {
  it('prints the package version', async () => {
    const r = await runCli(['--version'], { cwd: project() });
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('lists every command and the exit codes', async () => {
    const r = await runCli(['--help'], { cwd: project() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const c of ['create', 'up', 'down', 'status|info', 'validate', 'baseline', 'repair', 'clean', 'dev']) expect(r.stdout).toContain(`  ${c} `);
    expect(r.stdout).toMatch(/Exit codes: 0 ok .*1 a migration failed, 2 usage/s);
  });

  it.each(['create', 'up', 'down', 'status', 'info', 'validate', 'baseline', 'repair', 'clean', 'dev', 'snapshot', 'restore'])('%s --help shows the shared options and an example', async (command) => {
    const r = await runCli([command, '--help'], { cwd: project() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: neomig (status\|info|[a-z]+) /);
    for (const flag of ['--config <path>', '--env <name>', '--json', '--no-color', '--uri <uri>', '--username <name>', '--password <password>', '--database <name>']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ neomig /);
  });

  it('up and down --help show --snapshot, --restore-on-failure and --before with examples', async () => {
    const up = await runCli(['up', '--help'], { cwd: project() });
    expect(up.stdout).toContain('--snapshot');
    expect(up.stdout).toContain('--restore-on-failure');
    expect(up.stdout).toContain('$ neomig up --snapshot --restore-on-failure');
    const down = await runCli(['down', '--help'], { cwd: project() });
    expect(down.stdout).toContain('--before <time>');
    expect(down.stdout).toContain('$ neomig down --before 2h --dry-run');
  });

  it('repair --help describes its own --dry-run, not up\'s', async () => {
    const repair = await runCli(['repair', '--help'], { cwd: project() });
    const up = await runCli(['up', '--help'], { cwd: project() });
    const dryRun = (help: string) => /--dry-run\s+(.*)/.exec(help)?.[1];
    expect(dryRun(repair.stdout)).toMatch(/what repair would change/);
    expect(dryRun(repair.stdout)).not.toBe(dryRun(up.stdout));
  });

  it('with no command prints the help on stderr and exits 2', async () => {
    const r = await runCli([], { cwd: project() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: neomig');
  });
});

describe('neomig create', () => {
  it('writes numbered Cypher pairs from the templates, 1.0.0 then a minor bump', async () => {
    const dir = project();
    const first = await runCli(['create', 'add', 'books', 'index'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe([
      '✓ Created migration 1.0.0 (add books index):',
      `  ${path.join('migrations', 'V1.0.0__add_books_index.up.cypher')}`,
      `  ${path.join('migrations', 'V1.0.0__add_books_index.down.cypher')}`,
      `  ${path.join('migrations', 'neomig.sum')} (updated: run \`neomig hash\` after you edit the new files)`,
      '',
    ].join('\n'));
    const second = await runCli(['create', 'Backfill ISBNs!'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Created migration 1.1.0 (Backfill ISBNs!)');
    expect(readdirSync(path.join(dir, 'migrations')).sort()).toEqual([
      'V1.0.0__add_books_index.down.cypher',
      'V1.0.0__add_books_index.up.cypher',
      'V1.1.0__backfill_isbns.down.cypher',
      'V1.1.0__backfill_isbns.up.cypher',
      'neomig.sum',
    ]);
    // a new folder starts with the integrity file, in version order, total first
    expect(readFileSync(path.join(dir, 'migrations', 'neomig.sum'), 'utf8')).toMatch(new RegExp([
      '^total [0-9a-f]{64}',
      'V1\\.0\\.0__add_books_index\\.up\\.cypher [0-9a-f]{64}',
      'V1\\.0\\.0__add_books_index\\.down\\.cypher [0-9a-f]{64}',
      'V1\\.1\\.0__backfill_isbns\\.up\\.cypher [0-9a-f]{64}',
      'V1\\.1\\.0__backfill_isbns\\.down\\.cypher [0-9a-f]{64}\\n$',
    ].join('\\n')));
    const up = readFileSync(path.join(dir, 'migrations', 'V1.1.0__backfill_isbns.up.cypher'), 'utf8');
    expect(up.startsWith('// ---\n')).toBe(true);
    for (const key of ['description', 'dependsOn', 'requires', 'validate', 'transaction', 'timeout', 'irreversible']) expect(up).toContain(`// # ${key}:`);
    expect(up).toContain('1.1.0 Backfill ISBNs! (up)');
    expect(readFileSync(path.join(dir, 'migrations', 'V1.1.0__backfill_isbns.down.cypher'), 'utf8')).toContain('Undoes V1.1.0__backfill_isbns.up.cypher');
  });

  it('a fresh template is a warning for validate --offline, which exits 0', async () => {
    const dir = project();
    expect((await runCli(['create', 'x'], { cwd: dir })).code).toBe(0);
    const r = await runCli(['validate', '--offline'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('✓ 1 migration valid (files only), 1 warning:\n  warning 1.0.0: V1.0.0__x.up.cypher: still the template: write at least one statement\n');
  });

  it('bumps --major, --patch, or takes --version', async () => {
    const dir = project({ 'migrations/V1.4.2__x.cypher': 'RETURN 1;' });
    expect((await runCli(['create', 'p', '--patch', '--json'], { cwd: dir })).json().version).toBe('1.4.3');
    expect((await runCli(['create', 'm', '--major', '--json'], { cwd: dir })).json().version).toBe('2.0.0');
    expect((await runCli(['create', 'n', '--json'], { cwd: dir })).json().version).toBe('2.1.0');
    expect((await runCli(['create', 'v', '--version', '1_5', '--json'], { cwd: dir })).json().version).toBe('1.5.0');
  });

  it('goes on with the next integer, zero-padded alike, in a folder numbered V0001, V0002 (neo4j-migrations, Flyway)', async () => {
    const dir = project({
      'migrations/V0001__Initial.cypher': 'CREATE (:A);', 'migrations/U0001__Initial.cypher': 'MATCH (a:A) DELETE a;',
      'migrations/V0007__Add_index.cypher': 'CREATE (:B);', 'migrations/U0007__Add_index.cypher': 'MATCH (b:B) DELETE b;',
    });
    const r = await runCli(['create', 'add genre'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Created migration 8.0.0 (add genre):');
    expect(readdirSync(path.join(dir, 'migrations')).filter((n) => n.startsWith('V0008'))).toEqual(['V0008__add_genre.down.cypher', 'V0008__add_genre.up.cypher']);
    // an explicit integer keeps its spelling; a semver part asked for is bumped as semver
    expect((await runCli(['create', 'n', '--version', '0010', '--json'], { cwd: dir })).json().files.map((f: string) => path.basename(f))).toEqual(['V0010__n.up.cypher', 'V0010__n.down.cypher']);
    expect((await runCli(['create', 'p', '--patch', '--json'], { cwd: dir })).json().version).toBe('10.0.1');
    // the folder is no longer numbered with integers alone: a minor bump, as anywhere else
    expect((await runCli(['create', 'q', '--json'], { cwd: dir })).json().version).toBe('10.1.0');
    const validated = await runCli(['validate', '--offline'], { cwd: dir });
    expect(validated.code).toBe(0);
    expect(validated.stdout).toMatch(/^✓ 6 migrations valid \(files only\)/);
  });

  it('reports the created files as one JSON document with --json', async () => {
    const dir = project();
    const r = await runCli(['create', 'init', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.json()).toEqual({
      ok: true,
      command: 'create',
      version: '1.0.0',
      description: 'init',
      files: [path.join(dir, 'migrations', 'V1.0.0__init.up.cypher'), path.join(dir, 'migrations', 'V1.0.0__init.down.cypher')],
      sumUpdated: true,
    });
  });

  it('--ts writes one module using defineMigration from neomig, which validates', async () => {
    const dir = project(GOOD);
    linkNeomig(dir);
    const r = await runCli(['create', 'backfill', '--ts'], { cwd: dir });
    expect(r.code).toBe(0);
    const file = path.join(dir, 'migrations', 'V1.2.0__backfill.ts');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain("import { defineMigration } from 'neomig';");
    expect(text).toContain('export default defineMigration({');
    expect(text).toMatch(/async up\(ctx\)[\s\S]*async down\(ctx\)/);
    const v = await runCli(['validate', '--offline', '--json'], { cwd: dir });
    expect(v.json()).toMatchObject({ ok: true, migrations: 3, issues: [] });
  });

  it('uses the migrations folder from the config file', async () => {
    const dir = project({ 'neomig.config.json': '{ "migrations": "db/changes" }' });
    const r = await runCli(['create', 'x', '--json'], { cwd: dir });
    expect(r.json().files[0]).toBe(path.join(dir, 'db', 'changes', 'V1.0.0__x.up.cypher'));
  });

  it('refuses a version that exists and never overwrites (exit 2)', async () => {
    const dir = project({ 'migrations/V1.0.0__init.up.cypher': 'ORIGINAL', 'migrations/V1.0.0__init.down.cypher': 'ORIGINAL' });
    const r = await runCli(['create', 'init', '--version', '1.0.0'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error \[MIGRATION_FILE\] Version 1\.0\.0 already exists: V1\.0\.0__init\.(up|down)\.cypher\n/);
    expect(r.stderr).toContain('hint');
    expect(readFileSync(path.join(dir, 'migrations', 'V1.0.0__init.up.cypher'), 'utf8')).toBe('ORIGINAL');
    const j = await runCli(['create', 'init', '--version', '1.0.0', '--json'], { cwd: dir });
    expect(j.code).toBe(2);
    expect(j.json()).toMatchObject({ ok: false, command: 'create', error: { code: 'MIGRATION_FILE', version: '1.0.0' } });
  });

  it.each<[string[], RegExp]>([
    [['create', 'x', '--version', 'one'], /--version one: not a version/],
    [['create', 'x', '--major', '--patch'], /cannot be used with option/],
    [['create', '!!!'], /has no letters or digits/],
    [['create'], /missing required argument 'description'/],
  ])('rejects bad input %j with exit 2', async (args, message) => {
    const r = await runCli(args, { cwd: project() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('stops at a malformed migration file name already in the folder', async () => {
    const r = await runCli(['create', 'x'], { cwd: project({ 'migrations/V1.x__oops.cypher': '' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('V1.x__oops.cypher');
  });
});

describe('neomig validate --offline', () => {
  it('passes a good folder (exit 0)', async () => {
    const dir = project(GOOD);
    const r = await runCli(['validate', '--offline'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: '✓ 2 migrations valid (files only).\n' });
    const j = await runCli(['validate', '--offline', '--json'], { cwd: dir });
    expect(j.code).toBe(0);
    expect(j.json()).toEqual({ ok: true, command: 'validate', offline: true, migrations: 2, issues: [], warnings: [] });
  });

  it('exits 3 with the issues for an unmet dependency', async () => {
    const dir = project({
      ...GOOD,
      'migrations/V1.2.0__needs.up.cypher': '// ---\n// dependsOn: ["9.0.0"]\n// ---\nCREATE (:X);\n',
      'migrations/V1.2.0__needs.down.cypher': 'MATCH (x:X) DELETE x;\n',
    });
    const r = await runCli(['validate', '--offline'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^✗ 1 problem in 3 migrations \(files only\):\n {2}dependency_missing 1\.2\.0 V1\.2\.0__needs\.up\.cypher: .*9\.0\.0/);
    const j = await runCli(['validate', '--offline', '--json'], { cwd: dir });
    expect(j.code).toBe(3);
    expect(j.json()).toMatchObject({ ok: false, command: 'validate', issues: [{ kind: 'dependency_missing', version: '1.2.0' }], error: { code: 'VALIDATION' } });
  });

  it('exits 3 for a migration without a down', async () => {
    const r = await runCli(['validate', '--offline', '--json'], { cwd: project({ 'migrations/V1__only_up.cypher': 'CREATE (:X);' }) });
    expect(r.code).toBe(3);
    expect(r.json().issues).toMatchObject([{ kind: 'down_missing', version: '1.0.0' }]);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a malformed file name', { 'migrations/V1.x__bad.up.cypher': 'CREATE (:X);' }, /V1\.x__bad\.up\.cypher/],
    ['two files with one version', { 'migrations/V1__a.cypher': 'RETURN 1;', 'migrations/V1.0.0__b.up.cypher': 'RETURN 1;' }, /V1__a\.cypher and V1\.0\.0__b\.up\.cypher both have version 1\.0\.0/],
    ['an unknown metadata key', { 'migrations/V1__a.up.cypher': '// ---\n// dependson: []\n// ---\nRETURN 1;', 'migrations/V1__a.down.cypher': 'RETURN 1;' }, /dependson/],
  ])('exits 2 for %s, naming the file', async (_, files, message) => {
    const dir = project(files);
    const r = await runCli(['validate', '--offline'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error \[MIGRATION_FILE\] /);
    expect(r.stderr).toMatch(message);
    const j = await runCli(['validate', '--offline', '--json'], { cwd: dir });
    expect(j.code).toBe(2);
    expect(j.json()).toMatchObject({ ok: false, command: 'validate', error: { code: 'MIGRATION_FILE', message } });
  });
});

describe('usage errors: exit 2, and one JSON document with --json', () => {
  it('rejects an unknown flag', async () => {
    const r = await runCli(['up', '--bogus'], { cwd: project() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("error [USAGE] unknown option '--bogus'\n  hint   Run neomig up --help for the options and examples.\n");
    const j = await runCli(['up', '--bogus', '--json'], { cwd: project() });
    expect(j.code).toBe(2);
    expect(j.stderr).toBe('');
    expect(j.json()).toMatchObject({ ok: false, command: 'up', error: { code: 'USAGE', message: "unknown option '--bogus'" } });
  });

  it("reports commander's usage errors and neomig's own in one style", async () => {
    const fromCommander = await runCli(['up', '--jsn'], { cwd: project() });
    const fromNeomig = await runCli(['up', '--to', 'tomorrow'], { cwd: project() });
    for (const r of [fromCommander, fromNeomig]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error \[USAGE\] \S.*\n {2}hint {3}\S/);
    }
    expect(fromCommander.stderr).toContain('Did you mean --json?');
    const json = await runCli(['up', '--jsn', '--json'], { cwd: project() });
    expect(json.json()).toEqual({
      ok: false,
      command: 'up',
      error: { code: 'USAGE', message: "unknown option '--jsn'", commanderCode: 'commander.unknownOption', hint: expect.stringContaining('Did you mean --json?') },
    });
  });

  it('rejects an unknown command', async () => {
    const j = await runCli(['upp', '--json'], { cwd: project() });
    expect(j.code).toBe(2);
    expect(j.json()).toMatchObject({ ok: false, command: null, error: { code: 'USAGE', message: expect.stringMatching(/unknown command 'upp'/) } });
  });

  it.each<[string[], RegExp]>([
    [['down', '--steps', '0'], /--steps <n>' argument '0' is invalid/],
    [['down', '--all', '--to', '1.0.0'], /cannot be used with option/],
    [['up', '--to', 'tomorrow'], /--to tomorrow: not a version/],
    [['up', '--lock-timeout', 'soon'], /--lock-timeout: expected a number/],
    [['status', '--uri', 'http://localhost:7474'], /--uri: is not valid/],
    [['baseline'], /required option '--version <version>' not specified/],
    [['baseline', '--version', 'x.y'], /--version x\.y: not a version/],
  ])('%j', async (args, message) => {
    const r = await runCli([...args, '--json'], { cwd: project() });
    expect(r.code).toBe(2);
    const doc = r.json();
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('USAGE');
    expect(doc.error.message).toMatch(message);
  });
});

describe('configuration errors: exit 2 before anything connects', () => {
  it('reports an unknown key with the file and key path', async () => {
    const dir = project({ 'neomig.config.yaml': 'environments:\n  staging:\n    lock:\n      mode: sometimes\n' });
    const r = await runCli(['status', '--env', 'staging'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error \[CONFIG\] neomig\.config\.yaml: environments\.staging\.lock\.mode: expected one of 'wait', 'fail'\n/);
    const j = await runCli(['status', '--json'], { cwd: dir });
    expect(j.code).toBe(2);
    expect(j.json()).toMatchObject({ ok: false, command: 'status', error: { code: 'CONFIG', key: 'environments.staging.lock.mode', file: path.join(dir, 'neomig.config.yaml') } });
  });

  it('lists the known environments for an unknown --env', async () => {
    const dir = project({ 'neomig.config.json': '{ "environments": { "staging": {}, "production": {} } }' });
    const r = await runCli(['up', '--env', 'prod', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'CONFIG', message: "Unknown environment 'prod' in neomig.config.json", hint: 'Known environments: staging, production.' });
  });

  it('reports a bad environment variable by name', async () => {
    const r = await runCli(['up', '--json'], { cwd: project(), env: { NEOMIG_LOCK_TIMEOUT: 'soon' } });
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'CONFIG', message: 'Environment variable NEOMIG_LOCK_TIMEOUT: expected a number' });
  });

  it('reports a --config that does not exist', async () => {
    const r = await runCli(['validate', '--offline', '--config', 'nope.yaml'], { cwd: project() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Config file not found: .*nope\.yaml/);
  });
});

describe('refusals that need no database', () => {
  const PROTECTED = { 'neomig.config.yaml': 'environments:\n  prod:\n    protected: true\n    cleanEnabled: true\n  dev:\n    cleanEnabled: true\n' };

  it.each<[string[]]>([[['down']], [['down', '--steps', '2']], [['repair']], [['baseline', '--version', '1.0.0']]])(
    '%j on a protected environment needs --yes',
    async (args) => {
      const r = await runCli([...args, '--env', 'prod'], { cwd: project(PROTECTED) });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/The environment 'prod' is protected: `neomig (down|repair|baseline)` needs --yes/);
      expect(r.stderr).toMatch(/hint +Add --yes to confirm/);
    },
  );

  it('clean is refused when the config does not enable it, even with --yes', async () => {
    const r = await runCli(['clean', '--yes', '--json'], { cwd: project() });
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'CONFIG', message: 'clean is disabled for this configuration', hint: expect.stringMatching(/cleanEnabled: true/) });
  });

  it('clean is refused without --yes even when enabled', async () => {
    const r = await runCli(['clean', '--env', 'dev'], { cwd: project(PROTECTED) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/clean deletes all data, constraints and indexes: confirm with --yes/);
  });
});

describe('secrets never appear in output', () => {
  const SECRET = 'Sup3r-S3cret!pw';

  it('masks a --password echoed in an error, on stderr and in JSON', async () => {
    const dir = project();
    const args = ['status', '--uri', `bolt://neo4j:${SECRET}@host:7687`, '--password', SECRET];
    const r = await runCli([...args, '--database', SECRET], { cwd: dir, env: { NEOMIG_LOCK_TIMEOUT: 'x' } });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const j = await runCli(['create', SECRET, '--password', SECRET, '--json'], { cwd: dir });
    expect(j.code).toBe(0);
    expect(j.stdout).not.toContain(SECRET);
    expect(j.stdout).toContain('******');
  });

  it('masks NEO4J_PASSWORD and every password in the config file, even overridden ones', async () => {
    const dir = project({ 'neomig.config.json': JSON.stringify({ password: 'file-pw-123', environments: { x: { password: 'x-pw-789' } } }) });
    const description = 'file-pw-123 env-pw-456 x-pw-789';
    const r = await runCli(['create', description, '--json'], { cwd: dir, env: { NEO4J_PASSWORD: 'env-pw-456' } });
    expect(r.code).toBe(0);
    expect(r.json().description).toBe('****** ****** ******');
    const human = await runCli(['create', description, '--env', 'x'], { cwd: dir, env: { NEO4J_PASSWORD: 'env-pw-456' } });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('(****** ****** ******)');
    expect(human.stdout).not.toMatch(/pw-\d/);
  });

  it('masks a misspelled --password=value that commander echoes', async () => {
    const r = await runCli(['up', `--pasword=${SECRET}`], { cwd: project() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--pasword=…'");
    expect(r.stderr).not.toContain(SECRET);
  });
});

describe('colors', () => {
  it('writes no color codes to a pipe, and colors with FORCE_COLOR', async () => {
    const plain = await runCli(['create', 'x'], { cwd: project() });
    expect(plain.stdout).not.toMatch(ANSI);
    const forced = await runCli(['create', 'x'], { cwd: project(), env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ANSI);
  });

  it.each<[string, string[], Record<string, string>]>([
    ['--color', ['--color'], {}],
    ['--color despite NO_COLOR', ['--color'], { NO_COLOR: '1' }],
    ['the last of --no-color --color', ['--no-color', '--color'], {}],
  ])('%s colors a pipe', async (_, flags, env) => {
    const r = await runCli(['create', 'x', ...flags], { cwd: project(), env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(ANSI);
  });

  it.each<[string, string[], Record<string, string>]>([
    ['NO_COLOR', [], { FORCE_COLOR: '1', NO_COLOR: '1' }],
    ['--no-color', ['--no-color'], { FORCE_COLOR: '1' }],
  ])('%s wins over FORCE_COLOR', async (_, flags, env) => {
    const r = await runCli(['create', 'x', ...flags], { cwd: project(), env });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
  });
});

describe('cold start', () => {
  it('--version and create do not load neo4j-driver, chokidar or jiti', async () => {
    const dir = project();
    const hook = path.join(dir, 'hooks.mjs');
    writeFileSync(hook, [
      'export async function resolve(specifier, context, next) {',
      '  const r = await next(specifier, context);',
      "  if (/node_modules\\/(neo4j-driver|chokidar|jiti)\\//.test(r.url)) process.stderr.write(`LOADED ${r.url}\\n`);",
      '  return r;',
      '}',
    ].join('\n'));
    const register = path.join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hook}`)});\n`);
    const nodeArgs = ['--import', register];
    const version = await runCli(['--version'], { cwd: dir, nodeArgs });
    expect(version.stderr).toBe('');
    const create = await runCli(['create', 'x'], { cwd: dir, nodeArgs });
    expect(create.code).toBe(0);
    expect(create.stderr).toBe('');
    // the check can fail: validate does load the driver (through the migrator)
    const validate = await runCli(['validate', '--offline'], { cwd: dir, nodeArgs });
    expect(validate.stderr).toContain('LOADED');
  });

  it('reading Cypher migrations loads no jiti; a TypeScript migration does', async () => {
    // CommonJS modules (jiti's core) land in require's cache, whether imported or required
    const preload = (dir: string) => {
      const file = path.join(dir, 'loaded.cjs');
      writeFileSync(file, `process.on('exit', () => {
  const names = new Set(Object.keys(require('node:module')._cache).map((f) => /node_modules\\/(jiti)\\//.exec(f)?.[1]).filter(Boolean));
  process.stderr.write('LOADED ' + [...names].sort().join(',') + '\\n');
});`);
      return ['--require', file];
    };
    const plain = project({ 'migrations/V1__a.up.cypher': 'CREATE (:A);', 'migrations/V1__a.down.cypher': 'MATCH (a:A) DELETE a;' });
    const cypherOnly = await runCli(['validate', '--offline'], { cwd: plain, nodeArgs: preload(plain) });
    expect(cypherOnly.code).toBe(0);
    expect(cypherOnly.stderr).toContain('LOADED \n');

    // the same check sees it where it is needed: a TypeScript migration
    const mixed = project({
      'migrations/V1__a.up.cypher': '// ---\n// description: a\n// ---\nCREATE (:A);',
      'migrations/V1__a.down.cypher': 'MATCH (a:A) DELETE a;',
      'migrations/V2__b.ts': 'export async function up() {}\nexport async function down() {}\n',
    });
    const both = await runCli(['validate', '--offline'], { cwd: mixed, nodeArgs: preload(mixed) });
    expect(both.code).toBe(0);
    expect(both.stderr).toContain('LOADED jiti\n');
  });
});
