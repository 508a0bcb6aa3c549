import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/discovery/load.js';
import { writeFiles } from '../support/migrations.js';
import { parseMigrationFileName } from '../../src/core/filename.js';
import { sortLines } from '../../src/core/integrity.js';
import { planDown, planUp } from '../../src/core/plan.js';
import { currentVersion, reconcile } from '../../src/core/reconcile.js';
import type { AppliedMigration, LocalMigration } from '../../src/core/types.js';
import { validateHistory, validateLocal } from '../../src/core/validate.js';
import { appliedEntry } from '../support/history.js';

function versioned(version: string): LocalMigration {
  return {
    version,
    description: `m ${version}`,
    type: 'cypher',
    up: { kind: 'cypher', file: `V${version}__m.up.cypher`, text: 'CREATE (:X);', statements: [] },
    down: { kind: 'cypher', file: `V${version}__m.down.cypher`, text: 'MATCH (x:X) DELETE x;', statements: [] },
    checksum: `sum-${version}`,
    meta: { dependsOn: [], validate: [], transaction: 'auto', irreversible: false },
  };
}

function repeatable(name: string, checksum = `sum-${name}`, down = true): LocalMigration {
  return {
    version: `R__${name}`,
    description: name.replace(/_/g, ' '),
    type: 'cypher',
    up: { kind: 'cypher', file: `R__${name}.cypher`, text: 'MERGE (:V);', statements: [] },
    down: down ? { kind: 'cypher', file: `R__${name}.down.cypher`, text: 'MATCH (v:V) DELETE v;', statements: [] } : undefined,
    checksum,
    meta: { dependsOn: [], validate: [], transaction: 'auto', irreversible: false },
    repeatable: true,
  };
}

function entry(version: string, checksum = `sum-${version.replace(/^R__/, '')}`, over: Partial<AppliedMigration> = {}): AppliedMigration {
  return appliedEntry({ version, checksum, script: `${version}.cypher`, downScript: 'MATCH (v:V) DELETE v;', ...over });
}

const keys = (plan: { steps: { version: string }[] }) => plan.steps.map((s) => s.version);

describe('repeatable file names', () => {
  it.each([
    ['R__refresh_views.cypher', { version: 'R__refresh_views', description: 'refresh views', role: 'up', type: 'cypher' }],
    ['R__refresh_views.up.cypher', { version: 'R__refresh_views', role: 'up', style: 'paired' }],
    ['R__refresh_views.down.cypher', { version: 'R__refresh_views', role: 'down', style: 'paired' }],
    ['U__refresh_views.cypher', { version: 'R__refresh_views', role: 'down', style: 'flyway' }],
    ['R__seed.ts', { version: 'R__seed', role: 'module', type: 'typescript' }],
  ])('%s', (name, expected) => {
    expect(parseMigrationFileName(name)).toMatchObject({ ...expected, repeatable: true });
  });

  it('refuses a repeatable with no description, a U module and a U with .down', () => {
    expect(() => parseMigrationFileName('R__.cypher')).toThrow(/empty description/);
    expect(() => parseMigrationFileName('U__x.ts')).toThrow(/only Cypher files/);
    expect(() => parseMigrationFileName('U__x.down.cypher')).toThrow(/mixes the U prefix/);
  });

  it('leaves names that only start with R alone', () => {
    expect(parseMigrationFileName('README.md')).toBeNull();
    expect(parseMigrationFileName('Rollback.cypher')).toBeNull();
  });

  it('neomig.sum lists repeatables after every version, up before down', () => {
    const files = ['U__b.cypher', 'R__b.cypher', 'V2__x.cypher', 'R__a.cypher', 'V1__x.cypher'].map((file) => ({ file, checksum: '0' }));
    expect(sortLines(files).map((l) => l.file)).toEqual(['V1__x.cypher', 'V2__x.cypher', 'R__a.cypher', 'R__b.cypher', 'U__b.cypher']);
  });
});

describe('repeatable states', () => {
  it('is pending, applied or outdated, after the versions, and never the current version', () => {
    const states = reconcile(
      [versioned('1.0.0'), repeatable('b_views', 'new'), repeatable('a_seed'), repeatable('c_new')],
      [entry('1.0.0', 'sum-1.0.0'), entry('R__a_seed'), entry('R__b_views', 'old')],
    );
    expect(states.map((s) => [s.version, s.status, Boolean(s.repeatable)])).toEqual([
      ['1.0.0', 'applied', false],
      ['R__a_seed', 'applied', true],
      ['R__b_views', 'outdated', true],
      ['R__c_new', 'pending', true],
    ]);
    expect(currentVersion(states)).toBe('1.0.0');
    // changed is not drift: validate reports nothing
    expect(validateHistory(states)).toEqual([]);
  });

  it('a missing down is no issue for a repeatable', () => {
    expect(validateLocal([repeatable('a', 'x', false)])).toEqual([]);
  });
});

describe('planning repeatables', () => {
  const states = () =>
    reconcile(
      [versioned('1.0.0'), versioned('1.1.0'), repeatable('b', 'changed'), repeatable('a'), repeatable('c')],
      [entry('1.0.0', 'sum-1.0.0'), entry('R__b', 'old'), entry('R__c')],
    );

  it('runs new and changed repeatables after the versions, in description order', () => {
    const plan = planUp(states());
    expect(keys(plan)).toEqual(['1.1.0', 'R__a', 'R__b']);
    expect(plan.targetVersion).toBe('1.1.0');
  });

  it('--to a version still runs them; --to current runs nothing; --to next the first step', () => {
    expect(keys(planUp(states(), { to: '1.0.0' }))).toEqual(['R__a', 'R__b']);
    expect(keys(planUp(states(), { to: 'current' }))).toEqual([]);
    expect(keys(planUp(states(), { to: 'next' }))).toEqual(['1.1.0']);
  });

  it('down --all reverses repeatables first (reverse description order), skipping those with no down', () => {
    const s = reconcile(
      [versioned('1.0.0'), repeatable('a'), repeatable('b'), repeatable('c')],
      [entry('1.0.0', 'sum-1.0.0'), entry('R__a'), entry('R__b', 'old'), entry('R__c', 'sum-c', { downScript: null })],
    );
    expect(keys(planDown(s, { all: true }))).toEqual(['R__b', 'R__a', '1.0.0']);
    // --steps and --to leave them applied
    expect(keys(planDown(s, { steps: 1 }))).toEqual(['1.0.0']);
    expect(keys(planDown(s, { to: '1.0.0' }))).toEqual([]);
  });
});

describe('discovering repeatables', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-repeatable-'));
    dirs.push(dir);
    writeFiles(dir, files);
    return dir;
  };

  it('reads Cypher and module repeatables after the versions, in description order, with their downs', async () => {
    const dir = folder({
      'R__b_views.cypher': 'MERGE (:V);\n',
      'U__b_views.cypher': 'MATCH (v:V) DELETE v;\n',
      'R__a_seed.mjs': 'export async function up(ctx) { await ctx.run("MERGE (:S)"); }\n',
      'V1__init.cypher': 'CREATE (:I);\n',
      'U1__init.cypher': 'MATCH (i:I) DELETE i;\n',
    });
    const local = await loadMigrations(dir);
    expect(local.map((m) => [m.version, m.type, Boolean(m.repeatable), m.down?.file ?? null])).toEqual([
      ['1.0.0', 'cypher', false, 'U1__init.cypher'],
      ['R__a_seed', 'typescript', true, null],
      ['R__b_views', 'cypher', true, 'U__b_views.cypher'],
    ]);
  });

  it('refuses two files with one key, an orphan down, and dependsOn', async () => {
    await expect(loadMigrations(folder({ 'R__a.cypher': 'RETURN 1;', 'R__a.mjs': 'export function up() {}' }))).rejects.toThrow(
      /R__a\.cypher and R__a\.mjs both have the repeatable key R__a/,
    );
    await expect(loadMigrations(folder({ 'U__a.cypher': 'RETURN 1;' }))).rejects.toThrow(/no up script for the repeatable R__a/);
    await expect(loadMigrations(folder({ 'R__a.cypher': '// ---\n// dependsOn: ["1.0.0"]\n// ---\nRETURN 1;' }))).rejects.toThrow(
      /R__a\.cypher: a repeatable migration takes no dependsOn/,
    );
  });
});
