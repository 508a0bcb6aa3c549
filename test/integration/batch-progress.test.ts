/**
 * A TypeScript migration with two ctx.batch() jobs over 200,000 nodes, run by the real bin/neomig with
 * stdout and stderr going to files, as in a CI job: the history, the JSON document and the log carry
 * what the batches changed, and the log shows progress lines with a rate while the batches run.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, ensureBuilt } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const ITEMS = 200_000;

// Each job takes its batch from a label it removes (or adds), so no batch scans rows already done.
const MIGRATION = `export default {
  async up(ctx) {
    await ctx.run('CREATE CONSTRAINT item_batch_id IF NOT EXISTS FOR (b:ItemBatch) REQUIRE b.id IS UNIQUE');
    await ctx.batch(
      'MATCH (i:Unsized) WITH i LIMIT $batchSize REMOVE i:Unsized SET i.size = i.n * $factor RETURN count(i) AS processed',
      { factor: 2 },
      { batchSize: 20000, label: 'size items', countQuery: 'MATCH (i:Unsized) RETURN count(i)' },
    );
    await ctx.batch(
      'MATCH (t:Tag) WHERE NOT t:Checked WITH t LIMIT $batchSize SET t:Checked RETURN count(t)',
      {},
      { batchSize: 250, total: 1000 },
    );
  },
  async down(ctx) {
    await ctx.batch('MATCH (i:Item) WHERE i.size IS NOT NULL WITH i LIMIT $batchSize SET i:Unsized REMOVE i.size RETURN count(i)');
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
    await session.run('UNWIND range(1, $n) AS n CALL (n) { CREATE (:Item:Unsized {n: n}) } IN TRANSACTIONS OF 50000 ROWS', { n: ITEMS });
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
    expect(progress.filter((l) => / · [\d,.]+ rows\/s · \d+% of 200,000 · ETA /.test(l)).length, run.stderr).toBeGreaterThan(0);
    const applied = log.find((l) => l.startsWith('  applied 1.0.0 in '));
    expect(countersOf(applied!.replace(/\)$/, ''))).toEqual(['constraintsAdded 1', 'labelsAdded 1000', 'labelsRemoved 200000', 'propertiesSet 200000']);
  }, 180_000); // 200,000 nodes: slow on a busy machine
});
