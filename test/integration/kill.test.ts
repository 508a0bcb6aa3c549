/**
 * A deploy killed (SIGKILL) at a random point. A migration whose statements share one transaction is
 * recorded in that transaction, so a kill leaves it applied and recorded, or neither: the next plain
 * `neomig up` just continues. A migration spanning several transactions is recorded as started first,
 * so a kill in its middle leaves it recorded as interrupted next to what had committed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runCli } from '../support/cli.js';
import { testConfig, writeFiles } from '../support/migrations.js';
import { connectionEnv, serverIdle, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];
useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-kill-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

// `up` of the built library (as bin/neomig runs it), printing each migration:start on stdout
const CHILD = `
  const { createMigrator } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'index.js'))});
  const migrator = createMigrator(JSON.parse(process.argv[1]));
  migrator.on((e) => { if (e.type === 'migration:start') process.stdout.write(JSON.stringify(e) + '\\n'); });
  await migrator.up();
  await migrator.close();
`;

/**
 * Starts `up` in a child process (lease TTL 1 s, so the next run takes its lock over quickly) and
 * SIGKILLs it `delayMs` after it announced the start of its `nth` migration (or when it ends).
 */
async function killDuringUp(dir: string, nth: number, delayMs: number): Promise<void> {
  const config = testConfig(path.join(dir, 'migrations'), { lock: { ttlSeconds: 1, heartbeatSeconds: 0.3 } });
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', CHILD, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let starts = 0;
  let out = '';
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const seen = out.split('\n').filter((l) => l.includes('"migration:start"')).length;
      if (starts < nth && seen >= nth) setTimeout(resolve, delayMs);
      starts = seen;
    });
    void exited.then(() => resolve());
  });
  child.kill('SIGKILL');
  await exited;
  // its last commit may still land: graph and history are read once it has
  await serverIdle(driver);
}


async function rows(cypher: string): Promise<Record<string, unknown>[]> {
  const r = await driver.executeQuery(cypher);
  const plain = (v: unknown) => (neo4j.isInt(v) ? v.toNumber() : v);
  return r.records.map((x) => Object.fromEntries(Object.entries(x.toObject()).map(([k, v]) => [k, plain(v)])));
}

/** Wipes data and history (not neomig's constraints) between rounds. */
async function wipeData(): Promise<void> {
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
}

describe('a deploy killed at a random point', () => {
  it('single-transaction data migrations: the next plain `neomig up` applies each exactly once (20 kills)', async () => {
    const n = 25;
    const files: Record<string, string> = {};
    for (let i = 1; i <= n; i++) {
      files[`migrations/V${i}__m${i}.up.cypher`] = `CREATE (:Kill {i: ${i}});\nMATCH (k:Kill {i: ${i}}) SET k.done = true;`;
      files[`migrations/V${i}__m${i}.down.cypher`] = `MATCH (k:Kill {i: ${i}}) DELETE k;`;
    }
    const dir = project(files);
    let killedMidway = 0;
    for (let round = 0; round < 20; round++) {
      await wipeData();
      await killDuringUp(dir, 1 + Math.floor(Math.random() * n), Math.floor(Math.random() * 30));

      // after the kill: history and graph agree, version by version, and nothing is recorded failed
      const history = await rows('MATCH (v:SchemaVersion) RETURN v.version AS version, v.status AS status ORDER BY v.version');
      const nodes = await rows('MATCH (k:Kill) RETURN k.i AS i, k.done AS done ORDER BY i');
      expect(history.filter((h) => h['status'] !== 'applied'), `round ${round}`).toEqual([]);
      expect(nodes.every((k) => k['done'] === true)).toBe(true);
      expect(nodes.map((k) => `${k['i']}.0.0`).sort()).toEqual(history.map((h) => h['version']).sort());
      if (history.length < n) killedMidway++;

      const up = await runCli(['up', '--json'], { cwd: dir, env: connectionEnv() });
      expect(up.code, `round ${round}: ${up.stdout}${up.stderr}`).toBe(0);
      const counts = await rows('MATCH (k:Kill) RETURN k.i AS i, count(*) AS c ORDER BY i');
      expect(counts).toEqual(Array.from({ length: n }, (_, i) => ({ i: i + 1, c: 1 })));
      const statuses = await rows('MATCH (v:SchemaVersion) RETURN v.status AS status, count(*) AS c');
      expect(statuses).toEqual([{ status: 'applied', c: n }]);
    }
    // the kills land after the nth migration started, so most rounds end mid-run
    expect(killedMidway).toBeGreaterThan(0);
  }, 600_000);

  it('schema + data migrations: a kill mid-migration leaves it recorded as interrupted next to what committed', async () => {
    const n = 12;
    const files: Record<string, string> = {};
    for (let i = 1; i <= n; i++) {
      files[`migrations/V${i}__m${i}.up.cypher`] = `CREATE INDEX multi_${i} IF NOT EXISTS FOR (m:Multi) ON (m.p${i});\nCREATE (:Multi {i: ${i}});`;
      files[`migrations/V${i}__m${i}.down.cypher`] = `MATCH (m:Multi {i: ${i}}) DELETE m;\nDROP INDEX multi_${i} IF EXISTS;`;
    }
    const dir = project(files);
    for (let round = 0; round < 6; round++) {
      await wipeData();
      for (const r of await rows("SHOW INDEXES YIELD name WHERE name STARTS WITH 'multi_' RETURN name")) {
        await driver.executeQuery(`DROP INDEX ${String(r['name'])}`);
      }
      await killDuringUp(dir, 1 + Math.floor(Math.random() * n), Math.floor(Math.random() * 30));

      const history = await rows('MATCH (v:SchemaVersion) RETURN v.version AS version, v.status AS status, v.partialChanges AS changes, v.errorMessage AS error');
      const nodes = new Set((await rows('MATCH (m:Multi) RETURN m.i AS i')).map((r) => `${r['i']}.0.0`));
      const indexes = new Set((await rows("SHOW INDEXES YIELD name WHERE name STARTS WITH 'multi_' RETURN name")).map((r) => `${String(r['name']).slice(6)}.0.0`));
      const interrupted = history.filter((h) => h['status'] !== 'applied');
      expect(interrupted.length, `round ${round}`).toBeLessThanOrEqual(1);
      for (const h of history) {
        if (h['status'] === 'applied') {
          expect(nodes.has(String(h['version'])) && indexes.has(String(h['version']))).toBe(true);
        } else {
          // recorded as started; what committed (the index, perhaps the node) is there, nothing else
          expect(h).toMatchObject({ status: 'failed', changes: 'unknown', error: expect.stringContaining('interrupted') });
          if (nodes.has(String(h['version']))) expect(indexes.has(String(h['version']))).toBe(true);
        }
      }
      // nothing exists for a version the history does not mention
      const recorded = new Set(history.map((h) => String(h['version'])));
      expect([...nodes, ...indexes].filter((v) => !recorded.has(v))).toEqual([]);

      const up = await runCli(['up', '--json'], { cwd: dir, env: connectionEnv() });
      if (interrupted.length === 0) {
        expect(up.code, up.stdout + up.stderr).toBe(0);
      } else {
        // it may have left changes: up stops and says so, naming the version
        expect(up.code, up.stdout + up.stderr).toBe(3);
        expect(up.json().error.message).toContain(`${String(interrupted[0]!['version'])} failed and its run stopped mid-way`);
      }
    }
  }, 600_000);
});
