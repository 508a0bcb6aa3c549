/**
 * Callbacks through the real bin/neomig: every phase's scripts (Cypher and TS) run in the documented
 * order, each writing a marker node with a sequence number that the test reads back; afterMigrateError
 * runs on a failing run without masking its error; config.callbacks functions run after the files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { createMigrator } from '../../src/index.js';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { testConfig, writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];
useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A Cypher statement writing a marker with the next sequence number. */
const marker = (phase: string) => `MATCH (m:Marker) WITH count(m) AS n CREATE (:Marker {phase: '${phase}', seq: n});\n`;

const FILES: Record<string, string> = {
  'neomig.config.json': JSON.stringify({ cleanEnabled: true }),
  'migrations/V1.0.0__a.up.cypher': marker('up 1.0.0'),
  'migrations/V1.0.0__a.down.cypher': marker('down 1.0.0'),
  'migrations/V1.1.0__b.up.cypher': marker('up 1.1.0'),
  'migrations/V1.1.0__b.down.cypher': marker('down 1.1.0'),
  'migrations/callbacks/beforeMigrate.cypher': marker('beforeMigrate'),
  'migrations/callbacks/beforeMigrate__2_second.cypher': marker('beforeMigrate second'),
  'migrations/callbacks/beforeEachMigrate.ts': [
    'export default async function (ctx) {',
    "  await ctx.run(\"MATCH (m:Marker) WITH count(m) AS n CREATE (:Marker {phase: 'beforeEachMigrate ' + $v, seq: n})\", { v: ctx.version });",
    '}',
    '',
  ].join('\n'),
  'migrations/callbacks/afterEachMigrate.cypher': marker('afterEachMigrate'),
  'migrations/callbacks/afterMigrate.cypher': marker('afterMigrate'),
  'migrations/callbacks/afterMigrateError.cypher': marker('afterMigrateError'),
  'migrations/callbacks/beforeDown.cypher': marker('beforeDown'),
  'migrations/callbacks/afterDown.cypher': marker('afterDown'),
  'migrations/callbacks/beforeClean.cypher': marker('beforeClean'),
  'migrations/callbacks/afterClean.cypher': marker('afterClean'),
  'migrations/callbacks/beforeValidate.cypher': marker('beforeValidate'),
};

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-callbacks-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

const neomig = (args: string[], cwd: string): Promise<CliRun> => runCli(args, { cwd, env: connectionEnv() });

/** The markers written so far, in order; cleared for the next step of a test. */
async function markers(): Promise<string[]> {
  const r = await driver.executeQuery('MATCH (m:Marker) RETURN m.phase AS phase ORDER BY m.seq');
  await driver.executeQuery('MATCH (m:Marker) DELETE m');
  return r.records.map((x) => String(x.get('phase')));
}

const names = (run: CliRun) => run.json().callbacks.map((c: { phase: string; name: string }) => `${c.phase} ${c.name}`);

describe('callbacks', () => {
  it('run each phase in order: up, down, validate, a failing up, clean', async () => {
    const dir = project(FILES);

    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(0);
    expect(await markers()).toEqual([
      'beforeMigrate',
      'beforeMigrate second',
      'beforeEachMigrate 1.0.0',
      'up 1.0.0',
      'afterEachMigrate',
      'beforeEachMigrate 1.1.0',
      'up 1.1.0',
      'afterEachMigrate',
      'afterMigrate',
    ]);
    expect(names(up)).toEqual([
      'beforeMigrate callbacks/beforeMigrate.cypher',
      'beforeMigrate callbacks/beforeMigrate__2_second.cypher',
      'beforeEachMigrate callbacks/beforeEachMigrate.ts',
      'afterEachMigrate callbacks/afterEachMigrate.cypher',
      'beforeEachMigrate callbacks/beforeEachMigrate.ts',
      'afterEachMigrate callbacks/afterEachMigrate.cypher',
      'afterMigrate callbacks/afterMigrate.cypher',
    ]);
    expect(up.stderr).toContain('◆ beforeMigrate callbacks/beforeMigrate.cypher');
    // never recorded as migrations, never discovered as ones
    const status = await neomig(['status', '--json'], dir);
    expect(status.json().migrations.map((m: { version: string }) => m.version)).toEqual(['1.0.0', '1.1.0']);

    const down = await neomig(['down', '--json'], dir);
    expect(down.code).toBe(0);
    expect(await markers()).toEqual(['beforeDown', 'down 1.1.0', 'afterDown']);

    const validate = await neomig(['validate', '--json'], dir);
    expect(validate.code).toBe(0);
    expect(await markers()).toEqual(['beforeValidate']);
    expect(names(validate)).toEqual(['beforeValidate callbacks/beforeValidate.cypher']);

    // a failing run: 1.1.0 is applied, 1.2.0 fails, atomic reverses 1.1.0, then afterMigrateError; no afterMigrate
    writeFileSync(path.join(dir, 'migrations/V1.2.0__fails.up.cypher'), 'MATCH (m:Marker) WITH count(m) AS n RETURN 1 / (n - n);\n');
    writeFileSync(path.join(dir, 'migrations/V1.2.0__fails.down.cypher'), marker('down 1.2.0'));
    writeFileSync(path.join(dir, 'migrations/callbacks/afterMigrateError__2_broken.cypher'), 'RETURN 1 / 0;\n');
    const failing = await neomig(['up', '--json'], dir);
    expect(failing.code).toBe(1);
    expect(failing.json().error).toMatchObject({ code: 'MIGRATION_FAILED', version: '1.2.0' });
    expect(failing.stderr).toMatch(/warn afterMigrateError callback callbacks\/afterMigrateError__2_broken\.cypher failed/);
    expect(await markers()).toEqual([
      'beforeMigrate',
      'beforeMigrate second',
      'beforeEachMigrate 1.1.0',
      'up 1.1.0',
      'afterEachMigrate',
      'beforeEachMigrate 1.2.0',
      'down 1.1.0',
      'afterMigrateError',
    ]);

    const clean = await neomig(['clean', '--yes', '--json'], dir);
    expect(clean.code).toBe(0);
    expect(names(clean)).toEqual(['beforeClean callbacks/beforeClean.cypher', 'afterClean callbacks/afterClean.cypher']);
    // beforeClean's marker went with everything else; afterClean ran on the empty database
    expect(await markers()).toEqual(['afterClean']);
  });

  it('stops the run before any migration when a beforeMigrate callback fails (exit 1), then runs afterMigrateError', async () => {
    const dir = project({
      'migrations/V1.0.0__a.up.cypher': marker('up 1.0.0'),
      'migrations/V1.0.0__a.down.cypher': marker('down 1.0.0'),
      'migrations/callbacks/beforeMigrate.cypher': 'RETURN 1 / 0;\n',
      'migrations/callbacks/afterMigrateError.cypher': marker('afterMigrateError'),
    });
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(1);
    expect(up.json().error).toMatchObject({ code: 'MIGRATION_FAILED', file: 'callbacks/beforeMigrate.cypher', phase: 'beforeMigrate' });
    expect(await markers()).toEqual(['afterMigrateError']);
    expect(Number((await driver.executeQuery('MATCH (v:SchemaVersion) RETURN count(v)')).records[0]!.get(0))).toBe(0);
  });

  it('refuses a file in callbacks/ that is not named for a phase (exit 2)', async () => {
    const dir = project({ 'migrations/V1.0.0__a.up.cypher': 'RETURN 1;\n', 'migrations/callbacks/beforeMigration.cypher': 'RETURN 1;\n' });
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(2);
    expect(up.json().error).toMatchObject({ code: 'MIGRATION_FILE', file: 'callbacks/beforeMigration.cypher' });
  });

  it('runs config.callbacks functions after the files, with the plan and the result', async () => {
    const dir = project({
      'migrations/V1.0.0__a.up.cypher': marker('up 1.0.0'),
      'migrations/V1.0.0__a.down.cypher': marker('down 1.0.0'),
      'migrations/callbacks/afterMigrate.cypher': marker('afterMigrate file'),
    });
    const seen: string[] = [];
    const migrator = createMigrator({
      ...testConfig(path.join(dir, 'migrations')),
      callbacks: {
        beforeMigrate: async (ctx) => {
          seen.push(`plan ${ctx.plan?.steps.map((s) => s.version).join(',')}`);
          await ctx.run(marker('beforeMigrate fn'));
        },
        afterMigrate: [
          async (ctx) => {
            seen.push(`applied ${(ctx.result as { applied: { version: string }[] }).applied.map((s) => s.version).join(',')}`);
            await ctx.run(marker('afterMigrate fn'));
          },
        ],
      },
    });
    try {
      const result = await migrator.up();
      expect(result.callbacks?.map((c) => c.name)).toEqual(['config.callbacks.beforeMigrate[0]', 'callbacks/afterMigrate.cypher', 'config.callbacks.afterMigrate[0]']);
    } finally {
      await migrator.close();
    }
    expect(seen).toEqual(['plan 1.0.0', 'applied 1.0.0']);
    expect(await markers()).toEqual(['beforeMigrate fn', 'up 1.0.0', 'afterMigrate file', 'afterMigrate fn']);
  });
});
