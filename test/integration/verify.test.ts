/**
 * `neomig verify` through the real bin/neomig: on a throwaway second server (--target-uri) and on the
 * main test database when its config says `disposable: true`. Each migration goes up, down, is compared
 * with the graph before it, and goes up again; a down that leaves something behind fails with exit 3.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliRun, ROOT, ensureBuilt, runCli } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, openDriver, resetDatabase, useCleanDatabase } from '../support/neo4j.js';
import { useSecondServer } from '../support/second-server.js';

let driver: Driver;
const dirs: string[] = [];
useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const second = useSecondServer();
let target: Driver | undefined;
beforeEach(async () => {
  target ??= openDriver(second());
  await resetDatabase(target);
});
afterAll(async () => {
  await target?.close();
});

function project(files: Record<string, string> = {}, examples = false): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-verify-it-'));
  dirs.push(dir);
  if (examples) cpSync(path.join(ROOT, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { cwd, env: { ...connectionEnv(), ...env }, timeoutMs: SLOW });
}

async function versions(d: Driver): Promise<string[]> {
  const r = await d.executeQuery("MATCH (v:SchemaVersion) WHERE v.status = 'applied' RETURN v.version AS v ORDER BY v");
  return r.records.map((x) => String(x.get('v')));
}

/** Each example migration goes up, down and up again, after server-side re-planning for every index:
 *  minutes on a loaded machine. */
const SLOW = 240_000;

const FORGETFUL = {
  'migrations/V1.0.0__things.up.cypher': 'CREATE (:Thing {x: 1});\n',
  'migrations/V1.0.0__things.down.cypher': 'MATCH (t:Thing) DELETE t;\n',
  // the down deletes the nodes but forgets the index
  'migrations/V1.1.0__thing_index.up.cypher': 'CREATE INDEX thing_x IF NOT EXISTS FOR (t:Thing) ON (t.x);\nCREATE (:Thing {x: 2});\n',
  'migrations/V1.1.0__thing_index.down.cypher': "MATCH (t:Thing {x: 2}) DELETE t;\n",
};

describe('neomig verify --target-uri', () => {
  it('passes the example migrations on a throwaway server and leaves the configured database alone', async () => {
    const dir = project({}, true);
    const run = await neomig(['verify', '--target-uri', second().uri, '--json'], dir);
    expect(run.code, run.stderr).toBe(0);
    const doc = run.json();
    expect(doc).toMatchObject({ ok: true, command: 'verify', reversible: true, target: { uri: second().uri } });
    expect(doc.migrations.map((m: { version: string; outcome: string }) => [m.version, m.outcome])).toEqual([
      ['1.0.0', 'reversible'],
      ['1.1.0', 'reversible'],
      ['2.0.0', 'reversible'],
    ]);
    expect(doc.migrations[0].upChanges.labels).toEqual({ Author: 2, Book: 3, Member: 1 });
    expect(await versions(target!)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
    expect(await versions(driver)).toEqual([]);
  }, SLOW);

  it('prints one line per migration', async () => {
    const dir = project({}, true);
    const human = await neomig(['verify', '--target-uri', second().uri], dir);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^1\.0\.0 +library schema.* reversible/m);
    expect(human.stdout).toMatch(/^2\.0\.0 +model loans.* reversible/m);
    expect(human.stdout).toContain('3 migrations verified');
  }, SLOW);

  it('flags a down that forgets to drop its index, naming it, with exit 3', async () => {
    const dir = project(FORGETFUL);
    const run = await neomig(['verify', '--target-uri', second().uri], dir);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/^1\.0\.0 +things +reversible/m);
    expect(run.stdout).toMatch(/^1\.1\.0 +thing index +LEAVES CHANGES/m);
    expect(run.stdout).toContain('index thing_x (RANGE :Thing(x)) not dropped');

    await resetDatabase(target!);
    const json = await neomig(['verify', '1.1.0', '--target-uri', second().uri, '--json'], dir);
    expect(json.code).toBe(3);
    const doc = json.json();
    expect(doc).toMatchObject({ ok: true, reversible: false, prepared: ['1.0.0'] });
    expect(doc.migrations).toHaveLength(1);
    expect(doc.migrations[0]).toMatchObject({ version: '1.1.0', outcome: 'leaves_changes' });
    expect(doc.migrations[0].leftBehind.labels).toEqual({});
    expect(doc.migrations[0].leftBehind.schemaAdded.map((i: { name: string }) => i.name)).toEqual(['thing_x']);
  }, SLOW);

  it('refuses without --target-uri when the database is not disposable, and refuses the configured server as target', async () => {
    const dir = project(FORGETFUL);
    const bare = await neomig(['verify'], dir);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('not marked disposable');
    expect(bare.stderr).toContain('--target-uri');
    const self = await neomig(['verify', '--target-uri', connectionEnv().NEO4J_URI!], dir);
    expect(self.code).toBe(2);
    expect(await versions(driver)).toEqual([]);
  });
});

describe('neomig verify on a disposable database', () => {
  it('runs on the configured database when the config marks it disposable', async () => {
    const dir = project({ ...FORGETFUL, 'neomig.config.yaml': 'environments:\n  scratch:\n    disposable: true\n' });
    expect((await neomig(['verify'], dir)).code).toBe(2);
    const run = await neomig(['verify', '--env', 'scratch', '--json'], dir);
    expect(run.code).toBe(3);
    expect(run.json().migrations.map((m: { outcome: string }) => m.outcome)).toEqual(['reversible', 'leaves_changes']);
    expect(await versions(driver)).toEqual(['1.0.0', '1.1.0']);
  }, SLOW);
});
