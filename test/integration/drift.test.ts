/**
 * Schema drift through the real bin/neomig: `status` reports constraints and indexes created or
 * dropped outside neomig, `validate` exits 3 on them unless `allowSchemaDrift`. The history entries'
 * recorded `changes` are removed after `up`, so these tests read what the Cypher ups created (the path
 * for entries written before neomig recorded changes, or with fingerprints off).
 */
import { mkdtempSync, rmSync } from 'node:fs';
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

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-drift-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { cwd, env: { ...connectionEnv(), ...env } });
}

const BOOKS = {
  'migrations/V1.0.0__books.up.cypher': [
    'CREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE;',
    'CREATE INDEX IF NOT EXISTS FOR (b:Book) ON (b.year);',
    'CREATE TEXT INDEX book_blurb FOR (b:Book) ON (b.blurb);',
    'CREATE (:Book {isbn: "1"});',
    '',
  ].join('\n'),
  'migrations/V1.0.0__books.down.cypher': 'MATCH (b:Book) DELETE b;\nDROP INDEX book_blurb;\nDROP CONSTRAINT book_isbn;\n',
  'migrations/V1.1.0__no_blurb.up.cypher': 'DROP INDEX book_blurb;\n',
  'migrations/V1.1.0__no_blurb.down.cypher': 'CREATE TEXT INDEX book_blurb FOR (b:Book) ON (b.blurb);\n',
};

/** As entries written before neomig recorded `changes` (or with fingerprints off). */
async function forgetRecordedChanges(): Promise<void> {
  await driver.executeQuery('MATCH (v:SchemaVersion) REMOVE v.changes');
}

async function applied(dir: string): Promise<void> {
  const up = await neomig(['up'], dir);
  expect(up.code, up.stderr).toBe(0);
  await forgetRecordedChanges();
}

describe('schema drift', () => {
  it('is none right after up', async () => {
    const dir = project(BOOKS);
    await applied(dir);
    const status = await neomig(['status', '--json'], dir);
    expect(status.json()).toMatchObject({ drift: [], driftIncomplete: [] });
    expect((await neomig(['validate'], dir)).code).toBe(0);
  });

  it('reports an index created by hand: status warns, validate exits 3, allowSchemaDrift makes it a warning', async () => {
    const dir = project(BOOKS);
    await applied(dir);
    await driver.executeQuery('CREATE TEXT INDEX book_title_text FOR (b:Book) ON (b.title)');

    const status = await neomig(['status'], dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('drift: index book_title_text exists but no migration created it');

    const validate = await neomig(['validate'], dir);
    expect(validate.code).toBe(3);
    expect(validate.stdout).toContain('drift: index book_title_text exists but no migration created it');
    const json = await neomig(['validate', '--json'], dir);
    expect(json.code).toBe(3);
    expect(json.json()['drift']).toEqual([
      expect.objectContaining({ kind: 'unexpected', message: 'index book_title_text exists but no migration created it', item: expect.objectContaining({ name: 'book_title_text', type: 'TEXT' }) }),
    ]);

    writeFiles(dir, { 'neomig.config.json': JSON.stringify({ allowSchemaDrift: true }) });
    const allowed = await neomig(['validate'], dir);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/valid \(files and database\), 1 warning:/);
    expect(allowed.stdout).toContain('drift: index book_title_text exists but no migration created it');

    writeFiles(dir, { 'neomig.config.json': JSON.stringify({ environments: { staging: { allowSchemaDrift: true } } }) });
    expect((await neomig(['validate'], dir)).code).toBe(3);
    expect((await neomig(['validate', '--env', 'staging'], dir)).code).toBe(0);
  });

  it('reports a migration\'s index dropped by hand, and one a migration dropped that came back', async () => {
    const dir = project(BOOKS);
    await applied(dir);
    const isbn = await driver.executeQuery("SHOW INDEXES YIELD name, properties WHERE properties = ['year'] RETURN name");
    const year = String(isbn.records[0]!.get('name'));
    await driver.executeQuery(`DROP INDEX ${year}`);
    await driver.executeQuery('CREATE TEXT INDEX book_blurb FOR (b:Book) ON (b.blurb)');

    const json = (await neomig(['validate', '--json'], dir)).json();
    expect(json['drift'].map((d: { kind: string; message: string }) => `${d.kind}: ${d.message}`)).toEqual([
      'unexpected: index book_blurb exists but no migration created it',
      'missing: index (RANGE :Book(year)) was created by migration 1.0.0 but does not exist',
    ]);
  });

  it('warns that a TypeScript migration without recorded changes makes the comparison incomplete (drift warns only)', async () => {
    const dir = project({
      'migrations/V1.0.0__ts.ts': "export async function up(ctx) { await ctx.run('CREATE INDEX ts_made FOR (n:T) ON (n.x)'); }\n"
        + "export async function down(ctx) { await ctx.run('DROP INDEX ts_made'); }\n",
    });
    await applied(dir);
    const status = await neomig(['status', '--json'], dir);
    expect(status.json()['driftIncomplete']).toEqual([
      'TypeScript migration 1.0.0 recorded no schema changes: constraints and indexes it made cannot be told from drift',
    ]);
    const human = await neomig(['status'], dir);
    expect(human.stdout).toContain('warning schema drift detection is incomplete: TypeScript migration 1.0.0');
    // the index the migration made cannot be told from one made by hand: a warning, not a failure
    const validate = await neomig(['validate'], dir);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('drift: index ts_made exists but no migration created it');
  });
});
