/**
 * `neomig create --refactor` through the real bin/neomig, offline: the dry run writes nothing, --json
 * carries the plan, the files are written (no down for the irreversible merge), and bad options are
 * usage errors (exit 2) naming what to give.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, runCli } from '../support/cli.js';

const dirs: string[] = [];
vi.setConfig({ testTimeout: 30_000 });
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-cli-refactor-'));
  dirs.push(dir);
  return dir;
}

describe('neomig create --refactor (offline)', () => {
  it('--dry-run prints both files and writes nothing; then the pair is written with the plan in --json', async () => {
    const dir = project();
    const args = ['create', 'person to human', '--refactor', 'rename-label', '--from', 'Person', '--to', 'Human'];
    const dry = await runCli([...args, '--dry-run'], { cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run: would create migration 1.0.0 (person to human):');
    expect(dry.stdout).toContain('migrations/V1.0.0__person_to_human.down.cypher');
    expect(dry.stdout).toContain('CALL (n) { SET n:`Human` REMOVE n:`Person` } IN TRANSACTIONS OF 1000 ROWS;');
    expect(existsSync(path.join(dir, 'migrations'))).toBe(false);

    const r = await runCli([...args, '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const json = r.json();
    expect(json['refactor']).toMatchObject({ kind: 'rename-label', title: 'rename label :Person to :Human', down: [expect.any(String)] });
    expect(readdirSync(path.join(dir, 'migrations')).sort()).toEqual([
      'V1.0.0__person_to_human.down.cypher', 'V1.0.0__person_to_human.up.cypher', 'neomig.sum',
    ]);
    const validate = await runCli(['validate', '--offline'], { cwd: dir });
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
  });

  it('merge-nodes writes only the up, marked irreversible, which validate accepts', async () => {
    const dir = project();
    const r = await runCli(['create', 'dedupe', '--refactor', 'merge-nodes', '--label', 'Person', '--key', 'email'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'migrations')).sort()).toEqual(['V1.0.0__dedupe.up.cypher', 'neomig.sum']);
    expect((await runCli(['validate', '--offline'], { cwd: dir })).code).toBe(0);
  });

  it('a missing or bad option is a usage error (exit 2) that says what to give', async () => {
    const dir = project();
    const missing = await runCli(['create', 'x', '--refactor', 'rename-label', '--from', 'A'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--to must be a non-empty name');
    const kind = await runCli(['create', 'x', '--refactor', 'rename-everything'], { cwd: dir });
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('rename-label');
    const expr = await runCli(['create', 'x', '--refactor', 'transform-property', '--label', 'A', '--property', 'p', '--expression', '1); MATCH (m'], { cwd: dir });
    expect(expr.code).toBe(2);
    expect(expr.stderr).toContain('not one expression');
    expect(existsSync(path.join(dir, 'migrations'))).toBe(false);
  });

  it('--help lists an example for each kind', async () => {
    const r = await runCli(['create', '--help'], { cwd: project() });
    for (const kind of ['rename-label', 'rename-type', 'rename-property', 'retype-relationship', 'add-property', 'transform-property',
      'normalize-boolean', 'merge-nodes']) {
      expect(r.stdout).toContain(`--refactor ${kind}`);
    }
  });
});
