/**
 * `neomig schema diff` through the real bin/neomig: the live database against a schema file (exit 3 when
 * they differ), `--create` writing the pair whose up makes them equal and whose down brings the
 * difference back, `--strict`, and the migrations replayed on an empty shadow server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, openDriver, resetDatabase, useCleanDatabase } from '../support/neo4j.js';
import { useSecondServer } from '../support/second-server.js';

let driver: Driver;
const dirs: string[] = [];
useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-schema-diff-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { cwd, env: { ...connectionEnv(), ...env } });
}

async function run(...statements: string[]): Promise<void> {
  for (const s of statements) await driver.executeQuery(s);
  await driver.executeQuery('CALL db.awaitIndexes(300)');
}

/** What a diff's JSON says, by name: what to add, drop and change. */
function names(doc: Record<string, any>): { added: string[]; dropped: string[]; changed: string[] } {
  const n = (items: { name: string }[]) => items.map((i) => i.name).sort();
  return { added: n(doc['diff'].added), dropped: n(doc['diff'].dropped), changed: n(doc['diff'].changed.map((c: { from: { name: string } }) => c.from)) };
}

// Node keys are Enterprise-only; on Community the uniqueness constraint becomes a composite one (the
// nearest change Community accepts: the same name, another definition).
const DESIRED = [
  'CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE (p.id, p.tenant) IS UNIQUE;',
  'CREATE TEXT INDEX FOR (b:Book) ON (b.title);',
  'CREATE FULLTEXT INDEX book_search FOR (b:Book) ON EACH [b.title, b.blurb];',
  '',
].join('\n');

describe('schema diff against a schema file', () => {
  it('shows the difference (exit 3); --create writes a pair whose up removes it and whose down brings it back', async () => {
    await run(
      'CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE',
      'CREATE INDEX book_year FOR (b:Book) ON (b.year)',
      'CREATE TEXT INDEX book_title FOR (b:Book) ON (b.title)',
      "CREATE (:Person {id: 1, tenant: 'a'})",
    );
    const dir = project({ 'schema.cypher': DESIRED });

    const diff = await neomig(['schema', 'diff'], dir);
    expect(diff.code).toBe(3);
    expect(diff.stdout).toContain('Schema diff: live → schema.cypher');
    expect(diff.stdout).toContain('+ index book_search (FULLTEXT :Book(title, blurb))');
    expect(diff.stdout).toContain('- index book_year (RANGE :Book(year))');
    expect(diff.stdout).toContain('~ constraint person_id');
    expect(diff.stdout).toContain('3 differences (1 added, 1 dropped, 1 changed)');
    const before = await neomig(['schema', 'diff', '--json'], dir);
    expect(before.code).toBe(3);
    expect(before.json()).toMatchObject({ ok: false, command: 'schema diff', equal: false, error: { code: 'VALIDATION' } });
    expect(names(before.json())).toEqual({ added: ['book_search'], dropped: ['book_year'], changed: ['person_id'] });

    const created = await neomig(['schema', 'diff', '--create', 'align schema', '--json'], dir);
    expect(created.code).toBe(0);
    const pair = created.json()['created'];
    expect(pair.up).toEqual([
      'DROP CONSTRAINT person_id',
      'DROP INDEX book_year',
      'CREATE CONSTRAINT person_id FOR (n:Person) REQUIRE (n.id, n.tenant) IS UNIQUE',
      'CREATE FULLTEXT INDEX book_search FOR (n:Book) ON EACH [n.title, n.blurb]',
    ]);
    expect(pair.down).toEqual([
      'DROP INDEX book_search',
      'DROP CONSTRAINT person_id',
      'CREATE RANGE INDEX book_year FOR (n:Book) ON (n.year)',
      'CREATE CONSTRAINT person_id FOR (n:Person) REQUIRE n.id IS UNIQUE',
    ]);
    expect(readFileSync(pair.files[0], 'utf8')).toContain('DROP INDEX book_year;\n');

    const up = await neomig(['up'], dir);
    expect(up.code, up.stderr).toBe(0);
    const after = await neomig(['schema', 'diff'], dir);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('✓ No difference: live and schema.cypher have the same constraints and indexes.');

    const down = await neomig(['down'], dir);
    expect(down.code, down.stderr).toBe(0);
    const again = await neomig(['schema', 'diff', '--json'], dir);
    expect(again.code).toBe(3);
    expect(names(again.json())).toEqual(names(before.json()));
  });

  it('counts another name for an equal definition, and default settings, only with --strict', async () => {
    await run("CREATE FULLTEXT INDEX book_search FOR (b:Book) ON EACH [b.title] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}");
    const dir = project({ 'desired.cypher': "CREATE FULLTEXT INDEX search FOR (b:Book) ON EACH [b.title] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};\n" });
    expect((await neomig(['schema', 'diff', '--to', 'file:desired.cypher'], dir)).code).toBe(0);
    const strict = await neomig(['schema', 'diff', '--to', 'desired.cypher', '--strict'], dir);
    expect(strict.code).toBe(3);
    expect(strict.stdout).toContain('~ index book_search → search');
    expect(strict.stdout).toContain('1 difference (0 added, 0 dropped, 1 changed)');
  });

  it('names the file and line of a statement it cannot read (exit 2)', async () => {
    const dir = project({ 'schema.cypher': 'CREATE INDEX a FOR (n:A) ON (n.a);\nMATCH (n) RETURN n;\n' });
    const r = await neomig(['schema', 'diff'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/schema\.cypher:2: a schema file holds only CREATE CONSTRAINT and CREATE INDEX statements/);
  });
});

describe('schema diff --from migrations', () => {
  const second = useSecondServer();
  const MIGRATIONS = {
    'migrations/V1.0.0__books.up.cypher': 'CREATE CONSTRAINT book_isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE;\nCREATE INDEX FOR (b:Book) ON (b.year);\n',
    'migrations/V1.0.0__books.down.cypher': 'DROP CONSTRAINT book_isbn;\n',
    'migrations/V1.1.0__titles.up.cypher': 'CREATE TEXT INDEX book_title FOR (b:Book) ON (b.title);\nCREATE (:Book {isbn: "1"});\n',
    'migrations/V1.1.0__titles.down.cypher': 'MATCH (b:Book) DELETE b;\nDROP INDEX book_title;\n',
  };

  async function shadowHolds(): Promise<{ nodes: number; constraints: number; indexes: number }> {
    const other = openDriver(second());
    try {
      const n = await other.executeQuery('MATCH (n) RETURN count(n) AS n');
      const c = await other.executeQuery('SHOW CONSTRAINTS YIELD name RETURN count(*) AS n');
      const i = await other.executeQuery("SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*) AS n");
      return { nodes: Number(n.records[0]!.get('n')), constraints: Number(c.records[0]!.get('n')), indexes: Number(i.records[0]!.get('n')) };
    } finally {
      await other.close();
    }
  }

  it('replays the migrations on the empty shadow, compares, and empties the shadow after', async () => {
    const dir = project(MIGRATIONS);
    const shadow = ['--shadow-uri', second().uri];
    expect((await neomig(['up'], dir)).code).toBe(0);

    const same = await neomig(['schema', 'diff', '--from', 'migrations', '--to', 'live', ...shadow], dir);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('No difference: migrations and live');
    expect(await shadowHolds()).toEqual({ nodes: 0, constraints: 0, indexes: 0 });

    await run('CREATE POINT INDEX by_hand FOR (p:Place) ON (p.loc)');
    const differs = await neomig(['schema', 'diff', '--from-migrations', '--to', 'live', ...shadow, '--json'], dir);
    expect(differs.code).toBe(3);
    expect(names(differs.json())).toEqual({ added: ['by_hand'], dropped: [], changed: [] });
    expect(await shadowHolds()).toEqual({ nodes: 0, constraints: 0, indexes: 0 });
  });

  it('refuses a shadow that is not empty, and leaves it as it was', async () => {
    const dir = project(MIGRATIONS);
    const other = openDriver(second());
    try {
      await other.executeQuery('CREATE (:Precious)');
      const r = await neomig(['schema', 'diff', '--from', 'migrations', '--shadow-uri', second().uri], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/the shadow database at .* is not empty \(1 nodes/);
      expect((await shadowHolds()).nodes).toBe(1);
      const missing = await neomig(['schema', 'diff', '--from', 'migrations'], dir);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/needs a shadow database: --shadow-uri/);
    } finally {
      await resetDatabase(other);
      await other.close();
    }
  });
});
