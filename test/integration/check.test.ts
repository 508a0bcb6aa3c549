/**
 * `neomig check` and up's preflight through the real bin/neomig against the real Neo4j: duplicates
 * under a pending unique constraint (check, --json, --markdown, --fix and its down, up stopped before
 * anything runs), a syntax error in the third migration (exit 2 naming file, line and column;
 * --no-preflight shows the old behaviour), and the counts and unbatched writes check reports.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-check-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { cwd, env: { ...connectionEnv(), ...env }, timeoutMs: 120_000 });
}

async function query<T = unknown>(cypher: string, key: string): Promise<T[]> {
  const r = await driver.executeQuery(cypher);
  return r.records.map((x) => x.get(key) as T);
}

async function count(cypher: string): Promise<number> {
  return Number((await query(cypher, 'c'))[0]);
}

const emails = () => query<string>('MATCH (u:User) RETURN u.email AS e ORDER BY e', 'e');
const historyCount = () => count('MATCH (v:SchemaVersion) RETURN count(v) AS c');
const constraintNames = () => query<string>("SHOW CONSTRAINTS YIELD name WHERE NOT name STARTS WITH 'neomig_' RETURN name", 'name');

const USERS = {
  'migrations/V1.0.0__tags.up.cypher': 'CREATE (:Tag {name: "first"});\n',
  'migrations/V1.0.0__tags.down.cypher': 'MATCH (t:Tag) DELETE t;\n',
  'migrations/V1.1.0__user_email.up.cypher': '// one account per address\nCREATE CONSTRAINT user_email IF NOT EXISTS\nFOR (u:User) REQUIRE u.email IS UNIQUE;\n',
  'migrations/V1.1.0__user_email.down.cypher': 'DROP CONSTRAINT user_email IF EXISTS;\n',
};

describe('duplicates under a pending unique constraint', () => {
  it('check lists them and exits 3; up stops before anything runs; --fix resolves them and its down restores them', async () => {
    await driver.executeQuery('UNWIND ["a@x", "a@x", "a@x", "b@x", "b@x", "c@x"] AS e CREATE (:User {email: e})');
    const dir = project(USERS);

    const human = await neomig(['check'], dir);
    expect(human.code).toBe(3);
    expect(human.stdout).toContain('✗ 1.1.0 V1.1.0__user_email.up.cypher:2 user_email unique :User(email): 2 duplicated values on 5 nodes');
    expect(human.stdout).toMatch(/"a@x" ×3 4:/);
    expect(human.stdout).toMatch(/"b@x" ×2 4:/);

    const json = await neomig(['check', '--json'], dir);
    expect(json.code).toBe(3);
    const doc = json.json();
    expect(doc).toMatchObject({ ok: false, command: 'check', error: { code: 'VALIDATION' } });
    expect(doc.pending.map((p: { version: string }) => p.version)).toEqual(['1.0.0', '1.1.0']);
    const [constraint] = doc.constraints;
    expect(constraint).toMatchObject({ version: '1.1.0', line: 2, status: 'check', fails: true, spec: { name: 'user_email', rule: 'unique' } });
    expect(constraint.violations.duplicates).toMatchObject({ groups: 2, entities: 5 });
    expect(constraint.violations.duplicates.first.map((g: { value: unknown[]; count: number }) => [g.value, g.count])).toEqual([[['a@x'], 3], [['b@x'], 2]]);
    expect(constraint.violations.duplicates.first[0].elementIds).toHaveLength(3);

    const markdown = await neomig(['check', '--markdown'], dir);
    expect(markdown.code).toBe(3);
    expect(markdown.stdout).toMatch(/^### neomig check: ❌ 1 constraint would fail/);
    expect(markdown.stdout).toContain('| 1.1.0 `V1.1.0__user_email.up.cypher` line 2 | user_email unique :User(email) | ❌ 2 duplicated values on 5 nodes');
    expect(markdown.stdout).toContain('`"a@x"` ×3, `"b@x"` ×2');

    // up on the original state: stopped by the preflight before 1.0.0 runs, nothing recorded
    const up = await neomig(['up'], dir);
    expect(up.code).toBe(3);
    expect(up.stderr).toContain('V1.1.0__user_email.up.cypher:2: constraint user_email (unique :User(email)) cannot be created: 2 duplicated values on 5 nodes');
    expect(up.stderr).not.toContain('▲ 1.0.0');
    expect(await count('MATCH (t:Tag) RETURN count(t) AS c')).toBe(0);
    expect(await historyCount()).toBe(0);
    expect(await count('MATCH (e:SchemaVersionEvent) RETURN count(e) AS c')).toBe(0);
    expect(await constraintNames()).toEqual([]);
    const dry = await neomig(['up', '--dry-run'], dir);
    expect(dry.code).toBe(3);

    const fix = await neomig(['check', '--fix', '--json'], dir);
    expect(fix.code).toBe(3);
    const fixDoc = fix.json();
    expect(fixDoc.fixes).toMatchObject([{ version: '1.0.1', description: 'fix user_email', before: '1.1.0' }]);
    const upFile = path.join(dir, 'migrations', 'V1.0.1__fix_user_email.up.cypher');
    expect(existsSync(upFile)).toBe(true);
    expect(existsSync(path.join(dir, 'migrations', 'V1.0.1__fix_user_email.down.cypher'))).toBe(true);
    expect(readFileSync(upFile, 'utf8')).toContain('// neomig-fix: unique :User(email)');
    // check itself applied nothing
    expect(await emails()).toEqual(['a@x', 'a@x', 'a@x', 'b@x', 'b@x', 'c@x']);

    const after = await neomig(['check'], dir);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('resolved by the pending fix 1.0.1, which runs first');

    const applied = await neomig(['up', '--json'], dir);
    expect(applied.code).toBe(0);
    expect(applied.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '1.0.1', '1.1.0']);
    expect(await constraintNames()).toEqual(['user_email']);
    // one holder per value keeps it; the others' addresses moved aside
    expect(await emails()).toEqual(['a@x', 'b@x', 'c@x', null, null, null]);
    expect(await count('MATCH (u:User) WHERE u.neomig_fix_user_email_email IS NOT NULL RETURN count(u) AS c')).toBe(3);

    const down = await neomig(['down', '--to', '1.0.0'], dir);
    expect(down.code).toBe(0);
    expect(await constraintNames()).toEqual([]);
    expect(await emails()).toEqual(['a@x', 'a@x', 'a@x', 'b@x', 'b@x', 'c@x']);
    expect(await count('MATCH (u:User) WHERE any(k IN keys(u) WHERE k STARTS WITH "neomig_fix") RETURN count(u) AS c')).toBe(0);
  });
});

const THREE = {
  'migrations/V1.0.0__a.up.cypher': 'CREATE (:A {n: 1});\n',
  'migrations/V1.0.0__a.down.cypher': 'MATCH (a:A) DELETE a;\n',
  'migrations/V2.0.0__b.up.cypher': 'CREATE INDEX b_n IF NOT EXISTS FOR (b:B) ON (b.n);\n',
  'migrations/V2.0.0__b.down.cypher': 'DROP INDEX b_n IF EXISTS;\n',
  // uses the index 2.0.0 creates (a hint on an index that does not exist yet only warns under EXPLAIN)
  'migrations/V3.0.0__c.up.cypher': '// reads B\nMATCH (b:B) USING INDEX b:B(n)\nWHERE b.n = 1\nRETRUN b;\n',
  'migrations/V3.0.0__c.down.cypher': 'RETURN 1;\n',
};

describe('a syntax error in the third of three pending migrations', () => {
  it('up exits 2 naming file, line and column and applies nothing; --no-preflight runs 1 and 2 first', async () => {
    const dir = project(THREE);
    const up = await neomig(['up'], dir);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain("V3.0.0__c.up.cypher:4:1: statement 1 does not compile: Invalid input 'RETRUN'");
    expect(up.stderr).toContain('neo4j  Neo.ClientError.Statement.SyntaxError');
    expect(up.stderr).toMatch(/4 \| RETRUN b\n\s+\| \^/);
    expect(up.stderr).not.toContain('▲ 1.0.0');
    expect(await historyCount()).toBe(0);
    expect(await count('MATCH (a:A) RETURN count(a) AS c')).toBe(0);

    const json = await neomig(['up', '--json'], dir);
    expect(json.code).toBe(2);
    expect(json.json().error).toMatchObject({
      code: 'MIGRATION_FILE', file: 'V3.0.0__c.up.cypher', version: '3.0.0', statement: 1, line: 4, column: 1,
      neo4jCode: 'Neo.ClientError.Statement.SyntaxError',
    });
    expect((await neomig(['up', '--dry-run'], dir)).code).toBe(2);

    const old = await neomig(['up', '--no-preflight', '--no-atomic', '--json'], dir);
    expect(old.code).toBe(1);
    expect(old.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '2.0.0']);
    expect(await count('MATCH (a:A) RETURN count(a) AS c')).toBe(1);
  });

  it('up --dry-run shows what the preflight compiled and checked; a clean plan applies with it on', async () => {
    const dir = project({ ...THREE, 'migrations/V3.0.0__c.up.cypher': 'MATCH (b:B) USING INDEX b:B(n)\nWHERE b.n = 1\nRETURN b;\n' });
    const dry = await neomig(['up', '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('✓ Preflight: 3 statements compile; 0 new constraints checked against the data.');
    expect(dry.stderr).toContain('Preflight: compiling 3 statements of 3 migrations');
    const up = await neomig(['up'], dir);
    expect(up.code).toBe(0);
    expect(up.stderr).toMatch(/✓ preflight: 3 statements compile, 0 new constraints hold/);
  });
});

describe('what each pending migration touches', () => {
  it('reports label counts and flags an unbatched write over the limit', async () => {
    await driver.executeQuery('UNWIND range(1, 1000) AS i CREATE (:Book {n: i})');
    const dir = project({
      'migrations/V1.0.0__backfill.up.cypher': 'MATCH (b:Book) SET b.seen = true;\nMATCH (b:Book)-[:WROTE]->(a:Author) RETURN count(*);\n'
        + 'MATCH (b:Book) CALL (b) { SET b.batched = true } IN TRANSACTIONS OF 100 ROWS;\n',
      'migrations/V1.0.0__backfill.down.cypher': 'MATCH (b:Book) REMOVE b.seen, b.batched;\n',
      'migrations/V1.1.0__code.ts': 'export default { up: async () => {}, down: async () => {} };\n',
    });
    const check = await neomig(['check'], dir, { NEOMIG_UNBATCHED_ROW_LIMIT: '500' });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('1.0.0 V1.0.0__backfill.up.cypher touches 1000 :Book, 0 :Author, 0 [:WROTE]');
    expect(check.stdout).toContain('⚠ statement 1 (line 1) is not batched and visits 1000 :Book (limit 500)');
    expect(check.stdout).not.toContain('statement 2 (line 2) is not batched');
    expect(check.stdout).not.toContain('statement 3 (line 3) is not batched');
    expect(check.stdout).toContain('1.1.0 V1.1.0__code.ts not checked (TypeScript');

    const json = (await neomig(['check', '--json'], dir)).json();
    expect(json.unbatchedRowLimit).toBe(100000);
    expect(json.migrations[0].unbatched).toEqual([]);
    expect(json.migrations[0].touches).toContainEqual({ entity: 'node', name: 'Book', reads: true, count: 1000 });
    expect(await count('MATCH (b:Book) WHERE b.seen IS NOT NULL RETURN count(b) AS c')).toBe(0);
  });
});
