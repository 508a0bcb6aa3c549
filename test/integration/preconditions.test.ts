/**
 * Preconditions through the real bin/neomig: an `assume` that does not hold skips the migration
 * (recorded `skipped`) until a later run finds it true; a `requires` that does not hold stops the run
 * before anything runs (exit 3); neo4j-migrations' `// assume|assert` comment lines work unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, testServer, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];
useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-precond-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

const neomig = (args: string[], cwd: string): Promise<CliRun> => runCli(args, { cwd, env: connectionEnv() });

async function count(cypher: string): Promise<number> {
  return Number((await driver.executeQuery(cypher)).records[0]?.get(0));
}

async function statuses(dir: string): Promise<Record<string, string>> {
  const run = await neomig(['status', '--json'], dir);
  return Object.fromEntries(run.json().migrations.map((m: { version: string; status: string }) => [m.version, m.status]));
}

describe('assume', () => {
  const FILES = {
    'migrations/V1.0.0__books.up.cypher': 'CREATE (:Book {title: "Dune"});\n',
    'migrations/V1.0.0__books.down.cypher': 'MATCH (b:Book) DELETE b;\n',
    'migrations/V1.1.0__feature.up.cypher': [
      '// ---',
      '// assume:',
      '//   query: "MATCH (f:Feature {on: true}) RETURN count(f) > 0"',
      '// ---',
      'CREATE (:FeatureData);',
      '',
    ].join('\n'),
    'migrations/V1.1.0__feature.down.cypher': 'MATCH (d:FeatureData) DELETE d;\n',
    'migrations/V1.2.0__authors.up.cypher': 'CREATE (:Author);\n',
    'migrations/V1.2.0__authors.down.cypher': 'MATCH (a:Author) DELETE a;\n',
  };

  it('skips a migration whose assumption is false, records it skipped, and applies it once it holds', async () => {
    const dir = project(FILES);

    const dry = await neomig(['up', '--dry-run', '--json'], dir);
    expect(dry.code).toBe(0);
    expect(dry.json().plan.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '1.2.0']);
    expect(dry.json().skipped).toEqual([
      { version: '1.1.0', description: 'feature', file: 'V1.1.0__feature.up.cypher', reasons: ['assumes query `MATCH (f:Feature {on: true}) RETURN count(f) > 0` to return true (it returned false)'] },
    ]);
    expect(await count('MATCH (n) RETURN count(n)')).toBe(0);

    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(0);
    const doc = up.json();
    expect(doc.applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '1.2.0']);
    expect(doc.skipped.map((s: { version: string }) => s.version)).toEqual(['1.1.0']);
    expect(doc.pending).toEqual([]);
    expect(up.stderr).toContain('↷ 1.1.0 feature V1.1.0__feature.up.cypher skipped: assumes query');
    expect(await count('MATCH (d:FeatureData) RETURN count(d)')).toBe(0);
    expect(await statuses(dir)).toEqual({ '1.0.0': 'applied', '1.1.0': 'skipped', '1.2.0': 'applied' });

    const status = await neomig(['status', '--wide'], dir);
    expect(status.stdout).toMatch(/1\.1\.0\s+feature\s+cypher\s+skipped/);
    expect(status.stdout).toContain('skipped: assumes query');
    expect((await neomig(['status', '--json'], dir)).json().migrations[1]).toMatchObject({ status: 'skipped', appliedStatus: 'skipped' });

    // evaluated again: still false, still skipped, and no second audit event for the same reason
    const again = await neomig(['up', '--json'], dir);
    expect(again.json()).toMatchObject({ applied: [], skipped: [{ version: '1.1.0' }] });
    expect(await count("MATCH (e:SchemaVersionEvent {version: '1.1.0', action: 'skipped'}) RETURN count(e)")).toBe(1);

    await driver.executeQuery('CREATE (:Feature {on: true})');
    const later = await neomig(['up', '--json'], dir);
    expect(later.code).toBe(0);
    expect(later.json()).toMatchObject({ applied: [{ version: '1.1.0' }], skipped: [] });
    expect(await count('MATCH (d:FeatureData) RETURN count(d)')).toBe(1);
    expect(await statuses(dir)).toEqual({ '1.0.0': 'applied', '1.1.0': 'applied', '1.2.0': 'applied' });
  });

  it('skips from a TS migration too, and a migration that depends on a skipped one', async () => {
    const dir = project({
      'migrations/V1.0.0__ts.ts': [
        'export default {',
        "  assume: { query: 'RETURN false' },",
        "  async up(ctx) { await ctx.run('CREATE (:TsData)'); },",
        "  async down(ctx) { await ctx.run('MATCH (n:TsData) DELETE n'); },",
        '};',
        '',
      ].join('\n'),
      'migrations/V1.1.0__dependent.up.cypher': '// ---\n// dependsOn: ["1.0.0"]\n// ---\nCREATE (:Dependent);\n',
      'migrations/V1.1.0__dependent.down.cypher': 'MATCH (n:Dependent) DELETE n;\n',
    });
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(0);
    expect(up.json().skipped.map((s: { version: string; reasons: string[] }) => [s.version, s.reasons])).toEqual([
      ['1.0.0', ['assumes query `RETURN false` to return true (it returned false)']],
      ['1.1.0', ['depends on 1.0.0, which is skipped']],
    ]);
    expect(await count('MATCH (n) WHERE n:TsData OR n:Dependent RETURN count(n)')).toBe(0);
  });
});

describe('requires.query', () => {
  it('stops the run before anything runs when false (exit 3); graph and history untouched', async () => {
    const dir = project({
      'migrations/V1.0.0__books.up.cypher': 'CREATE (:Book);\n',
      'migrations/V1.0.0__books.down.cypher': 'MATCH (b:Book) DELETE b;\n',
      'migrations/V1.1.0__cleanup.up.cypher': '// ---\n// requires:\n//   query: "MATCH (b:Blocker) RETURN count(b) = 0"\n// ---\nCREATE (:Cleaned);\n',
      'migrations/V1.1.0__cleanup.down.cypher': 'MATCH (c:Cleaned) DELETE c;\n',
    });
    await driver.executeQuery('CREATE (:Blocker)');
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(3);
    expect(up.json().error).toMatchObject({ code: 'VALIDATION', version: '1.1.0', file: 'V1.1.0__cleanup.up.cypher' });
    expect(up.json().error.message).toContain('1.1.0 requires query `MATCH (b:Blocker) RETURN count(b) = 0` to return true (it returned false)');
    expect(await count('MATCH (n) WHERE NOT n:Blocker RETURN count(n)')).toBe(0);

    const validate = await neomig(['validate', '--json'], dir);
    expect(validate.code).toBe(3);
    expect(validate.json().issues).toMatchObject([{ kind: 'precondition', version: '1.1.0' }]);
  });

  it('refuses a query that writes: it runs in a read transaction', async () => {
    const dir = project({
      'migrations/V1.0.0__x.up.cypher': '// ---\n// assume:\n//   query: "CREATE (:Oops) RETURN true"\n// ---\nCREATE (:X);\n',
      'migrations/V1.0.0__x.down.cypher': 'MATCH (x:X) DELETE x;\n',
    });
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(3);
    expect(up.json().error.message).toContain('1.0.0: assumption query `CREATE (:Oops) RETURN true` failed');
    expect(await count('MATCH (n) RETURN count(n)')).toBe(0);
  });
});

describe("neo4j-migrations' comment forms", () => {
  it('reads its files unchanged: edition, version comparisons and queries', async () => {
    const community = testServer().edition === 'community';
    const dir = project({
      // lines as neo4j-migrations' documentation and test resources write them
      'migrations/V1__Create_nodes.cypher': "// assume q'MATCH(v:Version {name:'4.1'}) RETURN count(v) = 0\nCREATE (m:Node {tag: 'I was here (old)'});\n",
      'migrations/V2__Enterprise_only.cypher': '// assume that edition is enterprise\nCREATE (:EnterpriseOnly);\n',
      'migrations/V3__Create_constraint.cypher': [
        '// assert that version is ge 5.0',
        '// assume that version is ge 4.4',
        "// assume q' RETURN true",
        'CREATE CONSTRAINT isbn_unique IF NOT EXISTS FOR (book:Library) REQUIRE book.isbn IS UNIQUE;',
        '',
      ].join('\n'),
      'migrations/V4__Old_syntax.cypher': '// assume that version is 4.3\nCREATE CONSTRAINT isbn_exists IF NOT EXISTS ON (book:Library) ASSERT exists(book.isbn);\n',
      'migrations/V5__Ask_schema.cypher': "// assert in schema q' MATCH (n:Checked) RETURN count(n) = 0\nCREATE (:Checked);\n",
    });
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(0);
    const doc = up.json();
    expect(doc.applied.map((s: { version: string }) => s.version)).toEqual(community ? ['1.0.0', '3.0.0', '5.0.0'] : ['1.0.0', '2.0.0', '3.0.0', '5.0.0']);
    expect(doc.skipped.map((s: { version: string }) => s.version)).toEqual(community ? ['2.0.0', '4.0.0'] : ['4.0.0']);
    if (community) expect(doc.skipped[0].reasons).toEqual(['assumes the enterprise edition (the server is community)']);
    expect(await count("SHOW CONSTRAINTS YIELD name WHERE name = 'isbn_unique' RETURN count(*)")).toBe(1);
    expect(await count('MATCH (n:Checked) RETURN count(n)')).toBe(1);
  });

  it('stops on an assertion that does not hold (exit 3), before anything runs', async () => {
    const dir = project({
      'migrations/V1__First.cypher': 'CREATE (:First);\n',
      'migrations/V2__Create_existence_constraint.cypher': [
        testServer().edition === 'community' ? '// assert that edition is enterprise' : '// assert that edition is community',
        '// assume that version is ge 4.4',
        'CREATE CONSTRAINT isbn_exists IF NOT EXISTS FOR (book:Library) REQUIRE book.isbn IS NOT NULL;',
        '',
      ].join('\n'),
    });
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(3);
    expect(up.json().error.message).toMatch(/2\.0\.0 requires the (enterprise|community) edition/);
    expect(await count('MATCH (n) RETURN count(n)')).toBe(0);
  });

  it('names the file and line of a precondition comment it cannot read (exit 2)', async () => {
    const dir = project({ 'migrations/V1__Bad.cypher': 'CREATE (:A);\n// assume that version is something\n' });
    const run = await neomig(['validate', '--offline', '--json'], dir);
    expect(run.code).toBe(2);
    expect(run.json().error).toMatchObject({ code: 'MIGRATION_FILE', file: 'V1__Bad.cypher', line: 2 });
  });
});
