/**
 * Cypher that other tools' files hold, run on the real Neo4j: USE in front of schema commands,
 * CALL {} IN <expression> CONCURRENT TRANSACTIONS, administration commands between data writes,
 * cypher-shell's :begin/:commit/:use lines, and a syntax error reported at the file's line and column.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationRunError } from '../../src/runner/migrator.js';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { migrationsDir, removeMigrationDirs, testMigrator, writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase, userSchema } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];
const USER = 'neomig_dialect_user';

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(async () => {
  removeMigrationDirs();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  await driver.executeQuery(`DROP USER ${USER} IF EXISTS`);
});

async function count(cypher: string): Promise<number> {
  const r = await driver.executeQuery(cypher);
  return Number(r.records[0]?.get(0));
}

async function users(): Promise<string[]> {
  const r = await driver.executeQuery(`SHOW USERS YIELD user WHERE user = '${USER}' RETURN user`);
  return r.records.map((x) => String(x.get('user')));
}

async function failure(dir: string): Promise<MigrationRunError> {
  // the failure as the run meets it: up's preflight would stop a syntax error before anything runs
  const m = testMigrator(dir, { preflight: false });
  try {
    const e = await m.up().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MigrationRunError);
    return e as MigrationRunError;
  } finally {
    await m.close();
  }
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-dialect-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string): Promise<CliRun> {
  return runCli(args, { cwd, env: connectionEnv() });
}

describe('statement classification under transaction: auto', () => {
  it('runs USE neo4j + CREATE INDEX between data writes, and its down', async () => {
    const dir = migrationsDir({
      'V1__books.up.cypher': [
        "CREATE (:Book {isbn: '1'});",
        'USE neo4j CREATE INDEX book_isbn IF NOT EXISTS FOR (b:Book) ON (b.isbn);',
        "USE neo4j\nCREATE (:Book {isbn: '2'});",
      ].join('\n'),
      'V1__books.down.cypher': 'MATCH (b:Book) DELETE b;\nUSE neo4j DROP INDEX book_isbn IF EXISTS;',
    });
    const m = testMigrator(dir);
    try {
      await m.up();
      expect(await count('MATCH (b:Book) RETURN count(b)')).toBe(2);
      expect((await userSchema(driver)).map((s) => s.name)).toEqual(['book_isbn']);
      await m.down();
      expect(await userSchema(driver)).toEqual([]);
      expect(await count('MATCH (b:Book) RETURN count(b)')).toBe(0);
    } finally {
      await m.close();
    }
  });

  it('runs CALL {} IN <expression> CONCURRENT TRANSACTIONS auto-committed', async () => {
    const dir = migrationsDir({
      'V1__numbers.up.cypher': [
        'CREATE (:Seed);',
        'UNWIND range(1, 100) AS i CALL (i) { CREATE (:Number {i: i}) } IN 2 * 2 CONCURRENT TRANSACTIONS OF 10 ROWS;',
        "MATCH (n:Number) CALL (n) { SET n.even = n.i % 2 = 0 } IN toInteger('3') CONCURRENT TRANSACTIONS OF 25 ROWS;",
        'CREATE (:Done);',
      ].join('\n'),
    });
    const m = testMigrator(dir);
    try {
      await m.up();
      expect(await count('MATCH (n:Number) RETURN count(n)')).toBe(100);
      expect(await count('MATCH (n:Number {even: true}) RETURN count(n)')).toBe(50);
      expect(await count('MATCH (n:Seed|Done) RETURN count(n)')).toBe(2);
    } finally {
      await m.close();
    }
  });

  it('runs CREATE USER and ALTER USER between data writes, each alone, and DROP USER in the down', async () => {
    const dir = migrationsDir({
      'V1__app_user.up.cypher': [
        'CREATE (:Audit {step: 1});',
        `CREATE USER ${USER} IF NOT EXISTS SET PASSWORD 'first-pw-123' CHANGE REQUIRED;`,
        'CREATE (:Audit {step: 2});',
        `ALTER USER ${USER} SET PASSWORD CHANGE NOT REQUIRED;`,
        'CREATE (:Audit {step: 3});',
      ].join('\n'),
      'V1__app_user.down.cypher': `MATCH (a:Audit) DELETE a;\nDROP USER ${USER} IF EXISTS;\nCREATE (:Dropped);`,
    });
    const m = testMigrator(dir);
    try {
      await m.up();
      expect(await users()).toEqual([USER]);
      const changeRequired = await driver.executeQuery(`SHOW USERS YIELD user, passwordChangeRequired WHERE user = '${USER}' RETURN passwordChangeRequired`);
      expect(changeRequired.records[0]?.get(0)).toBe(false);
      expect(await count('MATCH (a:Audit) RETURN count(a)')).toBe(3);
      await m.down();
      expect(await users()).toEqual([]);
      expect(await count('MATCH (n:Audit|Dropped) RETURN count(n)')).toBe(1);
    } finally {
      await m.close();
    }
  });

  it('runs a schema-mode procedure (db.index.vector.createNodeIndex) between data writes', async (ctx) => {
    const procedure = 'db.index.vector.createNodeIndex';
    const r = await driver.executeQuery(`SHOW PROCEDURES YIELD name, mode WHERE name = '${procedure}' RETURN mode`);
    if (r.records[0]?.get('mode') !== 'SCHEMA') return ctx.skip(); // gone from newer servers
    const dir = migrationsDir({
      'V1__vectors.up.cypher': [
        'CREATE (:Doc {embedding: [1.0, 0.0, 0.0]});',
        `CALL ${procedure}('doc_embedding', 'Doc', 'embedding', 3, 'cosine');`,
        'CREATE (:Doc {embedding: [0.0, 1.0, 0.0]});',
      ].join('\n'),
    });
    const m = testMigrator(dir);
    try {
      await m.up();
      expect((await userSchema(driver)).map((s) => s.name)).toEqual(['doc_embedding']);
      expect(await count('MATCH (d:Doc) RETURN count(d)')).toBe(2);
    } finally {
      await m.close();
    }
  });

  it('ctx.run of a TypeScript migration commits the open transaction before an admin command and runs it alone', async () => {
    const dir = migrationsDir({
      'V1__ts_user.ts': [
        'export default {',
        '  async up(ctx) {',
        "    await ctx.run('CREATE (:Audit {step: 1})');",
        `    await ctx.run("CREATE USER ${USER} IF NOT EXISTS SET PASSWORD 'first-pw-123' CHANGE NOT REQUIRED");`,
        "    await ctx.run('CREATE (:Audit {step: 2})');",
        '  },',
        '  async down(ctx) {',
        `    await ctx.run('MATCH (a:Audit) DELETE a');`,
        `    await ctx.run('DROP USER ${USER} IF EXISTS');`,
        '  },',
        '};',
      ].join('\n'),
    });
    for (const transaction of ['auto', 'migration'] as const) {
      const m = testMigrator(dir, { transaction });
      try {
        await m.up();
        expect(await users()).toEqual([USER]);
        expect(await count('MATCH (a:Audit) RETURN count(a)')).toBe(2);
        await m.down();
        expect(await users()).toEqual([]);
      } finally {
        await m.close();
      }
    }
  });

  it('reports an administration command the server refuses (CREATE DATABASE on Community) by file, statement and line', async () => {
    const dir = project({
      'migrations/V1__library.up.cypher': "CREATE (:Library);\n\n// a database per library\nCREATE DATABASE library IF NOT EXISTS;\n",
      'migrations/V1__library.down.cypher': 'MATCH (l:Library) DELETE l;',
    });
    const run = await neomig(['up', '--json'], dir);
    const edition = (await driver.executeQuery('CALL dbms.components() YIELD edition RETURN edition')).records[0]?.get(0);
    if (edition !== 'community') return; // Enterprise would create it
    expect(run.code).toBe(1);
    expect(run.json().error).toMatchObject({
      code: 'MIGRATION_FAILED',
      file: 'V1__library.up.cypher',
      statement: 2,
      line: 4,
      neo4jCode: 'Neo.ClientError.Statement.UnsupportedAdministrationCommand',
    });
    expect(run.json().failed).toMatchObject({ version: '1.0.0', statement: 2, line: 4, partialChanges: 'undone' });
    expect(await count('MATCH (l:Library) RETURN count(l)')).toBe(0);
  });
});

describe('cypher-shell lines', () => {
  it('applies a file with :use, and :begin … :commit blocks of schema and of data', async () => {
    const dir = migrationsDir({
      'V1__shell.up.cypher': [
        ':use neo4j',
        ':begin',
        'CREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE;',
        'CREATE INDEX book_title IF NOT EXISTS FOR (b:Book) ON (b.title);',
        ':commit',
        ':BEGIN;',
        "CREATE (:Book {isbn: '1', title: 'Dune'});",
        "CREATE (:Book {isbn: '2', title: 'Emma'});",
        ':Commit;',
        'MATCH (b:Book) SET b.seen = true;',
      ].join('\n'),
      'V1__shell.down.cypher': ':use neo4j\n:begin\nMATCH (b:Book) DELETE b;\n:commit\nDROP INDEX book_title IF EXISTS;\nDROP CONSTRAINT book_isbn IF EXISTS;',
    });
    const m = testMigrator(dir);
    try {
      await m.up();
      expect(await count('MATCH (b:Book {seen: true}) RETURN count(b)')).toBe(2);
      expect((await userSchema(driver)).map((s) => s.name)).toEqual(['book_isbn', 'book_title']);
      await m.down();
      expect(await userSchema(driver)).toEqual([]);
      expect(await count('MATCH (b:Book) RETURN count(b)')).toBe(0);
    } finally {
      await m.close();
    }
  });

  it('a :begin block is one transaction: a failure in it leaves none of its statements', async () => {
    const dir = migrationsDir({
      'V1__block.up.cypher': [
        'CREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE;',
        ':begin',
        "CREATE (:Book {isbn: '1'});",
        "CREATE (:Book {isbn: '1'});",
        ':commit',
      ].join('\n'),
    });
    const e = await failure(dir);
    expect(e.details).toMatchObject({ statement: 3, line: 4, neo4jCode: 'Neo.ClientError.Schema.ConstraintValidationFailed' });
    expect(await count('MATCH (b:Book) RETURN count(b)')).toBe(0);
  });

  it('validate --offline exits 2 naming the line of a :param, and of a block that mixes schema and data', async () => {
    const param = project({ 'migrations/V1__p.up.cypher': 'RETURN 1;\n:param limit => 10\nMATCH (n) RETURN n LIMIT $limit;\n' });
    const run = await runCli(['validate', '--offline', '--json'], { cwd: param });
    expect(run.code).toBe(2);
    expect(run.json().error).toMatchObject({ code: 'MIGRATION_FILE', file: 'V1__p.up.cypher', line: 2 });
    expect(run.json().error.message).toContain('V1__p.up.cypher:2: :param is a cypher-shell command');

    const mixed = project({ 'migrations/V1__m.up.cypher': ':begin\nCREATE INDEX i FOR (n:N) ON (n.p);\nCREATE (:N);\n:commit\n' });
    const human = await runCli(['validate', '--offline'], { cwd: mixed });
    expect(human.code).toBe(2);
    expect(human.stderr).toContain('the transaction opened by :begin at line 1 holds a schema command (statement 1 (line 2)) and a data statement (statement 2 (line 3))');
  });
});

describe('a syntax error', () => {
  const FILE = [
    '// ---',
    '// description: people',
    '// ---',
    'CREATE (:Person {id: 1});',
    '',
    '/* the second */ CREATE (:Person {id: 2});',
    '// the third starts below',
    'MATCH (p:Person)',
    'WHERE p.id = 1',
    '  RETUR p;',
  ].join('\n');

  it('is reported at the line and column of the file, with the line and a caret', async () => {
    const dir = project({ 'migrations/V1__people.up.cypher': FILE, 'migrations/V1__people.down.cypher': 'MATCH (p:Person) DELETE p;' });
    // the run's own report (the preflight, which names the same place, is covered in check.test.ts)
    const json = await neomig(['up', '--json', '--no-preflight'], dir);
    expect(json.code).toBe(1);
    const error = json.json().error;
    expect(error).toMatchObject({ file: 'V1__people.up.cypher', statement: 3, line: 10, column: 3, neo4jCode: 'Neo.ClientError.Statement.SyntaxError' });
    expect(error.message).toContain('statement 3 (line 8) failed at line 10, column 3: Invalid input \'RETUR\' (did you mean \'RETURN\'?): expected ');
    expect(error.message).toMatch(/… \(\d+ more\);/);
    expect(error.message).not.toContain('offset');
    expect(json.json().failed).toMatchObject({ statement: 3, line: 10, column: 3 });

    const human = await neomig(['up', '--no-preflight'], dir);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('V1__people.up.cypher:10:3, statement 3');

    const preflight = await neomig(['up'], dir);
    expect(preflight.code).toBe(2);
    expect(preflight.stderr).toContain('V1__people.up.cypher:10:3: statement 3 does not compile');
    expect(preflight.stderr).toContain('  10 |   RETUR p\n     |   ^');
    expect(human.stderr).toContain('  10 |   RETUR p\n     |   ^');
  });

  it('after a :use line, is still reported where it stands in the file', async () => {
    const dir = migrationsDir({ 'V1__use.up.cypher': 'RETURN 1;\n:use neo4j\nCYPHER 5 MATCH (n)\nRETURN n +* 2;' });
    const e = await failure(dir);
    expect(e.details).toMatchObject({ statement: 2, line: 4, column: 11, neo4jCode: 'Neo.ClientError.Statement.SyntaxError' });
    expect(e.details['excerpt']).toEqual({ text: 'RETURN n +* 2', caret: 10 });
  });
});
