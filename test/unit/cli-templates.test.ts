/**
 * `neomig create --template`, `--repeatable` and the config's `templates` folder, through the real
 * bin/neomig (no database needed).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeFiles } from '../support/migrations.js';
import { ensureBuilt, runCli } from '../support/cli.js';

const dirs: string[] = [];
vi.setConfig({ testTimeout: 30_000 });
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-templates-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, 'migrations', file), 'utf8');

const TEAM = {
  'tpl/team.up.cypher': '// {{version}} {{description}} ({{slug}}) by {{user}} on {{date}}; down in {{downFile}}; {{unknown}}\nCREATE (:Team);\n',
  'tpl/team.down.cypher': '// undoes {{upFile}}\nMATCH (t:Team) DELETE t;\n',
  'tpl/batch.ts': "export default { async up(ctx) { /* {{version}} */ await ctx.run('RETURN 1'); } };\n",
  'tpl/migration.down.cypher': '// team default down for {{upFile}}\n',
};

describe('create --template', () => {
  it('fills a template file given by path, its .down.cypher sibling as the down', async () => {
    const dir = project(TEAM);
    const r = await runCli(['create', 'add team', '--template', 'tpl/team.up.cypher', '--json'], { cwd: dir, env: { NEOMIG_INSTALLED_BY: 'ci@build' } });
    expect(r.code).toBe(0);
    expect(r.json().version).toBe('1.0.0');
    const up = read(dir, 'V1.0.0__add_team.up.cypher');
    expect(up).toMatch(/^\/\/ 1\.0\.0 add team \(add_team\) by ci@build on \d{4}-\d\d-\d\d; down in V1\.0\.0__add_team\.down\.cypher; \{\{unknown\}\}\n/);
    expect(read(dir, 'V1.0.0__add_team.down.cypher')).toBe('// undoes V1.0.0__add_team.up.cypher\nMATCH (t:Team) DELETE t;\n');
    expect((await runCli(['validate', '--offline'], { cwd: dir })).code).toBe(0);
  });

  it('looks a name up in the config\'s templates folder, whose migration.* templates replace the built-in ones', async () => {
    const dir = project({ ...TEAM, 'neomig.config.json': '{ "templates": "tpl" }' });
    const named = await runCli(['create', 'backfill', '--template', 'batch', '--json'], { cwd: dir });
    expect(named.code).toBe(0);
    expect(named.json().files.map((f: string) => path.basename(f))).toEqual(['V1.0.0__backfill.ts']);
    expect(read(dir, 'V1.0.0__backfill.ts')).toContain('/* 1.0.0 */');
    // no --template: the folder's migration.down.cypher, the built-in up (the folder has none)
    const plain = await runCli(['create', 'plain'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(read(dir, 'V1.1.0__plain.down.cypher')).toBe('// team default down for V1.1.0__plain.up.cypher\n');
    expect(read(dir, 'V1.1.0__plain.up.cypher')).toContain('// 1.1.0 plain (up)');
  });

  it('names what it looked for when the template is missing (exit 2) and lists the variables in --help', async () => {
    const dir = project({ 'neomig.config.json': '{ "templates": "tpl" }' });
    const r = await runCli(['create', 'x', '--template', 'nope'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--template nope: no such template');
    expect(r.stderr).toContain(path.join(dir, 'tpl', 'nope.up.cypher'));
    expect(readdirSync(dir)).not.toContain('migrations');
    const help = await runCli(['create', '--help'], { cwd: dir });
    expect(help.stdout).toContain('Template variables ({{name}}): version, description, slug, upFile, downFile, date, user');
  });

  it('--repeatable writes an R__ pair that validates, and refuses a second one of the same name', async () => {
    const dir = project();
    const r = await runCli(['create', 'refresh views', '--repeatable', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.json().files.map((f: string) => path.basename(f))).toEqual(['R__refresh_views.cypher', 'R__refresh_views.down.cypher']);
    const again = await runCli(['create', 'refresh views', '--repeatable'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('The repeatable R__refresh_views already exists');
    // a versioned migration after it still starts at 1.0.0
    expect((await runCli(['create', 'init', '--json'], { cwd: dir })).json().version).toBe('1.0.0');
  });
});
