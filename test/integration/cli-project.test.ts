/**
 * Finding the project, through the real bin/neomig against the real Neo4j: run from a sub-folder, the
 * config is found in a folder above (up to the repository root) and says so; a `.env` next to it
 * supplies the connection, variables already set win, and its password is never printed.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFiles } from '../support/migrations.js';
import { ensureBuilt, runCli } from '../support/cli.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

const dirs: string[] = [];
useCleanDatabase(() => {}, ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A repository (it has .git) with a config at its root and a sub-folder src/api. */
function repository(files: Record<string, string>): { root: string; sub: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'neomig-project-it-'));
  dirs.push(root);
  mkdirSync(path.join(root, '.git'));
  writeFiles(root, files);
  const sub = path.join(root, 'src', 'api');
  mkdirSync(sub, { recursive: true });
  return { root, sub };
}

describe('the project of a sub-folder', () => {
  it('create, up and status from src/api use the root config and its migrations folder', async () => {
    const { root, sub } = repository({ 'neomig.config.yaml': 'migrations: db/migrations\n' });
    const created = await runCli(['create', 'add people'], { cwd: sub, env: connectionEnv() });
    expect(created.code).toBe(0);
    expect(created.stderr).toBe(`Using ${path.join('..', '..', 'neomig.config.yaml')}\n`);
    expect(created.stdout).toContain(path.join('..', '..', 'db', 'migrations', 'V1.0.0__add_people.up.cypher'));
    expect(readdirSync(path.join(root, 'db', 'migrations')).sort()).toEqual(['V1.0.0__add_people.down.cypher', 'V1.0.0__add_people.up.cypher', 'neomig.sum']);
    expect(readdirSync(sub)).toEqual([]);

    writeFiles(root, {
      'db/migrations/V1.0.0__add_people.up.cypher': 'CREATE (:Person {name: "Ada"});\n',
      'db/migrations/V1.0.0__add_people.down.cypher': 'MATCH (p:Person) DELETE p;\n',
    });
    // the templates were edited: neomig.sum (written by create in a new folder) is brought up to date
    expect((await runCli(['hash'], { cwd: sub, env: connectionEnv() })).code).toBe(0);
    const up = await runCli(['up', '--json'], { cwd: sub, env: connectionEnv() });
    expect(up.code).toBe(0);
    expect(up.json()).toMatchObject({ ok: true, command: 'up', config: path.join(root, 'neomig.config.yaml'), to: '1.0.0' });
  });

  it('a .env next to the config supplies NEO4J_PASSWORD for status; variables already set win; the password is never printed', async () => {
    const { NEO4J_PASSWORD: password, ...withoutPassword } = connectionEnv();
    const { root, sub } = repository({
      'neomig.config.json': '{}',
      '.env': `# local settings\nNEO4J_PASSWORD="${password}"\nNEO4J_DATABASE=neo4j\nNEO4J_USERNAME=not-the-user\n`,
      'migrations/V1.0.0__a.up.cypher': 'CREATE (:A);\n',
      'migrations/V1.0.0__a.down.cypher': 'MATCH (a:A) DELETE a;\n',
    });
    const status = await runCli(['status'], { cwd: sub, env: withoutPassword });
    expect(status.code).toBe(0);
    expect(status.stderr.split('\n')[0]).toBe(`Using ${path.join('..', '..', 'neomig.config.json')} and ${path.join('..', '..', '.env')}`);
    expect(status.stdout).toMatch(/1\.0\.0 +a .*pending/);
    const json = await runCli(['status', '--json'], { cwd: sub, env: withoutPassword });
    expect(json.json()).toMatchObject({ ok: true, config: path.join(root, 'neomig.config.json'), envFile: path.join(root, '.env') });
    for (const r of [status, json]) expect(r.stdout + r.stderr).not.toContain(password);

    // without the .env the same run cannot authenticate
    rmSync(path.join(root, '.env'));
    const bare = await runCli(['status'], { cwd: sub, env: withoutPassword });
    expect(bare.code).toBe(5);
  });
});
