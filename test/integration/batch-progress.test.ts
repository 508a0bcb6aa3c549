/**
 * A TypeScript migration with two ctx.batch() jobs over 200,000 nodes, run by the real bin/neomig with
 * stdout and stderr going to files, as in a CI job: the history, the JSON document and the log carry
 * what the batches changed, and the log shows progress lines with a rate while the batches run.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { LOOP_PROPERTIES } from '../../src/core/batch-query.js';
import type { BatchProgressEvent } from '../../src/runner/types.js';
import type { MigrationRunError } from '../../src/runner/migrator.js';
import { BIN, cleanEnv, ensureBuilt } from '../support/cli.js';
import { migrationsDir, removeMigrationDirs, testMigrator, writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => {
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  removeMigrationDirs();
});

const ITEMS = 200_000;

// Each job takes its batch from a label it removes (or adds), so no batch scans rows already done.
const MIGRATION = `export default {
  async up(ctx) {
    await ctx.run('CREATE CONSTRAINT item_batch_id IF NOT EXISTS FOR (b:ItemBatch) REQUIRE b.id IS UNIQUE');
    await ctx.batch(
      'MATCH (i:Unsized) WITH i LIMIT $batchSize REMOVE i:Unsized SET i.size = $size RETURN count(i) AS processed',
      { size: 2 },
      { batchSize: 20000, label: 'size items', countQuery: 'MATCH (i:Unsized) RETURN count(i)' },
    );
    await ctx.batch(
      'MATCH (t:Tag) WHERE NOT t:Checked WITH t LIMIT $batchSize SET t:Checked RETURN count(t)',
      {},
      { batchSize: 250, total: 1000 },
    );
  },
  async down(ctx) {
    await ctx.batch('MATCH (i) WHERE i.size IS NOT NULL WITH i LIMIT $batchSize SET i:Unsized REMOVE i.size RETURN count(i)');
    await ctx.batch('MATCH (t:Checked) WITH t LIMIT $batchSize REMOVE t:Checked RETURN count(t)');
    await ctx.run('DROP CONSTRAINT item_batch_id IF EXISTS');
  },
};
`;

/** Runs bin/neomig with stdout and stderr written to two files (not a terminal), returning both. */
function neomigToFiles(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const out = path.join(cwd, 'stdout.log');
  const err = path.join(cwd, 'stderr.log');
  const fds = [openSync(out, 'w'), openSync(err, 'w')] as const;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...cleanEnv(), ...connectionEnv(), ...env }, stdio: ['ignore', fds[0], fds[1]] });
    child.on('error', reject);
    child.on('exit', (code) => {
      fds.forEach((fd) => closeSync(fd));
      resolve({ code, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') });
    });
  });
}

/** "... rows/s labelsRemoved 200000, propertiesSet 200000" -> the counters, sorted */
function countersOf(line: string): string[] {
  return line.replace(/^.*(rows\/s |\()/, '').split(', ').sort();
}

async function createItems(): Promise<void> {
  // CALL { } IN TRANSACTIONS needs an implicit transaction: session.run
  const session = driver.session();
  try {
    await session.run('UNWIND range(1, $n) AS n CALL (n) { CREATE (:Unsized) } IN TRANSACTIONS OF 50000 ROWS', { n: ITEMS });
    await session.run('UNWIND range(1, 1000) AS n CREATE (:Tag {n: n})');
  } finally {
    await session.close();
  }
}

describe('ctx.batch over 200,000 nodes', () => {
  it('records its counters in the history and the JSON, and logs progress with a rate off a terminal', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-batch-it-'));
    dirs.push(dir);
    writeFiles(dir, { 'migrations/V1.0.0__size_items.ts': MIGRATION });
    await createItems();

    const run = await neomigToFiles(['up', '--json'], dir, { NEOMIG_PROGRESS_INTERVAL_MS: '50' });
    expect(run.code, run.stderr).toBe(0);

    const expected = { propertiesSet: ITEMS, labelsRemoved: ITEMS, labelsAdded: 1000, constraintsAdded: 1 };
    const doc = JSON.parse(run.stdout) as { applied: { version: string; counters: Record<string, number> }[] };
    expect(doc.applied.map((s) => s.version)).toEqual(['1.0.0']);
    expect(doc.applied[0]!.counters).toEqual(expected);

    const recorded = await driver.executeQuery("MATCH (v:SchemaVersion {version: '1.0.0'}) RETURN v.counters AS counters");
    expect(JSON.parse(recorded.records[0]!.get('counters') as string)).toEqual(expected);

    const log = run.stderr.split('\n');
    // one line per finished job, each under its own label, with its own rate and counters
    const sized = log.find((l) => l.startsWith('  ✓ size items: '));
    expect(sized, run.stderr).toMatch(/^ {2}✓ size items: 200,000 rows in 10 batches, [\d.]+m?s, [\d,.]+ rows\/s /);
    expect(countersOf(sized!)).toEqual(['labelsRemoved 200000', 'propertiesSet 200000']);
    const checked = log.find((l) => l.startsWith('  ✓ batch 2: '));
    expect(checked, run.stderr).toMatch(/^ {2}✓ batch 2: 1,000 rows in 4 batches, [\d.]+m?s, [\d,.]+ rows\/s labelsAdded 1000$/);
    // progress while the first job ran, with the total from its countQuery and a rate once a batch is done
    const progress = log.filter((l) => l.startsWith('  … size items: '));
    expect(progress.length, run.stderr).toBeGreaterThan(0);
    expect(progress.filter((l) => /: [\d,]+\/200,000 rows \d+% · [\d,.]+ rows\/s · ETA /.test(l)).length, run.stderr).toBeGreaterThan(0);
    const applied = log.find((l) => l.startsWith('  applied 1.0.0 in '));
    expect(countersOf(applied!.replace(/\)$/, ''))).toEqual(['constraintsAdded 1', 'labelsAdded 1000', 'labelsRemoved 200000', 'propertiesSet 200000']);
  }, 180_000); // 200,000 nodes: slow on a busy machine
});

describe('a key-ordered ctx.batch() (its batches after the first run server-side, in one query)', () => {
  it('updates every node once, counts only what its update did, and leaves one JSON checkpoint saying done', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-batch-it-'));
    dirs.push(dir);
    const session = driver.session();
    try {
      await session.run('CREATE INDEX keyed_item_k IF NOT EXISTS FOR (i:KeyedItem) ON (i.k)');
      await session.run('UNWIND range(1, 30000) AS k CALL (k) { CREATE (:KeyedItem {k: k}) } IN TRANSACTIONS OF 10000 ROWS');
      await session.run('CALL db.awaitIndexes(300)');
    } finally {
      await session.close();
    }
    writeFiles(dir, {
      'migrations/V1__keyed.ts': `export default {
        async up(ctx) {
          await ctx.batch({ label: 'keyed', match: '(i:KeyedItem)', key: 'i.k', update: 'SET i.n = coalesce(i.n, 0) + 1', batchSize: 1000 });
        },
        async down(ctx) { await ctx.run('MATCH (i:KeyedItem) REMOVE i.n'); },
      };`,
    });
    const run = await neomigToFiles(['up', '--json'], dir, { NEOMIG_PROGRESS_INTERVAL_MS: '50' });
    expect(run.code, run.stderr).toBe(0);
    const updated = await driver.executeQuery('MATCH (i:KeyedItem) RETURN i.n AS n, count(*) AS c');
    expect(updated.records.map((r) => [r.get('n'), Number(r.get('c'))])).toEqual([[neo4j.int(1), 30000]]);
    const doc = JSON.parse(run.stdout) as { applied: { counters: Record<string, number> }[] };
    expect(doc.applied[0]!.counters).toEqual({ propertiesSet: 30000 });
    expect(run.stderr).toMatch(/✓ keyed: 30,000 rows in 30 batches/);
    const entry = await driver.executeQuery(
      "MATCH (v:SchemaVersion {version: '1.0.0'}) RETURN v.checkpoint AS checkpoint, [p IN $loop | v[p]] AS loop",
      { loop: [...LOOP_PROPERTIES] },
    );
    const row = entry.records[0]!;
    // what the server-side batches recorded is in the JSON checkpoint, and cleared
    expect(row.get('loop')).toEqual(LOOP_PROPERTIES.map(() => null));
    const job = (JSON.parse(String(row.get('checkpoint'))) as { jobs: Record<string, unknown>[] }).jobs[0];
    expect(job).toMatchObject({ label: 'keyed', rows: 30000, batches: 30, done: true, lastKey: { type: 'INTEGER', value: '30000' }, counters: { propertiesSet: 30000 } });
  }, 180_000);
});

describe('a ctx.batch() by a key that repeats (no constraint makes it unique)', () => {
  // 1,000 items, 37 to a year: runs of equal keys cross every batch boundary of 50
  const job = (version: string, extra: string) => `export default {
    ${extra}
    async up(ctx) {
      await ctx.batch({ label: 'by year', match: '(i:YearItem)', key: 'i.year', update: 'SET i.n${version} = coalesce(i.n${version}, 0) + 1', batchSize: 50 });
    },
  };`;

  it('updates every row exactly once, whether its batches run on the server or from neomig (a timeout)', async () => {
    await driver.executeQuery('CREATE INDEX year_item_year IF NOT EXISTS FOR (i:YearItem) ON (i.year)');
    await driver.executeQuery('UNWIND range(0, 999) AS k CREATE (:YearItem {k: k, year: 1900 + k / 37})');
    await driver.executeQuery('CALL db.awaitIndexes(300)');
    const m = testMigrator(migrationsDir({ 'V1__server.ts': job('1', ''), 'V2__client.ts': job('2', "timeout: '60s',") }));
    try {
      const result = await m.up();
      expect(result.applied.map((a) => a.counters)).toEqual([{ propertiesSet: 1000 }, { propertiesSet: 1000 }]);
      const counts = await driver.executeQuery('MATCH (i:YearItem) RETURN i.n1 AS n1, i.n2 AS n2, count(*) AS c');
      expect(counts.records.map((r) => [r.get('n1'), r.get('n2'), Number(r.get('c'))])).toEqual([[neo4j.int(1), neo4j.int(1), 1000]]);
      const done = m.events.filter((e): e is BatchProgressEvent => e.type === 'batch:progress' && e.phase === 'done');
      expect(done.map((e) => e.rows)).toEqual([1000, 1000]);
    } finally {
      await m.close();
    }
  });
});

describe('ctx.batch jobs', () => {
  const TWO_JOBS = `export default {
    async up(ctx) {
      await ctx.run('UNWIND range(1, 5) AS n CREATE (:Job {n: n})');
      const first = await ctx.batch(
        'MATCH (j:Job) WHERE j.a IS NULL WITH j LIMIT $batchSize SET j.a = true RETURN count(j)', {},
        { batchSize: 2, countQuery: 'MATCH (j:Job) WHERE j.a IS NULL RETURN count(j)' });
      const second = await ctx.batch(
        'MATCH (j:Job) WHERE j.b IS NULL WITH j LIMIT $batchSize SET j.b = true RETURN count(j)', {},
        { batchSize: 3, total: 5 });
      ctx.log.info(JSON.stringify([first.rows, first.batches, first.counters, second.rows, second.batches, second.counters]));
    },
  };`;

  it('name each job, report its rows, total and ETA, and add its counters to the migration', async () => {
    const m = testMigrator(migrationsDir({ 'V1__jobs.ts': TWO_JOBS }));
    try {
      const result = await m.up();
      expect(result.applied[0]!.counters).toEqual({ nodesCreated: 5, labelsAdded: 5, propertiesSet: 15 });
      const progress = m.events.filter((e): e is BatchProgressEvent => e.type === 'batch:progress');
      expect(progress.map((e) => [e.label, e.phase, e.rows, e.batches, e.total])).toEqual([
        ['batch 1', 'start', 0, 0, 5],
        ['batch 1', 'running', 2, 1, 5],
        ['batch 1', 'running', 4, 2, 5],
        ['batch 1', 'running', 5, 3, 5],
        ['batch 1', 'done', 5, 3, 5],
        ['batch 2', 'start', 0, 0, 5],
        ['batch 2', 'running', 3, 1, 5],
        ['batch 2', 'running', 5, 2, 5],
        ['batch 2', 'done', 5, 2, 5],
      ]);
      for (const e of progress.filter((x) => x.phase === 'running')) {
        expect(e.rowsPerSecond).toBeGreaterThan(0);
        expect(e.etaMs).toBeGreaterThanOrEqual(0);
      }
      expect(progress.at(-1)!.counters).toEqual({ propertiesSet: 5 });
      const log = m.events.find((e) => e.type === 'log' && e.level === 'info');
      expect(log).toMatchObject({ message: JSON.stringify([5, 3, { propertiesSet: 5 }, 5, 2, { propertiesSet: 5 }]) });
    } finally {
      await m.close();
    }
  });

  it('refuses a countQuery that does not return a number, naming the job', async () => {
    const m = testMigrator(migrationsDir({
      'V1__bad_count.ts': `export default {
        async up(ctx) {
          await ctx.batch('MATCH (j:Job) WITH j LIMIT $batchSize DELETE j RETURN count(j)', {},
            { label: 'purge jobs', countQuery: "RETURN 'many' AS n" });
        },
      };`,
    }));
    try {
      const error = (await m.up().catch((e: unknown) => e)) as MigrationRunError;
      expect(error.result.failed?.message).toContain('ctx.batch() countQuery in 1.0.0 (purge jobs) must return one row whose first column is a number');
    } finally {
      await m.close();
    }
  });
});
