/**
 * Repeatable `R__` migrations through the real bin/neomig against the real Neo4j: applied after the
 * versioned ones, not again while unchanged, once again after an edit (status applied -> outdated ->
 * applied), an audit event per run, dry runs, validate, neomig.sum, and `down --all`. Also the flags
 * `--out-of-order` and `--target` of up and down.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-repeatable-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string): Promise<CliRun> {
  return runCli(args, { cwd, env: connectionEnv() });
}

/** Rows with Neo4j integers as numbers. */
async function rows(cypher: string): Promise<Record<string, unknown>[]> {
  const plain = (v: unknown) => (neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : v);
  const { records } = await driver.executeQuery(cypher);
  return records.map((r) => Object.fromEntries(Object.entries(r.toObject()).map(([k, v]) => [k, plain(v)])));
}

const FILES = {
  'migrations/V1.0.0__people.up.cypher': "CREATE (:Person {name: 'Ada'});\nCREATE (:Person {name: 'Alan'});\n",
  'migrations/V1.0.0__people.down.cypher': 'MATCH (p:Person) DELETE p;\n',
  'migrations/V1.1.0__more.up.cypher': "CREATE (:Person {name: 'Grace'});\n",
  'migrations/V1.1.0__more.down.cypher': "MATCH (p:Person {name: 'Grace'}) DELETE p;\n",
  // counts what the versions created: it can only say 3 if it runs after both of them
  'migrations/R__people_count.cypher': "MATCH (p:Person) WITH count(p) AS n MERGE (s:Stats {id: 'people'}) SET s.count = n, s.runs = coalesce(s.runs, 0) + 1;\n",
  'migrations/R__people_count.down.cypher': "MATCH (s:Stats {id: 'people'}) DELETE s;\n",
  'migrations/R__a_first.cypher': "MERGE (o:Order {id: 1}) SET o.seen = coalesce(o.seen, []) + 'a';\n",
};

async function stats(): Promise<{ count: number; runs: number } | undefined> {
  const [row] = await rows("MATCH (s:Stats {id: 'people'}) RETURN s.count AS count, s.runs AS runs");
  return row as { count: number; runs: number } | undefined;
}

const repeatableStates = (run: CliRun) =>
  Object.fromEntries(
    (run.json().migrations as { version: string; kind: string; status: string }[])
      .filter((m) => m.kind === 'repeatable')
      .map((m) => [m.version, m.status]),
  );

describe('repeatable migrations', () => {
  it('run after the versions, not again while unchanged, once again after an edit; status shows applied/outdated', async () => {
    const dir = project(FILES);

    const dry = await neomig(['up', '--dry-run', '--json'], dir);
    expect(dry.code).toBe(0);
    expect(dry.json().plan.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '1.1.0', 'R__a_first', 'R__people_count']);

    const pending = await neomig(['status', '--json'], dir);
    expect(repeatableStates(pending)).toEqual({ R__a_first: 'pending', R__people_count: 'pending' });

    const first = await neomig(['up', '--json'], dir);
    expect(first.code).toBe(0);
    expect(first.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '1.1.0', 'R__a_first', 'R__people_count']);
    // the current version stays a version
    expect(first.json().to).toBe('1.1.0');
    expect(await stats()).toEqual({ count: 3, runs: 1 });
    expect(repeatableStates(await neomig(['status', '--json'], dir))).toEqual({ R__a_first: 'applied', R__people_count: 'applied' });

    // unchanged: nothing to do
    const again = await neomig(['up', '--json'], dir);
    expect(again.code).toBe(0);
    expect(again.json().applied).toEqual([]);
    expect(await stats()).toEqual({ count: 3, runs: 1 });

    // an edit (not whitespace) makes it outdated; validate does not call that drift
    writeFileSync(path.join(dir, 'migrations/R__people_count.cypher'), FILES['migrations/R__people_count.cypher'].replace('s.count = n', 's.count = n, s.edited = true'));
    const outdated = await neomig(['status', '--json'], dir);
    expect(repeatableStates(outdated)).toEqual({ R__a_first: 'applied', R__people_count: 'outdated' });
    const human = await neomig(['status'], dir);
    expect(human.stdout).toMatch(/R__people_count\s+people count\s+outdated\s.*file changed/);
    expect(human.stdout).toContain('3 applied, 1 outdated');
    const validate = await neomig(['validate', '--json'], dir);
    expect(validate.code).toBe(0);
    expect(validate.json().issues).toEqual([]);

    const rerun = await neomig(['up', '--json'], dir);
    expect(rerun.code).toBe(0);
    expect(rerun.json().applied.map((s: { version: string }) => s.version)).toEqual(['R__people_count']);
    expect(await stats()).toEqual({ count: 3, runs: 2 });
    expect(repeatableStates(await neomig(['status', '--json'], dir))).toEqual({ R__a_first: 'applied', R__people_count: 'applied' });
    expect((await neomig(['up', '--json'], dir)).json().applied).toEqual([]);

    // one history entry per repeatable, its checksum the file's; one audit event per run
    const [entry] = await rows("MATCH (v:SchemaVersion {version: 'R__people_count'}) RETURN v.checksum AS checksum, v.status AS status, v.script AS script");
    const local = outdated.json().migrations.find((m: { version: string }) => m.version === 'R__people_count');
    expect(entry).toEqual({ checksum: local.checksum, status: 'applied', script: 'R__people_count.cypher' });
    const events = await rows(
      "MATCH (:SchemaVersion {version: 'R__people_count'})-[:HAS_EVENT]->(e:SchemaVersionEvent) RETURN e.action AS action ORDER BY e.at",
    );
    expect(events.map((e) => e.action)).toEqual(['up', 'up']);
  });

  it('down --all runs their downs first, then the versions; a repeatable with no down stays applied', async () => {
    const dir = project(FILES);
    expect((await neomig(['up'], dir)).code).toBe(0);

    const dry = await neomig(['down', '--all', '--dry-run', '--json'], dir);
    expect(dry.code).toBe(0);
    expect(dry.json().plan.map((s: { version: string }) => s.version)).toEqual(['R__people_count', '1.1.0', '1.0.0']);
    // --steps leaves repeatables alone
    const steps = await neomig(['down', '--steps', '1', '--dry-run', '--json'], dir);
    expect(steps.json().plan.map((s: { version: string }) => s.version)).toEqual(['1.1.0']);

    const down = await neomig(['down', '--all', '--json'], dir);
    expect(down.code).toBe(0);
    expect(await stats()).toBeUndefined();
    expect(await rows('MATCH (p:Person) RETURN p')).toEqual([]);
    const status = await neomig(['status', '--json'], dir);
    expect(repeatableStates(status)).toEqual({ R__a_first: 'applied', R__people_count: 'pending' });
    expect(status.json().current).toBeNull();

    // the next up applies the versions and the reversed repeatable again, not the unchanged one
    const up = await neomig(['up', '--json'], dir);
    expect(up.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '1.1.0', 'R__people_count']);
  });

  it('neomig.sum lists R__ files; an edit without `neomig hash` stops up (exit 3)', async () => {
    const dir = project(FILES);
    const hash = await neomig(['hash'], dir);
    expect(hash.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const sum = readFileSync(path.join(dir, 'migrations/neomig.sum'), 'utf8');
    expect(sum.split('\n').slice(-4, -1).map((l) => l.split(' ')[0])).toEqual(['R__a_first.cypher', 'R__people_count.cypher', 'R__people_count.down.cypher']);
    expect((await neomig(['up'], dir)).code).toBe(0);

    writeFileSync(path.join(dir, 'migrations/R__a_first.cypher'), "MERGE (o:Order {id: 2});\n");
    const refused = await neomig(['up', '--json'], dir);
    expect(refused.code).toBe(3);
    expect(refused.json().error.message).toContain('R__a_first.cypher differs from its line in neomig.sum');
    expect((await neomig(['hash'], dir)).code).toBe(0);
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(0);
    expect(up.json().applied.map((s: { version: string }) => s.version)).toEqual(['R__a_first']);
  });
});

describe('--out-of-order and --target', () => {
  const VERSIONS = {
    'migrations/V1.0.0__a.up.cypher': 'CREATE (:A);\n',
    'migrations/V1.0.0__a.down.cypher': 'MATCH (a:A) DELETE a;\n',
    'migrations/V2.0.0__c.up.cypher': 'CREATE (:C);\n',
    'migrations/V2.0.0__c.down.cypher': 'MATCH (c:C) DELETE c;\n',
  };

  it('up --out-of-order applies a lower version merged late; without it up refuses (exit 3)', async () => {
    const dir = project(VERSIONS);
    expect((await neomig(['up'], dir)).code).toBe(0);
    writeFiles(dir, { 'migrations/V1.5.0__b.up.cypher': 'CREATE (:B);\n', 'migrations/V1.5.0__b.down.cypher': 'MATCH (b:B) DELETE b;\n' });

    const refused = await neomig(['up', '--json'], dir);
    expect(refused.code).toBe(3);
    expect(refused.json().error.message).toContain('1.5.0 is pending but a higher version is already applied');

    const dry = await neomig(['up', '--out-of-order', '--dry-run', '--json'], dir);
    expect(dry.code).toBe(0);
    expect(dry.json().plan.map((s: { version: string }) => s.version)).toEqual(['1.5.0']);
    const up = await neomig(['up', '--out-of-order', '--json'], dir);
    expect(up.code).toBe(0);
    expect(up.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.5.0']);
    expect(await rows('MATCH (b:B) RETURN count(b) AS n')).toEqual([{ n: 1 }]);
  });

  it('--target is --to on up and down, and the two together are a usage error', async () => {
    const dir = project(VERSIONS);
    const up = await neomig(['up', '--target', '1.0.0', '--json'], dir);
    expect(up.code).toBe(0);
    expect(up.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0']);
    expect((await neomig(['up', '--json'], dir)).json().applied.map((s: { version: string }) => s.version)).toEqual(['2.0.0']);

    const down = await neomig(['down', '--target', '1.0.0', '--json'], dir);
    expect(down.code).toBe(0);
    expect(down.json().applied.map((s: { version: string }) => s.version)).toEqual(['2.0.0']);
    expect(down.json().to).toBe('1.0.0');

    const both = await neomig(['up', '--to', '1.0.0', '--target', '2.0.0'], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--target.*cannot be used with.*--to/);
  });
});
