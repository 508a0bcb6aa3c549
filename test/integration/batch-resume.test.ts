/**
 * Key-ordered ctx.batch() jobs record a checkpoint with every batch: a deploy killed at any moment
 * resumes on the next plain `neomig up` without processing a committed batch twice; a batch that hits
 * a transient error is retried; one that hits a hard error stops with its checkpoint recorded, and the
 * down sees how far the up got.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import type { MigrationRunError } from '../../src/runner/migrator.js';
import type { BatchProgressEvent } from '../../src/runner/types.js';
import { BIN, cleanEnv, ensureBuilt, runCli } from '../support/cli.js';
import { migrationsDir, removeMigrationDirs, testMigrator, writeFiles } from '../support/migrations.js';
import { connectionEnv, serverIdle, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];
useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => {
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  removeMigrationDirs();
});

async function rows(cypher: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  const r = await driver.executeQuery(cypher, params);
  const plain = (v: unknown) => (neo4j.isInt(v) ? v.toNumber() : v);
  return r.records.map((x) => Object.fromEntries(Object.entries(x.toObject()).map(([k, v]) => [k, plain(v)])));
}

/** `n` :Item nodes with k = 1..n (CALL { } IN TRANSACTIONS needs an implicit transaction). */
async function createItems(n: number, index = true): Promise<void> {
  if (index) await driver.executeQuery('CREATE INDEX item_k IF NOT EXISTS FOR (i:Item) ON (i.k)');
  const session = driver.session();
  try {
    await session.run('UNWIND range(1, $n) AS k CALL (k) { CREATE (:Item {k: k}) } IN TRANSACTIONS OF 50000 ROWS', { n: neo4j.int(n) });
    if (index) await session.run('CALL db.awaitIndexes(300)');
  } finally {
    await session.close();
  }
}

/** A job by element id whose batch fails on the item marked bad (and has no down). */
const DIVIDE = `export default {
  async up(ctx) {
    await ctx.batch({ label: 'divide', match: '(i:Item)', key: 'elementId(i)', batchSize: 10,
      update: 'SET i.n = coalesce(i.n, 0) + 1, i.q = CASE WHEN i.bad THEN 1 / 0 ELSE i.k END' });
  },
};`;

/** How many items were updated how many times: [{ n: 1, c: 200000 }] when each was updated once. */
async function updates(): Promise<Record<string, unknown>[]> {
  return rows('MATCH (i:Item) RETURN coalesce(i.n, 0) AS n, count(*) AS c ORDER BY n');
}

// concurrency 2: its batches are key ranges committing in any order, recorded one by one; by element
// id: each batch seeks a range of internal ids
describe.each([
  { key: 'i.k', concurrency: 1 },
  { key: 'i.k', concurrency: 2 },
  { key: 'elementId(i)', concurrency: 1 },
])('a key-ordered ctx.batch() killed at random moments (key $key, concurrency $concurrency)', ({ key, concurrency }) => {
  const ITEMS = 200_000;
  const MIGRATION = `export default {
    async up(ctx) {
      await ctx.run('CREATE INDEX item_k IF NOT EXISTS FOR (i:Item) ON (i.k)');
      await ctx.run('MERGE (:Marker {name: "before the batch"}) ON MATCH SET m.again = true'.replace('(:Marker', '(m:Marker'));
      await ctx.batch({ label: 'count items', match: '(i:Item)', key: '${key}', update: 'SET i.n = coalesce(i.n, 0) + 1', batchSize: 2000,
        concurrency: ${concurrency} });
    },
    async down(ctx) {
      await ctx.run('MATCH (i:Item) REMOVE i.n');
    },
  };`;

  /** Starts `neomig up` and SIGKILLs it `delayMs` after its first progress line of the batch job. */
  async function killDuringBatch(dir: string, delayMs: number): Promise<string> {
    const env = { ...cleanEnv(), ...connectionEnv(), NEOMIG_PROGRESS_INTERVAL_MS: '50' };
    const child: ChildProcess = spawn(process.execPath, [BIN, 'up'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let err = '';
    await new Promise<void>((resolve) => {
      let armed = false;
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (!armed && err.includes('count items:')) {
          armed = true;
          setTimeout(resolve, delayMs);
        }
      });
      void exited.then(() => resolve());
    });
    child.kill('SIGKILL');
    await exited;
    return err;
  }

  it('the next plain `neomig up` finishes it and every node is updated exactly once (10 kills)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-resume-it-'));
    dirs.push(dir);
    writeFiles(dir, {
      'migrations/V1__count_items.ts': MIGRATION,
      // a killed run's lock is taken over after 1 s
      'neomig.config.json': JSON.stringify({ lock: { ttlSeconds: 1, heartbeatSeconds: 0.3 } }),
    });
    await createItems(ITEMS);
    let resumedMidway = 0;
    for (let round = 0; round < 10; round++) {
      await driver.executeQuery('MATCH (n) WHERE n:SchemaVersion OR n:SchemaVersionEvent OR n:Marker OR n:NeomigLock DETACH DELETE n');
      await driver.executeQuery('MATCH (n) WHERE NOT n:Item DETACH DELETE n');
      const session = driver.session();
      await session.run('MATCH (i:Item) WHERE i.n IS NOT NULL CALL (i) { REMOVE i.n } IN TRANSACTIONS OF 50000 ROWS');
      await session.close();

      const log = await killDuringBatch(dir, Math.floor(Math.random() * 1500));
      await serverIdle(driver);
      const [entry] = await rows('MATCH (v:SchemaVersion) RETURN v.status AS status, v.partialChanges AS changes, v.checkpoint AS checkpoint');
      if (entry?.['status'] === 'failed') {
        resumedMidway++;
        expect(entry['changes'], log).toBe('unknown');
        const status = await runCli(['status', '--wide'], { cwd: dir, env: connectionEnv() });
        // the total is recorded with the first batch
        const at = /interrupted at ([\d,]+)(?:\/200,000)? rows, resumes on up/.exec(status.stdout);
        expect(at, status.stdout).not.toBeNull();
        // committed batches are exactly what the checkpoint says (its JSON, or a later key the batch loop
        // recorded batch by batch on the entry)
        const done = Number(at![1]!.replace(/,/g, ''));
        expect(await updates(), status.stdout).toEqual(done === 0 ? [{ n: 0, c: ITEMS }] : done === ITEMS ? [{ n: 1, c: ITEMS }] : [{ n: 0, c: ITEMS - done }, { n: 1, c: done }]);
      }

      const up = await runCli(['up', '--json'], { cwd: dir, env: connectionEnv(), timeoutMs: 180_000 });
      expect(up.code, `round ${round}: ${up.stdout}${up.stderr}`).toBe(0);
      expect(await updates(), `round ${round}`).toEqual([{ n: 1, c: ITEMS }]);
      expect(await rows('MATCH (v:SchemaVersion) RETURN v.status AS status')).toEqual([{ status: 'applied' }]);
      // the statements before the job committed with its start and were not sent again
      expect(await rows('MATCH (m:Marker) RETURN count(*) AS c, m.again AS again')).toEqual([{ c: 1, again: null }]);
    }
    expect(resumedMidway).toBeGreaterThan(0);
  }, 900_000);
});

describe('key-ordered ctx.batch() failures', () => {
  it('retries a batch that hit a deadlock, and each node is still updated once', async () => {
    await createItems(50);
    // a ballast of locks makes the other transaction the one Neo4j keeps when the cycle closes
    await driver.executeQuery('UNWIND range(1, 200) AS n CREATE (:Ballast {n: n})');
    const m = testMigrator(migrationsDir({
      'V1__touch.ts': `export default {
        async up(ctx) {
          await ctx.batch({ label: 'touch', match: '(i:Item)', key: 'i.k', update: 'SET i.n = coalesce(i.n, 0) + 1', batchSize: 10,
            retry: { initialDelayMs: 50 } });
        },
      };`,
    }));
    const session = driver.session();
    const tx = session.beginTransaction();
    try {
      // the other transaction holds item 2; the first batch locks item 1, then waits for item 2
      await tx.run('MATCH (i:Item {k: 2}) SET i.held = true WITH count(*) AS _ MATCH (b:Ballast) SET b.held = true');
      const up = m.up();
      for (;;) {
        const [b] = await rows("SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n");
        if (Number(b!['n']) > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // ... and now asks for item 1: a deadlock, which Neo4j breaks by failing the batch
      await tx.run('MATCH (i:Item {k: 1}) SET i.held = true');
      await tx.rollback();
      const result = await up;
      expect(result.applied.map((a) => a.version)).toEqual(['1.0.0']);
      const retried = m.events.find((e) => e.type === 'log' && e.level === 'warn' && e.message.startsWith('touch:'));
      expect(retried).toMatchObject({ message: expect.stringMatching(/^touch: batch 1 failed \(Neo\.TransientError\.Transaction\.DeadlockDetected: .*\); retry 1\/5 in \d+ ms$/) });
      expect(await updates()).toEqual([{ n: 1, c: 50 }]);
    } finally {
      await session.close();
      await m.close();
    }
  });

  it('warns when rows it counted were not walked: a key of another type, or none', async () => {
    await driver.executeQuery('CREATE INDEX mix_k FOR (m:Mix) ON (m.k)');
    await driver.executeQuery("UNWIND range(1, 10) AS i CREATE (:Mix {k: i}) WITH count(*) AS _ UNWIND ['a', 'b'] AS s CREATE (:Mix {k: s}) WITH count(*) AS _ CREATE (:Mix)");
    await driver.executeQuery('CALL db.awaitIndexes(300)');
    const m = testMigrator(migrationsDir({
      'V1__mix.ts': `export default {
        async up(ctx) { await ctx.batch({ label: 'mix', match: '(m:Mix)', key: 'm.k', update: 'SET m.done = true', batchSize: 3 }); },
        async down() {},
      };`,
    }));
    try {
      const result = await m.up();
      expect(result.applied.map((a) => a.version)).toEqual(['1.0.0']);
      const done = Number((await rows('MATCH (m:Mix) WHERE m.done RETURN count(*) AS c'))[0]!['c']);
      expect(done).toBeLessThan(13);
      const warnings = m.events.filter((e) => e.type === 'log' && e.level === 'warn').map((e) => (e as { message: string }).message);
      expect(warnings).toEqual([`mix: processed ${done} of the 13 rows counted when it started: rows whose m.k is null, or of another type than its first key's (a key has one type), are left out`]);
    } finally {
      await m.close();
    }
  });

  it('a hard error stops with the checkpoint recorded, and the down sees how far the up got', async () => {
    await createItems(100);
    await driver.executeQuery('MATCH (i:Item {k: 55}) SET i.bad = true');
    const m = testMigrator(migrationsDir({
      'V1__divide.ts': `export default {
        async up(ctx) {
          await ctx.batch({ label: 'divide', match: '(i:Item)', key: 'i.k', batchSize: 10,
            update: 'SET i.n = 1, i.q = CASE WHEN i.bad THEN 1 / 0 ELSE i.k END' });
        },
        async down(ctx) {
          await ctx.run('CREATE (:DownSaw {checkpoint: $json})', { json: JSON.stringify(ctx.checkpoint) });
          await ctx.run('MATCH (i:Item) REMOVE i.n, i.q');
        },
      };`,
    }));
    try {
      const error = (await m.up().catch((e: unknown) => e)) as MigrationRunError;
      expect(error.result.failed).toMatchObject({ version: '1.0.0', partialChanges: 'undone', neo4jCode: 'Neo.ClientError.Statement.ArithmeticError' });
      const [saw] = await rows('MATCH (d:DownSaw) RETURN d.checkpoint AS checkpoint');
      // batches 1-5 (k 1..50) committed; the sixth (k 51..60) failed on k = 55
      expect(JSON.parse(String(saw!['checkpoint']))).toEqual({ divide: { lastKey: 50, rows: 50, batches: 5, done: false } });
      expect(await updates()).toEqual([{ n: 0, c: 100 }]);
      const audit = await rows("MATCH (v:SchemaVersion)-[:HAS_EVENT]->(e) RETURN e.action AS action ORDER BY e.at");
      expect(audit.map((a) => a['action'])).toEqual(['start', 'failed']);
    } finally {
      await m.close();
    }
  });

  it('with concurrency, a hard error keeps the ranges that committed, and the next up runs only the others', async () => {
    await createItems(1000);
    await driver.executeQuery('MATCH (i:Item {k: 555}) SET i.bad = true');
    const m = testMigrator(migrationsDir({
      'V1__divide.ts': `export default {
        async up(ctx) {
          await ctx.batch({ label: 'divide', match: '(i:Item)', key: 'i.k', batchSize: 10, concurrency: 3,
            update: 'SET i.n = coalesce(i.n, 0) + 1, i.q = CASE WHEN i.bad THEN 1 / 0 ELSE i.k END' });
        },
      };`,
    }));
    try {
      const error = (await m.up().catch((e: unknown) => e)) as MigrationRunError;
      expect(error.result.failed).toMatchObject({ partialChanges: 'remain', neo4jCode: 'Neo.ClientError.Statement.ArithmeticError' });
      const done = Number((await rows('MATCH (i:Item) WHERE i.n = 1 RETURN count(*) AS c'))[0]!['c']);
      // whole ranges of 10 committed, not the one with k = 555
      expect(done % 10).toBe(0);
      expect(await rows('MATCH (i:Item) WHERE i.k > 550 AND i.k <= 560 RETURN count(i.n) AS c')).toEqual([{ c: 0 }]);
      const status = await m.status();
      expect(status.migrations[0]!.applied?.checkpoint?.jobs[0]).toMatchObject({ label: 'divide', rows: done, done: false });
      await driver.executeQuery('MATCH (i:Item {k: 555}) REMOVE i.bad');
      const result = await m.up();
      expect(result.applied.map((a) => a.version)).toEqual(['1.0.0']);
      expect(await updates()).toEqual([{ n: 1, c: 1000 }]);
    } finally {
      await m.close();
    }
  });

  it.each([
    [{ key: 'i.k', concurrency: 0 }, 'concurrency must be a whole number from 1 to 64, not 0'],
    [{ key: 'i.k', concurrency: 1.5 }, 'concurrency must be a whole number from 1 to 64, not 1.5'],
    [{ key: 'elementId(i)', concurrency: 2 }, 'concurrency needs a key that is a property with an index'],
  ])('refuses %j', async (options, message) => {
    await createItems(10);
    const m = testMigrator(migrationsDir({
      'V1__bad.ts': `export default { async up(ctx) { await ctx.batch({ match: '(i:Item)', update: 'SET i.n = 1', ...${JSON.stringify(options)} }); } };`,
    }));
    try {
      const error = (await m.up().catch((e: unknown) => e)) as MigrationRunError;
      expect(error.result.failed?.message).toContain(message);
      expect(await updates()).toEqual([{ n: 0, c: 10 }]);
    } finally {
      await m.close();
    }
  });

  it('without a down, the failure keeps its checkpoint and the next up resumes after it', async () => {
    await createItems(100);
    await driver.executeQuery('MATCH (i:Item {k: 55}) SET i.bad = true');
    const m = testMigrator(migrationsDir({ 'V1__divide.ts': DIVIDE }));
    try {
      const error = (await m.up().catch((e: unknown) => e)) as MigrationRunError;
      expect(error.result.failed).toMatchObject({ partialChanges: 'remain' });
      const done = Number((await rows('MATCH (i:Item) WHERE i.n = 1 RETURN count(*) AS c'))[0]!['c']);
      // id ranges hold up to 10 rows each (fewer where ids of deleted nodes were not reused)
      expect(done).toBeLessThan(100);
      // the next step is a plain up, which resumes after what committed
      expect(error.result.failed?.resumes).toBe(`${done}/100 rows`);
      const status = await m.status();
      expect(status.migrations[0]!.applied?.checkpoint?.jobs[0]).toMatchObject({ label: 'divide', rows: done, done: false });
      // an up before the data is fixed fails again at once: what the first run committed still remains
      const again = (await m.up().catch((e: unknown) => e)) as MigrationRunError;
      expect(again.result.failed).toMatchObject({ partialChanges: 'remain', resumes: `${done}/100 rows` });
      expect((await m.status()).migrations[0]!.applied).toMatchObject({ status: 'failed', partialChanges: 'remain' });
      expect(Number((await rows('MATCH (i:Item) WHERE i.n = 1 RETURN count(*) AS c'))[0]!['c'])).toBe(done);
      // the bad row is fixed by hand; a plain up resumes the job
      await driver.executeQuery('MATCH (i:Item {k: 55}) REMOVE i.bad');
      const result = await m.up();
      expect(result.applied.map((a) => a.version)).toEqual(['1.0.0']);
      expect(await updates()).toEqual([{ n: 1, c: 100 }]);
    } finally {
      await m.close();
    }
  });
});

it('resumes an element-id job that an earlier neomig began, leaving out the rows it did (element ids in text order)', async () => {
  await createItems(300, false);
  await driver.executeQuery('MATCH (i:Item {k: 150}) SET i.bad = true');
  const m = testMigrator(migrationsDir({ 'V1__divide.ts': DIVIDE }));
  try {
    await m.up().catch(() => undefined);
    expect((await m.status()).migrations[0]!.applied).toMatchObject({ status: 'failed', partialChanges: 'remain' });
    // what the earlier form would have left: the first 120 element ids in text order done, and its checkpoint
    const ids = (await driver.executeQuery('MATCH (i:Item) RETURN elementId(i) AS id ORDER BY id')).records.map((r) => r.get('id') as string);
    const last = ids[119]!;
    const session = driver.session();
    try {
      await session.run('MATCH (i:Item) REMOVE i.n, i.q, i.bad');
      await session.run('MATCH (i:Item) WHERE elementId(i) <= $last SET i.n = 1', { last });
      const checkpoint = { jobs: [{ label: 'divide', lastKey: { type: 'STRING', value: last }, rows: 120, batches: 12, done: false, total: 300, counters: {} }] };
      await session.run(`MATCH (v:SchemaVersion) SET v.checkpoint = $json, v.checkpointAfter = null, v.checkpointJob = null,
        v.checkpointRows = null, v.checkpointBatches = null`, { json: JSON.stringify(checkpoint) });
    } finally {
      await session.close();
    }
    const result = await m.up();
    expect(result.applied.map((a) => a.version)).toEqual(['1.0.0']);
    expect(await updates()).toEqual([{ n: 1, c: 300 }]);
    const done = m.events.filter((e): e is BatchProgressEvent => e.type === 'batch:progress').at(-1)!;
    expect(done).toMatchObject({ phase: 'done', rows: 300, total: 300, resumedRows: 120 });
  } finally {
    await m.close();
  }
});
