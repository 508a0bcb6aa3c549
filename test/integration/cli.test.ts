/**
 * The real `bin/neomig` against the test Neo4j: every database command, its exit code, its human
 * output and its one JSON document, the lock (exit 4), connection failures (exit 5) and that no
 * password ever reaches stdout or stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { testMigrator, writeFiles } from '../support/migrations.js';
import { connectionEnv, probeUser, testServer, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const BOOKS = {
  'migrations/V1.0.0__books.up.cypher': 'CREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE;\nCREATE (:Book {isbn: "1"});\n',
  'migrations/V1.0.0__books.down.cypher': 'MATCH (b:Book) DELETE b;\nDROP CONSTRAINT book_isbn IF EXISTS;\n',
  'migrations/V1.1.0__authors.up.cypher': 'CREATE (:Author {name: "Le Guin"});\n',
  'migrations/V1.1.0__authors.down.cypher': 'MATCH (a:Author) DELETE a;\n',
  'migrations/V1.2.0__genres.up.cypher': 'CREATE (:Genre {name: "SF"});\n',
  'migrations/V1.2.0__genres.down.cypher': 'MATCH (g:Genre) DELETE g;\n',
};

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-cli-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { cwd, env: { ...connectionEnv(), ...env } });
}

async function labels(): Promise<Record<string, number>> {
  const r = await driver.executeQuery('MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:SchemaVersionEvent AND NOT n:NeomigLock UNWIND labels(n) AS l RETURN l, count(*) AS c ORDER BY l');
  return Object.fromEntries(r.records.map((x) => [x.get('l') as string, Number(x.get('c'))]));
}

function noPassword(run: CliRun, password = testServer().password): void {
  expect(run.stdout).not.toContain(password);
  expect(run.stderr).not.toContain(password);
}

describe('up, status, down', () => {
  it('applies, reports and reverses, with exit 0 and one JSON document each', async () => {
    const dir = project(BOOKS);

    const dry = await neomig(['up', '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('1: line 1 CREATE CONSTRAINT book_isbn');
    expect(dry.stdout).toMatch(/Dry run: 3 migrations would be applied, \(none\) → 1\.2\.0\. Nothing was changed\.\n$/);
    expect(await labels()).toEqual({});

    const up = await neomig(['up', '--to', '1.1.0', '--json'], dir);
    expect(up.code).toBe(0);
    const doc = up.json();
    expect(doc).toMatchObject({ ok: true, command: 'up', dryRun: false, from: null, to: '1.1.0', pending: ['1.2.0'] });
    expect(doc.applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '1.1.0']);
    expect(up.stderr).toContain('▲ 1.0.0 books V1.0.0__books.up.cypher');
    expect(up.stderr).toMatch(/✓ statement 1\/2 \(line 1\) CREATE CONSTRAINT/);
    noPassword(up);

    const rest = await neomig(['up'], dir);
    expect(rest.code).toBe(0);
    expect(rest.stdout).toMatch(/^✓ Applied 1 migration in .*: 1\.1\.0 → 1\.2\.0\n$/);
    expect(await labels()).toEqual({ Author: 1, Book: 1, Genre: 1 });

    const again = await neomig(['up'], dir);
    expect(again).toMatchObject({ code: 0, stdout: '✓ Nothing to apply; the database is at 1.2.0.\n' });

    const status = await neomig(['status'], dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Current version: 1.2.0');
    // off a terminal the table fits 80 columns: compact time, no `By`; --wide shows everything
    expect(status.stdout).toMatch(/\n1\.0\.0 +books +cypher +applied +\d{4}-\d\d-\d\d \d\d:\d\d +\d/);
    for (const line of status.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(status.stdout).toContain('3 applied');
    const wide = await neomig(['status', '--wide'], dir);
    expect(wide.stdout).toMatch(/\n1\.0\.0 +books +cypher +applied +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +\S+@\S+ +\d/);
    const info = await neomig(['info', '--json'], dir);
    expect(info.json()).toMatchObject({ ok: true, command: 'status', current: '1.2.0', lock: null, issues: [] });
    expect(info.json().migrations.map((m: { status: string }) => m.status)).toEqual(['applied', 'applied', 'applied']);

    const down = await neomig(['down', '--to', '1.0.0', '--json'], dir);
    expect(down.code).toBe(0);
    expect(down.json()).toMatchObject({ ok: true, command: 'down', from: '1.2.0', to: '1.0.0' });
    expect(down.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.2.0', '1.1.0']);
    expect(await labels()).toEqual({ Book: 1 });

    const one = await neomig(['down'], dir);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^✓ Reversed 1 migration in .*: 1\.0\.0 → \(none\)/);
    expect(await labels()).toEqual({});
  });

  it('a failing migration exits 1, says where it failed and that nothing of it was committed', async () => {
    const dir = project({
      ...BOOKS,
      'migrations/V1.2.0__genres.up.cypher': 'CREATE (:Genre {name: "SF"});\nCREATE (:Book {isbn: "1"});\n',
    });
    const human = await neomig(['up'], dir);
    expect(human.code).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/✗ 1\.2\.0 up failed: /);
    expect(human.stderr).toContain('at    V1.2.0__genres.up.cypher, statement 2 (line 2)');
    expect(human.stderr).toContain('neo4j Neo.ClientError.Schema.ConstraintValidationFailed');
    expect(human.stderr).toContain('partial changes: none — nothing of it was committed (its transaction was rolled back)');
    expect(human.stderr).toContain('Atomic: rolled back 2 migrations of this run: 1.1.0, 1.0.0');
    expect(human.stderr).toMatch(/Database is at \(none\)/);
    expect(await labels()).toEqual({});
    noPassword(human);

    const json = await neomig(['up', '--json'], dir);
    expect(json.code).toBe(1);
    const doc = json.json();
    expect(doc).toMatchObject({
      ok: false,
      command: 'up',
      to: null,
      failed: { version: '1.2.0', statement: 2, line: 2, partialChanges: 'none' },
      error: { code: 'MIGRATION_FAILED', version: '1.2.0', statement: 2, line: 2, neo4jCode: 'Neo.ClientError.Schema.ConstraintValidationFailed', partialChanges: 'none' },
    });
    expect(doc.rolledBack.map((s: { version: string }) => s.version)).toEqual(['1.1.0', '1.0.0']);

    const noAtomic = await neomig(['up', '--no-atomic', '--json'], dir);
    expect(noAtomic.code).toBe(1);
    expect(noAtomic.json()).toMatchObject({ to: '1.1.0', rolledBack: [] });
    expect(await labels()).toEqual({ Author: 1, Book: 1 });
  });
});

describe('validate, repair, baseline, clean', () => {
  it('drift: validate and up exit 3; repair --dry-run shows, repair realigns; up exits 0', async () => {
    const dir = project(BOOKS);
    expect((await neomig(['up'], dir)).code).toBe(0);
    writeFileSync(path.join(dir, 'migrations/V1.1.0__authors.up.cypher'), 'CREATE (:Author {name: "Butler"});\n');

    const validate = await neomig(['validate', '--json'], dir);
    expect(validate.code).toBe(3);
    expect(validate.json()).toMatchObject({ ok: false, offline: false, issues: [{ kind: 'checksum_changed', version: '1.1.0' }], error: { code: 'VALIDATION' } });
    expect((await neomig(['validate', '--offline'], dir)).code).toBe(0);

    const up = await neomig(['up'], dir);
    expect(up.code).toBe(3);
    expect(up.stderr).toMatch(/^error \[VALIDATION\] .*1\.1\.0/m);

    const dry = await neomig(['repair', '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Repair would:\n {2}checksum realigned: 1\.1\.0/);
    expect((await neomig(['validate'], dir)).code).toBe(3);

    const repair = await neomig(['repair', '--json'], dir);
    expect(repair.code).toBe(0);
    expect(repair.json()).toMatchObject({ ok: true, command: 'repair', dryRun: false, actions: [{ kind: 'checksum_realigned', version: '1.1.0' }] });
    expect((await neomig(['up'], dir)).code).toBe(0);
    expect((await neomig(['validate'], dir)).code).toBe(0);
  });

  it('baseline marks the database, once', async () => {
    const dir = project(BOOKS);
    const baseline = await neomig(['baseline', '--version', '1.1', '--description', 'before neomig', '--json'], dir);
    expect(baseline.code).toBe(0);
    expect(baseline.json()).toEqual({ ok: true, command: 'baseline', version: '1.1.0', description: 'before neomig' });
    const up = await neomig(['up', '--json'], dir);
    expect(up.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.2.0']);
    expect(await labels()).toEqual({ Genre: 1 });
    const again = await neomig(['baseline', '--version', '2.0.0'], dir);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/already has migration history/);
  });

  it('clean deletes everything when enabled and confirmed', async () => {
    const dir = project({ ...BOOKS, 'neomig.config.yaml': 'environments:\n  scratch:\n    cleanEnabled: true\n' });
    expect((await neomig(['up'], dir)).code).toBe(0);
    expect((await neomig(['clean', '--yes'], dir)).code).toBe(2);
    expect((await neomig(['clean', '--env', 'scratch'], dir)).code).toBe(2);
    expect(await labels()).toEqual({ Author: 1, Book: 1, Genre: 1 });
    const clean = await neomig(['clean', '--env', 'scratch', '--yes', '--json'], dir);
    expect(clean.code).toBe(0);
    expect(clean.json()).toMatchObject({ ok: true, command: 'clean', constraintsDropped: expect.arrayContaining(['book_isbn']) });
    expect(await labels()).toEqual({});
    const status = await neomig(['status', '--json'], dir);
    expect(status.json().migrations.map((m: { status: string }) => m.status)).toEqual(['pending', 'pending', 'pending']);
  });

  it('a protected environment runs down only with --yes', async () => {
    const dir = project({ ...BOOKS, 'neomig.config.yaml': 'environments:\n  prod:\n    protected: true\n' });
    expect((await neomig(['up', '--env', 'prod'], dir)).code).toBe(0);
    expect((await neomig(['down', '--env', 'prod'], dir)).code).toBe(2);
    expect((await neomig(['down', '--env', 'prod', '--dry-run'], dir)).code).toBe(0);
    const down = await neomig(['down', '--env', 'prod', '--yes', '--json'], dir);
    expect(down.code).toBe(0);
    expect(down.json().to).toBe('1.1.0');
  });
});

describe('lock and connection', () => {
  it('exits 4 when another run holds the lock past --lock-timeout', async () => {
    const dir = project({
      ...BOOKS,
      'migrations/V1.3.0__slow.ts': `export default {
        async up(ctx) { await new Promise((r) => setTimeout(r, 6000)); await ctx.run('CREATE (:Slow)'); },
        async down(ctx) { await ctx.run('MATCH (s:Slow) DELETE s'); },
      };\n`,
    });
    const holder = testMigrator(path.join(dir, 'migrations'));
    const running = holder.up();
    try {
      const start = Date.now();
      while (!holder.events.some((e) => e.type === 'lock:acquired')) {
        if (Date.now() - start > 20_000) throw new Error('the holder never took the lock');
        await new Promise((r) => setTimeout(r, 50));
      }
      const human = await neomig(['up', '--lock-timeout', '1'], dir);
      expect(human.code).toBe(4);
      expect(human.stderr).toMatch(/Waiting for the lock held by /);
      expect(human.stderr).toMatch(/error \[LOCK\] the migration lock on database "neo4j" is held by /);
      const json = await neomig(['up', '--json'], dir, { NEOMIG_LOCK_MODE: 'fail' });
      expect(json.code).toBe(4);
      expect(json.json()).toMatchObject({ ok: false, command: 'up', error: { code: 'LOCK' } });
    } finally {
      await running;
      await holder.close();
    }
  });

  it('exits 5 for a wrong password and never prints it (env, flag or config file)', async () => {
    const wrong = 'Wr0ng-Pa55word-42';
    // failed logins as another user, so that the lock-out they cause never hits the other tests' user
    const user = await probeUser(driver);
    const dir = project({ ...BOOKS, 'neomig.config.json': JSON.stringify({ password: `${wrong}-file` }) });
    const viaEnv = await neomig(['status'], dir, { NEO4J_PASSWORD: wrong, NEO4J_USERNAME: user });
    expect(viaEnv.code).toBe(5);
    expect(viaEnv.stderr).toMatch(/^Using neomig\.config\.json\nerror \[CONNECTION\] /);
    expect(viaEnv.stderr).toContain('hint');
    noPassword(viaEnv, wrong);
    const env: Record<string, string> = { ...connectionEnv(), NEO4J_USERNAME: user };
    delete env.NEO4J_PASSWORD;
    const viaFlag = await runCli(['up', '--json', '--password', wrong], { cwd: dir, env });
    expect(viaFlag.code).toBe(5);
    expect(viaFlag.json()).toMatchObject({ ok: false, command: 'up', error: { code: 'CONNECTION' } });
    noPassword(viaFlag, wrong);
    const viaFile = await runCli(['status', '--json'], { cwd: dir, env });
    expect(viaFile.code).toBe(5);
    noPassword(viaFile, `${wrong}-file`);
  });

  it('exits 5 when nothing listens at the URI', async () => {
    const r = await neomig(['status', '--json', '--uri', 'bolt://127.0.0.1:1'], project(BOOKS));
    expect(r.code).toBe(5);
    expect(r.json().error.code).toBe('CONNECTION');
  });
});
