import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationRunError } from '../../src/runner/migrator.js';
import { exampleMigrations, migrationsDir, removeMigrationDirs, testMigrator } from '../support/migrations.js';
import { useCleanDatabase, userSchema } from '../support/neo4j.js';

let driver: Driver;

async function history(): Promise<Record<string, unknown>[]> {
  const r = await driver.executeQuery(
    `MATCH (v:SchemaVersion) RETURN v {.version, .status, .checksum, .type, .script, .downScript, .downScriptName, .partialChanges, .reversed, .errorCode, .description} AS v ORDER BY v.version`,
  );
  return r.records.map((x) => x.get('v') as Record<string, unknown>);
}

async function count(cypher: string): Promise<number> {
  const r = await driver.executeQuery(cypher);
  return Number(r.records[0]?.get(0));
}

useCleanDatabase((d) => (driver = d));
afterEach(() => removeMigrationDirs());

describe('the example migrations', () => {
  it('up, down --to 1.0.0, up again leaves schema and history as after the first up', async () => {
    const m = testMigrator(exampleMigrations());
    try {
      const first = await m.up();
      expect(first.applied.map((s) => s.version)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
      expect(first.to).toBe('2.0.0');
      const schemaAfterUp = await userSchema(driver);
      const historyAfterUp = await history();
      expect(historyAfterUp.map((h) => h['status'])).toEqual(['applied', 'applied', 'applied']);
      expect(await count('MATCH ()-[l:LOAN]->() RETURN count(l)')).toBe(1);
      expect(await count('MATCH (b:Book) WHERE b.slug IS NULL RETURN count(b)')).toBe(0);

      const down = await m.down({ to: '1.0.0' });
      expect(down.applied.map((s) => s.version)).toEqual(['2.0.0', '1.1.0']);
      expect(down.to).toBe('1.0.0');
      expect((await history()).map((h) => `${h['version']}:${h['status']}`)).toEqual(['1.0.0:applied', '1.1.0:rolled_back', '2.0.0:rolled_back']);
      expect(await count('MATCH ()-[l:LOAN]->() RETURN count(l)')).toBe(0);
      expect(await count('MATCH ()-[b:BORROWED]->() RETURN count(b)')).toBe(1);
      expect(await count('MATCH (b:Book) WHERE b.slug IS NOT NULL RETURN count(b)')).toBe(0);
      expect((await userSchema(driver)).map((s: { name: string }) => s.name)).not.toContain('book_slug');

      const again = await m.up();
      expect(again.applied.map((s) => s.version)).toEqual(['1.1.0', '2.0.0']);
      expect(await userSchema(driver)).toEqual(schemaAfterUp);
      expect(await history()).toEqual(historyAfterUp);
    } finally {
      await m.close();
    }
  });

  it('records every up and down in the audit trail', async () => {
    const m = testMigrator(exampleMigrations());
    try {
      await m.up();
      await m.down({ steps: 1 });
      const r = await driver.executeQuery(
        `MATCH (:SchemaVersion {version: '2.0.0'})-[:HAS_EVENT]->(e:SchemaVersionEvent) RETURN e.action AS action ORDER BY e.at`,
      );
      expect(r.records.map((x) => x.get('action'))).toEqual(['start', 'up', 'down']);
    } finally {
      await m.close();
    }
  });
});

describe('transaction grouping', () => {
  it('applies a file that mixes schema and data statements with transaction: auto', async () => {
    const dir = migrationsDir({
      'V1__mixed.up.cypher': [
        'CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE;',
        "CREATE (:Person {id: 1, name: 'Ann'});",
        'CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name);',
        "MATCH (p:Person {id: 1}) SET p.checked = true;",
      ].join('\n'),
      'V1__mixed.down.cypher': 'MATCH (p:Person) DELETE p;\nDROP INDEX person_name IF EXISTS;\nDROP CONSTRAINT person_id IF EXISTS;',
    });
    const m = testMigrator(dir);
    try {
      const result = await m.up();
      expect(result.applied.map((s) => s.version)).toEqual(['1.0.0']);
      expect(await count('MATCH (p:Person {checked: true}) RETURN count(p)')).toBe(1);
      expect((await userSchema(driver)).map((s: { name: string }) => s.name).sort()).toEqual(['person_id', 'person_name']);
    } finally {
      await m.close();
    }
  });

  it('runs CALL { } IN TRANSACTIONS in its own implicit transaction', async () => {
    const dir = migrationsDir({
      'V1__seed.up.cypher': 'UNWIND range(1, 50) AS i CREATE (:Item {i: i});\nMATCH (n:Item) CALL (n) { SET n.even = n.i % 2 = 0 } IN TRANSACTIONS OF 10 ROWS;',
      'V1__seed.down.cypher': 'MATCH (n:Item) DELETE n;',
    });
    const m = testMigrator(dir);
    try {
      await m.up();
      expect(await count('MATCH (n:Item {even: true}) RETURN count(n)')).toBe(25);
    } finally {
      await m.close();
    }
  });
});

describe('failure and reversal', () => {
  const first = {
    'V1.0.0__people.up.cypher': "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE;\nCREATE (:Person {id: 1});",
    'V1.0.0__people.down.cypher': 'MATCH (p:Person) DELETE p;\nDROP CONSTRAINT person_id IF EXISTS;',
  };

  it('a failing third statement leaves no trace of the first two, is recorded failed, and earlier steps are reversed', async () => {
    const dir = migrationsDir({
      ...first,
      'V1.1.0__cities.up.cypher': [
        'CREATE CONSTRAINT city_name IF NOT EXISTS FOR (c:City) REQUIRE c.name IS UNIQUE;',
        "CREATE (:City {name: 'Oslo'});",
        "CREATE (:City {name: 'Oslo'});",
      ].join('\n'),
      'V1.1.0__cities.down.cypher': 'MATCH (c:City) DELETE c;\nDROP CONSTRAINT city_name IF EXISTS;',
    });
    const m = testMigrator(dir);
    try {
      const error = await m.up().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationRunError);
      const run = error as MigrationRunError;
      expect(run.code).toBe('MIGRATION_FAILED');
      expect(run.details.file).toBe('V1.1.0__cities.up.cypher');
      expect(run.details.statement).toBe(3);
      expect(run.details.line).toBe(3);
      expect(run.details.neo4jCode).toBe('Neo.ClientError.Schema.ConstraintValidationFailed');
      expect(run.result.failed).toMatchObject({ version: '1.1.0', partialChanges: 'undone' });
      expect(run.result.rolledBack.map((s) => s.version)).toEqual(['1.0.0']);
      expect(run.result.applied).toEqual([]);

      expect(await count('MATCH (c:City) RETURN count(c)')).toBe(0);
      expect(await count('MATCH (p:Person) RETURN count(p)')).toBe(0);
      expect(await userSchema(driver)).toEqual([]);
      const h = await history();
      expect(h.map((x) => `${x['version']}:${x['status']}`)).toEqual(['1.0.0:rolled_back', '1.1.0:failed']);
      expect(h[1]).toMatchObject({ partialChanges: 'undone', errorCode: 'Neo.ClientError.Schema.ConstraintValidationFailed' });
    } finally {
      await m.close();
    }
  });

  it('with --no-atomic, earlier steps of the run stay applied', async () => {
    const dir = migrationsDir({
      ...first,
      'V1.1.0__broken.up.cypher': 'CREATE (:Thing);\nTHIS IS NOT CYPHER;',
      'V1.1.0__broken.down.cypher': 'MATCH (t:Thing) DELETE t;',
    });
    // without the preflight, which would stop the syntax error before 1.0.0 runs
    const m = testMigrator(dir, { preflight: false });
    try {
      const error = (await m.up({ atomic: false }).catch((e: unknown) => e)) as MigrationRunError;
      expect(error.details.neo4jCode).toBe('Neo.ClientError.Statement.SyntaxError');
      expect(error.result.applied.map((s) => s.version)).toEqual(['1.0.0']);
      expect(await count('MATCH (p:Person) RETURN count(p)')).toBe(1);
      expect(await count('MATCH (t:Thing) RETURN count(t)')).toBe(0);
      // the failed entry was reversed, so a fixed file is simply retried
      const fixed = migrationsDir({ ...first, 'V1.1.0__broken.up.cypher': 'CREATE (:Thing);', 'V1.1.0__broken.down.cypher': 'MATCH (t:Thing) DELETE t;' });
      const m2 = testMigrator(fixed);
      try {
        const again = await m2.up();
        expect(again.applied.map((s) => s.version)).toEqual(['1.1.0']);
      } finally {
        await m2.close();
      }
    } finally {
      await m.close();
    }
  });

  it('a falsy validate query reverses the step', async () => {
    const dir = migrationsDir({
      ...first,
      'V1.1.0__tags.up.cypher': "// ---\n// validate: MATCH (t:Tag) RETURN count(t) = 3 AS valid\n// ---\nCREATE INDEX tag_name IF NOT EXISTS FOR (t:Tag) ON (t.name);\nCREATE (:Tag {name: 'a'}), (:Tag {name: 'b'});",
      'V1.1.0__tags.down.cypher': 'MATCH (t:Tag) DELETE t;\nDROP INDEX tag_name IF EXISTS;',
    });
    const m = testMigrator(dir);
    try {
      const error = (await m.up().catch((e: unknown) => e)) as MigrationRunError;
      expect(error.code).toBe('MIGRATION_FAILED');
      expect(error.message).toContain('validation query 1');
      expect(error.result.failed).toMatchObject({ version: '1.1.0', partialChanges: 'undone' });
      expect(error.result.rolledBack.map((s) => s.version)).toEqual(['1.0.0']);
      expect(await count('MATCH (t:Tag) RETURN count(t)')).toBe(0);
      expect(await userSchema(driver)).toEqual([]);
      expect((await history()).map((x) => `${x['version']}:${x['status']}`)).toEqual(['1.0.0:rolled_back', '1.1.0:failed']);
    } finally {
      await m.close();
    }
  });

  it('after an atomic failure: earlier migrations are rolled_back, the failed one says nothing of it was committed', async () => {
    const dir = migrationsDir({
      'V1.0.0__people.up.cypher': 'CREATE (:Person {id: 1});',
      'V1.0.0__people.down.cypher': 'MATCH (p:Person) DELETE p;',
      // one data transaction: its validate runs inside it, so a falsy result rolls it back whole
      'V1.1.0__tags.up.cypher': "// ---\n// validate: MATCH (t:Tag) RETURN count(t) = 3 AS valid\n// ---\nCREATE (:Tag {name: 'a'});\nCREATE (:Tag {name: 'b'});",
      'V1.1.0__tags.down.cypher': 'CREATE (:DownRan);',
    });
    const m = testMigrator(dir);
    try {
      const error = (await m.up().catch((e: unknown) => e)) as MigrationRunError;
      expect(error.message).toContain('validation query 1');
      expect(error.message).toContain('nothing of it was committed (its transaction was rolled back)');
      expect(error.result.failed).toMatchObject({ version: '1.1.0', partialChanges: 'none' });
      expect(error.result.rolledBack.map((s) => s.version)).toEqual(['1.0.0']);
      // nothing to undo: its down never ran
      expect(await count('MATCH (n) WHERE n:Tag OR n:DownRan OR n:Person RETURN count(n)')).toBe(0);
      expect(m.events.filter((e) => e.type === 'migration:start' && e.direction === 'down').map((e) => 'version' in e && e.version)).toEqual(['1.0.0']);

      const h = await history();
      expect(h.map((x) => [x['version'], x['status'], x['partialChanges'] ?? null, x['reversed'] ?? null])).toEqual([
        ['1.0.0', 'rolled_back', null, null],
        ['1.1.0', 'failed', 'none', null],
      ]);
      const status = await m.status();
      expect(status.migrations.map((s) => [s.version, s.status, s.applied?.status, s.applied?.partialChanges])).toEqual([
        ['1.0.0', 'pending', 'rolled_back', null],
        ['1.1.0', 'failed', 'failed', 'none'],
      ]);
      const events = await driver.executeQuery(
        "MATCH (:SchemaVersion {version: '1.0.0'})-[:HAS_EVENT]->(e:SchemaVersionEvent) RETURN e.action AS action, e.detail AS detail ORDER BY e.at",
      );
      expect(events.records.map((r) => [r.get('action'), r.get('detail')])).toEqual([['up', null], ['down', 'atomic: 1.1.0 failed']]);
    } finally {
      await m.close();
    }
  });

  it('a TypeScript step whose ctx.run calls share one transaction is recorded in it, and rolled back whole when it throws', async () => {
    const dir = migrationsDir({
      'V1__ok.ts': `export default {
        async up(ctx) { await ctx.run('CREATE (:T {x: 1})'); await ctx.run('MATCH (t:T) SET t.y = 2'); },
        async down(ctx) { await ctx.run('MATCH (t:T) DELETE t'); },
      };`,
      'V2__throws.ts': `export default {
        async up(ctx) { await ctx.run('CREATE (:U)'); throw new Error('boom before commit'); },
        async down(ctx) { await ctx.run('CREATE (:DownRan)'); },
      };`,
    });
    const m = testMigrator(dir);
    try {
      const error = (await m.up({ atomic: false }).catch((e: unknown) => e)) as MigrationRunError;
      expect(error.message).toContain('boom before commit');
      expect(error.result.applied.map((s) => s.version)).toEqual(['1.0.0']);
      expect(error.result.failed?.partialChanges).toBe('none');
      expect(await count('MATCH (t:T {y: 2}) RETURN count(t)')).toBe(1);
      expect(await count('MATCH (n) WHERE n:U OR n:DownRan RETURN count(n)')).toBe(0);
      // no start record: the step never committed mid-way, so its record went into its one transaction
      const actions = await driver.executeQuery('MATCH (v:SchemaVersion)-[:HAS_EVENT]->(e) RETURN v.version + ":" + e.action AS a ORDER BY a');
      expect(actions.records.map((r) => r.get('a'))).toEqual(['1.0.0:up', '2.0.0:failed']);
    } finally {
      await m.close();
    }
  });

  it('a TypeScript step that throws after committing is compensated by its down', async () => {
    const dir = migrationsDir({
      'V1__ts.ts': `export default {
        async up(ctx) {
          await ctx.run('CREATE INDEX ts_idx IF NOT EXISTS FOR (n:T) ON (n.x)');
          await ctx.run('CREATE (:T {x: 1})');
          throw new Error('boom after work');
        },
        async down(ctx) {
          await ctx.run('MATCH (n:T) DELETE n');
          await ctx.run('DROP INDEX ts_idx IF EXISTS');
        },
      };`,
    });
    const m = testMigrator(dir);
    try {
      const error = (await m.up().catch((e: unknown) => e)) as MigrationRunError;
      expect(error.message).toContain('boom after work');
      expect(error.result.failed?.partialChanges).toBe('undone');
      expect(await count('MATCH (n:T) RETURN count(n)')).toBe(0);
      expect(await userSchema(driver)).toEqual([]);
    } finally {
      await m.close();
    }
  });
});

describe('down', () => {
  it('uses the recorded down after the down file was deleted', async () => {
    const dir = exampleMigrations();
    const m = testMigrator(dir);
    try {
      await m.up();
      rmSync(path.join(dir, 'V2.0.0__borrowed_becomes_loan.down.cypher'));
      rmSync(path.join(dir, 'V1.1.0__backfill_book_slugs.ts'));
      const down = await m.down({ to: '1.0.0' });
      expect(down.applied.map((s) => s.version)).toEqual(['2.0.0', '1.1.0']);
      expect(await count('MATCH ()-[b:BORROWED]->() RETURN count(b)')).toBe(1);
      expect(await count('MATCH (b:Book) WHERE b.slug IS NOT NULL RETURN count(b)')).toBe(0);
    } finally {
      await m.close();
    }
  });

  it('refuses to strand a dependent and to pass an irreversible migration', async () => {
    const dir = migrationsDir({
      'V1__a.up.cypher': 'CREATE (:A);',
      'V1__a.down.cypher': 'MATCH (a:A) DELETE a;',
      'V2__b.up.cypher': 'CREATE (:B);',
      'V2__b.down.cypher': 'MATCH (b:B) DELETE b;',
      'V3__c.up.cypher': '// ---\n// dependsOn: ["1"]\n// irreversible: true\n// ---\nCREATE (:C);',
    });
    const m = testMigrator(dir);
    try {
      await m.up();
      await expect(m.down({ all: true })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('3.0.0 is irreversible') });
      expect(await count('MATCH (n) WHERE n:A OR n:B OR n:C RETURN count(n)')).toBe(3);
    } finally {
      await m.close();
    }
  });
});

describe('dry run', () => {
  it('shows every statement and its transaction grouping and writes nothing', async () => {
    const m = testMigrator(exampleMigrations());
    try {
      const result = await m.up({ dryRun: true });
      expect(result.dryRun).toBe(true);
      expect(result.plan?.map((s) => s.version)).toEqual(['1.0.0', '1.1.0', '2.0.0']);
      const groups = result.plan![0]!.groups!;
      expect(groups.map((g) => g.statements[0]!.kind)).toEqual(['schema', 'data']);
      expect(groups[0]!.statements).toHaveLength(4);
      expect(await count('MATCH (n) RETURN count(n)')).toBe(0);
      expect(await userSchema(driver)).toEqual([]);
    } finally {
      await m.close();
    }
  });
});
