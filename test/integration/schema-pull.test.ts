/**
 * `neomig schema pull` through the real bin/neomig: every constraint and index kind the server accepts,
 * rendered the same on 5.26 and 2026.x, applied to an empty second server and pulled again unchanged;
 * `--baseline` writes the pair, records it, and `up` then runs only the later migrations.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, openDriver, resetDatabase, testServer, useCleanDatabase } from '../support/neo4j.js';
import { useSecondServer } from '../support/second-server.js';

let driver: Driver;
const dirs: string[] = [];
useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-schema-pull-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { cwd, env: { ...connectionEnv(), ...env } });
}

/** Community accepts these on 5.26 and 2026.x; the comment says what each one covers. */
const COMMUNITY: [string, string][] = [
  ['CREATE CONSTRAINT book_isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE',
    'CREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (n:Book) REQUIRE n.isbn IS UNIQUE'],
  ['CREATE CONSTRAINT edition_number FOR (e:Edition) REQUIRE (e.isbn, e.number) IS UNIQUE',
    'CREATE CONSTRAINT edition_number IF NOT EXISTS FOR (n:Edition) REQUIRE (n.isbn, n.number) IS UNIQUE'],
  ['CREATE CONSTRAINT wrote_id FOR ()-[w:WROTE]-() REQUIRE w.id IS UNIQUE',
    'CREATE CONSTRAINT wrote_id IF NOT EXISTS FOR ()-[r:WROTE]-() REQUIRE r.id IS UNIQUE'],
  ['CREATE INDEX book_year FOR (b:Book) ON (b.year)', 'CREATE RANGE INDEX book_year IF NOT EXISTS FOR (n:Book) ON (n.year)'],
  ['CREATE INDEX book_year_month FOR (b:Book) ON (b.year, b.month)',
    'CREATE RANGE INDEX book_year_month IF NOT EXISTS FOR (n:Book) ON (n.year, n.month)'],
  ['CREATE INDEX wrote_when FOR ()-[w:WROTE]-() ON (w.when)', 'CREATE RANGE INDEX wrote_when IF NOT EXISTS FOR ()-[r:WROTE]-() ON (r.when)'],
  ['CREATE TEXT INDEX book_title_text FOR (b:Book) ON (b.title)', 'CREATE TEXT INDEX book_title_text IF NOT EXISTS FOR (n:Book) ON (n.title)'],
  ['CREATE TEXT INDEX `wrote note` FOR ()-[w:WROTE]-() ON (w.`the note`)',
    'CREATE TEXT INDEX `wrote note` IF NOT EXISTS FOR ()-[r:WROTE]-() ON (r.`the note`)'],
  ['CREATE POINT INDEX place_loc FOR (p:Place) ON (p.loc)', 'CREATE POINT INDEX place_loc IF NOT EXISTS FOR (n:Place) ON (n.loc)'],
  ['CREATE POINT INDEX place_local FOR (p:Place) ON (p.local) OPTIONS {indexConfig: {`spatial.cartesian.min`: [-100.0, -100.0], `spatial.cartesian.max`: [100.0, 100.0]}}',
    'CREATE POINT INDEX place_local IF NOT EXISTS FOR (n:Place) ON (n.local) '
    + 'OPTIONS {indexConfig: {`spatial.cartesian.max`: [100.0, 100.0], `spatial.cartesian.min`: [-100.0, -100.0]}}'],
  ['CREATE FULLTEXT INDEX search FOR (n:Book|Article) ON EACH [n.title, n.body]',
    'CREATE FULLTEXT INDEX search IF NOT EXISTS FOR (n:Book|Article) ON EACH [n.title, n.body]'],
  ["CREATE FULLTEXT INDEX wrote_search FOR ()-[w:WROTE]-() ON EACH [w.note] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}}",
    'CREATE FULLTEXT INDEX wrote_search IF NOT EXISTS FOR ()-[r:WROTE]-() ON EACH [r.note] '
    + "OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}}"],
  ["CREATE VECTOR INDEX book_embedding FOR (b:Book) ON (b.embedding) OPTIONS {indexConfig: {`vector.dimensions`: 4, `vector.similarity_function`: 'euclidean'}}",
    "CREATE VECTOR INDEX book_embedding IF NOT EXISTS FOR (n:Book) ON (n.embedding) OPTIONS {indexConfig: {`vector.dimensions`: 4, `vector.similarity_function`: 'EUCLIDEAN'}}"],
  ['CREATE VECTOR INDEX book_sketch FOR (b:Book) ON (b.sketch) OPTIONS {indexConfig: {`vector.quantization.enabled`: false, `vector.hnsw.m`: 32}}',
    'CREATE VECTOR INDEX book_sketch IF NOT EXISTS FOR (n:Book) ON (n.sketch) OPTIONS {indexConfig: {`vector.hnsw.m`: 32, `vector.quantization.enabled`: false}}'],
  ['CREATE VECTOR INDEX wrote_embedding FOR ()-[w:WROTE]-() ON (w.embedding)',
    'CREATE VECTOR INDEX wrote_embedding IF NOT EXISTS FOR ()-[r:WROTE]-() ON (r.embedding)'],
];

/** Enterprise only (Community refuses them with Neo.DatabaseError.Schema.ConstraintCreationFailed). */
const ENTERPRISE: [string, string][] = [
  ['CREATE CONSTRAINT person_key FOR (p:Person) REQUIRE (p.first, p.last) IS NODE KEY',
    'CREATE CONSTRAINT person_key IF NOT EXISTS FOR (n:Person) REQUIRE (n.first, n.last) IS NODE KEY'],
  ['CREATE CONSTRAINT knows_key FOR ()-[k:KNOWS]-() REQUIRE k.id IS RELATIONSHIP KEY',
    'CREATE CONSTRAINT knows_key IF NOT EXISTS FOR ()-[r:KNOWS]-() REQUIRE r.id IS RELATIONSHIP KEY'],
  ['CREATE CONSTRAINT person_name FOR (p:Person) REQUIRE p.name IS NOT NULL',
    'CREATE CONSTRAINT person_name IF NOT EXISTS FOR (n:Person) REQUIRE n.name IS NOT NULL'],
  ['CREATE CONSTRAINT wrote_year FOR ()-[w:WROTE]-() REQUIRE w.year IS NOT NULL',
    'CREATE CONSTRAINT wrote_year IF NOT EXISTS FOR ()-[r:WROTE]-() REQUIRE r.year IS NOT NULL'],
  ['CREATE CONSTRAINT book_title_string FOR (b:Book) REQUIRE b.title IS :: STRING',
    'CREATE CONSTRAINT book_title_string IF NOT EXISTS FOR (n:Book) REQUIRE n.title IS :: STRING'],
  ['CREATE CONSTRAINT wrote_year_int FOR ()-[w:WROTE]-() REQUIRE w.year IS :: INTEGER',
    'CREATE CONSTRAINT wrote_year_int IF NOT EXISTS FOR ()-[r:WROTE]-() REQUIRE r.year IS :: INTEGER'],
];

const KINDS = testServer().edition === 'enterprise' ? [...COMMUNITY, ...ENTERPRISE] : COMMUNITY;

/** The schema file `schema pull` should write for KINDS: constraints, then indexes, each by name. */
function expectedFile(): string {
  const lines = KINDS.map(([, rendered]) => rendered);
  const name = (l: string) => /(?:CONSTRAINT|INDEX) (`[^`]+`|\S+)/.exec(l)![1]!.replace(/`/g, '');
  const rank = (l: string) => (l.startsWith('CREATE CONSTRAINT') ? 0 : 1);
  lines.sort((a, b) => rank(a) - rank(b) || (name(a) < name(b) ? -1 : 1));
  return lines.map((l) => `${l};\n`).join('');
}

async function createAll(d: Driver): Promise<void> {
  for (const [statement] of KINDS) await d.executeQuery(statement);
  await d.executeQuery('CALL db.awaitIndexes(300)');
}

describe('schema pull', () => {
  const second = useSecondServer();

  it('writes every kind as Cypher that, applied to an empty database, pulls back identical; neomig\'s own schema never shows', async () => {
    const dir = project({
      'migrations/V1.0.0__data.up.cypher': 'CREATE (:Book {isbn: "1"});\n',
      'migrations/V1.0.0__data.down.cypher': 'MATCH (b:Book) DELETE b;\n',
    });
    expect((await neomig(['up'], dir)).code).toBe(0); // neomig's own constraints and history exist now
    await createAll(driver);

    const pulled = await neomig(['schema', 'pull'], dir);
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).not.toMatch(/error|warning/i);
    expect(pulled.stdout).toBe(expectedFile());
    expect(pulled.stdout).not.toMatch(/neomig_|SchemaVersion|NeomigLock|LOOKUP/);

    const written = await neomig(['schema', 'pull', '--out'], dir);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/✓ Wrote 3 constraints, 12 indexes to schema\.cypher/);
    expect(readFileSync(path.join(dir, 'schema.cypher'), 'utf8')).toBe(pulled.stdout);

    const json = (await neomig(['schema', 'pull', '--json'], dir)).json();
    expect(json).toMatchObject({ ok: true, command: 'schema pull', cypher: pulled.stdout });
    expect(json['items'].map((i: { name: string }) => i.name)).toContain('book_sketch');

    const other = openDriver(second());
    try {
      await resetDatabase(other);
      for (const line of pulled.stdout.split(';\n').filter(Boolean)) await other.executeQuery(line);
      const b = second();
      const again = await neomig(['schema', 'pull'], dir, { NEO4J_URI: b.uri, NEO4J_USERNAME: b.username, NEO4J_PASSWORD: b.password });
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(pulled.stdout);
    } finally {
      await resetDatabase(other);
      await other.close();
    }
  });

  it('--baseline writes the pair, records it as applied, and up then runs only the later migrations', async () => {
    await createAll(driver);
    const dir = project();

    const dry = await neomig(['schema', 'pull', '--baseline', '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: would write the baseline 0\.0\.1 \(3 constraints, 12 indexes\)/);
    expect(existsSync(path.join(dir, 'migrations'))).toBe(false);

    const base = await neomig(['schema', 'pull', '--baseline', '--json'], dir);
    expect(base.code).toBe(0);
    expect(base.json()).toMatchObject({ ok: true, version: '0.0.1', description: 'baseline schema' });
    const files = readdirSync(path.join(dir, 'migrations')).sort();
    expect(files).toEqual(['V0.0.1__baseline_schema.down.cypher', 'V0.0.1__baseline_schema.up.cypher', 'neomig.sum']);
    const up = readFileSync(path.join(dir, 'migrations', files[1]!), 'utf8');
    expect(up).toContain(expectedFile());
    const down = readFileSync(path.join(dir, 'migrations', files[0]!), 'utf8');
    expect(down).toContain('DROP INDEX wrote_when IF EXISTS;\n');
    expect(down.indexOf('DROP INDEX')).toBeLessThan(down.indexOf('DROP CONSTRAINT'));

    writeFiles(dir, {
      'migrations/V1.0.0__authors.up.cypher': 'CREATE INDEX author_name FOR (a:Author) ON (a.name);\n',
      'migrations/V1.0.0__authors.down.cypher': 'DROP INDEX author_name;\n',
    });
    expect((await neomig(['hash'], dir)).code).toBe(0);
    const applied = await neomig(['up', '--json'], dir);
    expect(applied.code).toBe(0);
    expect(applied.json()['applied'].map((s: { version: string }) => s.version)).toEqual(['1.0.0']);

    const status = (await neomig(['status', '--json'], dir)).json();
    expect(status['migrations'].map((m: { version: string; status: string }) => `${m.version} ${m.status}`)).toEqual(['0.0.1 baseline', '1.0.0 applied']);
    expect(status['drift']).toEqual([]);

    const refused = await neomig(['schema', 'pull', '--baseline'], dir);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/already has migration history/);
  });
});
