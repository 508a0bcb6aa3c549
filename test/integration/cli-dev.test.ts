/**
 * `neomig dev` as a user runs it: the real bin/neomig spawned as a long-running child in a temp
 * project, driven by writing files, observed through the graph (polled with deadlines) and through
 * its stderr, and stopped with SIGINT like Ctrl-C. The watch loop's scheduling alone is covered by
 * test/unit/cli-dev.test.ts; this file checks what dev does to a real Neo4j.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, runCli } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, testServer, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** How long any one thing dev should do may take on a loaded machine (debounce 300 ms + a cycle). */
const DEADLINE_MS = 30_000;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-dev-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

/** The caller's environment without its Neo4j/neomig/color settings, plus the test connection. */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(NEO4J_|NEOMIG_)/.test(k) || ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS', 'NODE_OPTIONS'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...connectionEnv() };
}

/** A running `neomig dev`, its output so far, and how it ended. */
class Dev {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<void>;

  constructor(readonly dir: string, args: string[] = []) {
    this.child = spawn(process.execPath, [BIN, 'dev', ...args], { cwd: dir, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  get running(): boolean {
    return this.exit === null;
  }

  /** Everything on stderr after `mark` (a length of stderr taken earlier). */
  stderrSince(mark: number): string {
    return this.stderr.slice(mark);
  }

  /** Ends the child by its PID if it is still there (the test's finally). */
  kill(): void {
    if (this.running && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  describe(): string {
    return `\n--- dev stdout ---\n${this.stdout}\n--- dev stderr ---\n${this.stderr}\n--- exit: ${JSON.stringify(this.exit)}`;
  }
}

/** Polls `check` until it holds; fails with `what` and dev's output at the deadline or if dev died. */
async function until(dev: Dev, what: string, check: () => boolean | Promise<boolean>, timeoutMs = DEADLINE_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (!dev.running) throw new Error(`neomig dev exited while waiting for ${what}${dev.describe()}`);
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${dev.describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until a cycle that began after `mark` has finished (dev prints "watching" after each cycle). */
async function cycleDone(dev: Dev, mark: number, what: string, expected: RegExp): Promise<string> {
  await until(dev, what, () => {
    const text = dev.stderrSince(mark);
    const found = expected.exec(text);
    return found !== null && /\[dev\] watching migrations \(Ctrl-C to stop\)/.test(text.slice(found.index + found[0].length));
  });
  return dev.stderrSince(mark);
}

interface Version {
  status: string;
  checksum: string;
  downScript: string | null;
  partialChanges: string | null;
}

async function version(v: string): Promise<Version | null> {
  const r = await driver.executeQuery(
    'MATCH (v:SchemaVersion {version: $v}) RETURN v.status AS status, v.checksum AS checksum, v.downScript AS downScript, v.partialChanges AS partialChanges',
    { v },
  );
  return r.records[0] ? (r.records[0].toObject() as unknown as Version) : null;
}

/** The audit trail of a version, oldest first, without the `start` markers. */
async function actions(v: string): Promise<string[]> {
  const r = await driver.executeQuery(
    "MATCH (:SchemaVersion {version: $v})-[:HAS_EVENT]->(e:SchemaVersionEvent) WHERE e.action <> 'start' RETURN e.action AS action ORDER BY e.at",
    { v },
  );
  return r.records.map((x) => x.get('action') as string);
}

async function labels(): Promise<Record<string, number>> {
  const r = await driver.executeQuery(
    'MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:SchemaVersionEvent AND NOT n:NeomigLock UNWIND labels(n) AS l RETURN l, count(*) AS c ORDER BY l',
  );
  return Object.fromEntries(r.records.map((x) => [x.get('l') as string, Number(x.get('c'))]));
}

async function locks(): Promise<number> {
  const r = await driver.executeQuery('MATCH (l:NeomigLock) RETURN count(l) AS n');
  return Number(r.records[0]!.get('n'));
}

/** Sends SIGINT (Ctrl-C) and waits for the exit, at most `timeoutMs`. */
async function interrupt(dev: Dev, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  dev.child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  const how = await Promise.race([dev.exited.then(() => 'exited' as const), late]);
  clearTimeout(timer);
  if (how === 'late') throw new Error(`neomig dev did not exit within ${timeoutMs} ms of SIGINT${dev.describe()}`);
  return Date.now() - started;
}

const M = 'migrations';

describe('neomig dev', () => {
  it('applies at start, applies new files, re-runs an edited one (recorded down, new up), survives broken files, stops on SIGINT', async () => {
    const dir = project({
      [`${M}/V1.0.0__people.up.cypher`]: 'CREATE (:Person {name: "Ada"});\n',
      [`${M}/V1.0.0__people.down.cypher`]: 'MATCH (p:Person) DELETE p;\n',
    });
    const dev = new Dev(dir);
    try {
      // (a) what is there at start is applied
      let out = await cycleDone(dev, 0, 'the first cycle', /\[dev\] starting/);
      expect((await version('1.0.0'))?.status).toBe('applied');
      expect(await labels()).toEqual({ Person: 1 });
      expect(out).toContain('▲ 1.0.0 people V1.0.0__people.up.cypher');
      expect(dev.stdout).toMatch(/✓ Applied 1 migration in .*: \(none\) → 1\.0\.0/);
      expect(await locks()).toBe(0); // the lock is held during a cycle only

      // (b) a new pair is applied (down written first, so the up never lands alone)
      let mark = dev.stderr.length;
      writeFiles(dir, {
        [`${M}/V1.1.0__cities.down.cypher`]: 'MATCH (c:City) DELETE c;\n',
        [`${M}/V1.1.0__cities.up.cypher`]: 'CREATE (:City {name: "London"});\n',
      });
      await until(dev, '1.1.0 applied', async () => (await version('1.1.0'))?.status === 'applied');
      out = await cycleDone(dev, mark, 'the cycle for 1.1.0', /\[dev\] .*added V1\.1\.0__cities\.(?:up|down)\.cypher/);
      expect(out).toContain('▲ 1.1.0 cities V1.1.0__cities.up.cypher');
      expect(await labels()).toEqual({ City: 1, Person: 1 });
      const before = (await version('1.1.0'))!;
      expect(before.downScript).toContain('MATCH (c:City) DELETE c');

      // (c) editing the applied, unreleased 1.1.0 runs its recorded down, then the new up. The down
      // file is edited too, to one that would leave the City behind: only the recorded down removes it.
      mark = dev.stderr.length;
      writeFiles(dir, {
        [`${M}/V1.1.0__cities.down.cypher`]: 'MATCH (t:Town) DELETE t;\n',
        [`${M}/V1.1.0__cities.up.cypher`]: 'CREATE (:Town {name: "Lyon"});\nCREATE (:Town {name: "Nantes"});\n',
      });
      await until(dev, '1.1.0 re-applied with the new checksum', async () => {
        const v = await version('1.1.0');
        return v?.status === 'applied' && v.checksum !== before.checksum;
      });
      out = await cycleDone(dev, mark, 'the re-run cycle', /\[dev\] .*changed V1\.1\.0__cities\.(?:up|down)\.cypher/);
      expect(out).toMatch(/▼ 1\.1\.0 cities/);
      expect(out.indexOf('▼ 1.1.0')).toBeLessThan(out.indexOf('▲ 1.1.0'));
      expect(await labels()).toEqual({ Person: 1, Town: 2 });
      const after = (await version('1.1.0'))!;
      expect(after.downScript).toContain('MATCH (t:Town) DELETE t');
      expect(await actions('1.1.0')).toEqual(['up', 'down', 'up']);
      expect(await actions('1.0.0')).toEqual(['up']); // untouched
      // the recorded checksum is the file's: status (a separate process, dev idle) sees no drift
      const status = await runCli(['status', '--json'], { cwd: dir, env: connectionEnv() });
      expect(status.code, status.stderr).toBe(0);
      const row = status.json().migrations.find((m: { version: string }) => m.version === '1.1.0');
      expect(row).toMatchObject({ status: 'applied', checksumChanged: false, appliedChecksum: after.checksum, checksum: after.checksum });

      // (d1) a file neomig cannot read: the error goes to stderr, nothing runs, the watch goes on
      mark = dev.stderr.length;
      writeFiles(dir, {
        [`${M}/V1.2.0__genres.down.cypher`]: 'MATCH (g:Genre) DELETE g;\n',
        [`${M}/V1.2.0__genres.up.cypher`]: 'CREATE (:Genre {name: "SF});\n',
      });
      out = await cycleDone(dev, mark, 'the error for the unreadable file', /error \[MIGRATION_FILE\] V1\.2\.0__genres\.up\.cypher: string opened with " at line 1 is never closed/);
      expect(dev.running).toBe(true);
      expect(await version('1.2.0')).toBeNull();

      // (d2) a file that reads but does not compile in Neo4j: up's preflight reports it before anything
      // runs, nothing is recorded; the watch goes on
      mark = dev.stderr.length;
      writeFiles(dir, { [`${M}/V1.2.0__genres.up.cypher`]: 'CREATE (:Genre {name: "SF"});\nTHIS IS NOT CYPHER;\n' });
      out = await cycleDone(dev, mark, 'the preflight error of 1.2.0', /V1\.2\.0__genres\.up\.cypher:2:\d+: statement 2 does not compile/);
      expect(out).toContain('Neo.ClientError.Statement.SyntaxError');
      expect(dev.running).toBe(true);
      expect(await version('1.2.0')).toBeNull();
      expect(await labels()).toEqual({ Person: 1, Town: 2 });
      expect(await locks()).toBe(0);

      // (d3) the next good edit is applied
      writeFiles(dir, { [`${M}/V1.2.0__genres.up.cypher`]: 'CREATE (:Genre {name: "SF"});\n' });
      await until(dev, '1.2.0 applied after the fix', async () => (await version('1.2.0'))?.status === 'applied');
      expect(await labels()).toEqual({ Genre: 1, Person: 1, Town: 2 });
      // the broken version never ran (the preflight stopped it), so its only record is the applied one
      expect(await actions('1.2.0')).toEqual(['up']);

      // (e) Ctrl-C: a clean exit, the lock gone
      mark = dev.stderr.length;
      const took = await interrupt(dev);
      expect(dev.exit, dev.describe()).toEqual({ code: 0, signal: null });
      expect(took).toBeLessThan(10_000);
      expect(dev.stderrSince(mark)).toMatch(/\[dev\] stopped after \d+ cycle\(s\)/);
      expect(await locks()).toBe(0);
      expect(dev.stdout + dev.stderr).not.toContain(testServer().password);
    } finally {
      dev.kill();
    }
  }, 180_000);

  it('SIGINT during a cycle lets the running migration finish, releases the lock and exits 0', async () => {
    const dir = project({
      [`${M}/V1.0.0__slow.mjs`]: `export default {
        async up(ctx) { await ctx.run('CREATE (:Slow {at: 1})'); await new Promise((r) => setTimeout(r, 2500)); await ctx.run('CREATE (:Slow {at: 2})'); },
        async down(ctx) { await ctx.run('MATCH (s:Slow) DELETE s'); },
      };\n`,
    });
    const dev = new Dev(dir);
    try {
      await until(dev, 'the lock taken by the first cycle', async () => (await locks()) === 1);
      await interrupt(dev, 15_000);
      expect(dev.exit, dev.describe()).toEqual({ code: 0, signal: null });
      expect(dev.stderr).toMatch(/\[dev\] stopped after 1 cycle\(s\)/);
      expect(await locks()).toBe(0);
      expect((await version('1.0.0'))?.status).toBe('applied');
      expect(await labels()).toEqual({ Slow: 2 });
    } finally {
      dev.kill();
    }
  }, 60_000);

  it('re-runs an edited TypeScript migration: the recorded module\'s down, then the freshly loaded up', async () => {
    const ts = (label: string) => `import { defineMigration } from 'neomig';

export default defineMigration({
  async up(ctx) {
    await ctx.run('CREATE (:${label} {name: $name})', { name: 'one' });
  },
  async down(ctx) {
    await ctx.run('MATCH (n:${label}) DELETE n');
  },
});
`;
    const dir = project({ [`${M}/V1.0.0__things.ts`]: ts('Old') });
    const dev = new Dev(dir);
    try {
      await cycleDone(dev, 0, 'the first cycle', /\[dev\] starting/);
      const before = (await version('1.0.0'))!;
      expect(before.status, dev.describe()).toBe('applied');
      expect(await labels()).toEqual({ Old: 1 });

      // the file's new down would leave :Old behind; only the recorded module's down removes it
      const mark = dev.stderr.length;
      writeFiles(dir, { [`${M}/V1.0.0__things.ts`]: ts('New') });
      await until(dev, '1.0.0 re-applied', async () => {
        const v = await version('1.0.0');
        return v?.status === 'applied' && v.checksum !== before.checksum;
      });
      await cycleDone(dev, mark, 'the re-run cycle', /\[dev\] changed V1\.0\.0__things\.ts/);
      expect(await labels()).toEqual({ New: 1 });
      expect(await actions('1.0.0')).toEqual(['up', 'down', 'up']);

      await interrupt(dev);
      expect(dev.exit, dev.describe()).toEqual({ code: 0, signal: null });
      expect(await locks()).toBe(0);
    } finally {
      dev.kill();
    }
  }, 90_000);

  it('with neomig.sum: dev records what it applies, so an edited TypeScript migration re-runs and the sum stays valid', async () => {
    const ts = (label: string) => `export default {
  async up(ctx) { await ctx.run('CREATE (:${label})'); },
  async down(ctx) { await ctx.run('MATCH (n:${label}) DELETE n'); },
};
`;
    const dir = project({ [`${M}/V1.0.0__things.ts`]: ts('Old') });
    expect((await runCli(['hash', '--offline'], { cwd: dir })).code).toBe(0);
    const sum = () => readFileSync(path.join(dir, M, 'neomig.sum'), 'utf8');
    const before = sum();
    const dev = new Dev(dir);
    try {
      await cycleDone(dev, 0, 'the first cycle', /\[dev\] starting/);
      expect(await labels()).toEqual({ Old: 1 });

      let mark = dev.stderr.length;
      writeFiles(dir, { [`${M}/V1.0.0__things.ts`]: ts('New') });
      await cycleDone(dev, mark, 'the re-run cycle', /\[dev\] changed V1\.0\.0__things\.ts/);
      expect(await labels(), dev.describe()).toEqual({ New: 1 });
      expect(sum()).not.toBe(before);

      // a new file is applied and gets its line
      mark = dev.stderr.length;
      writeFiles(dir, { [`${M}/V1.1.0__more.ts`]: ts('More') });
      await cycleDone(dev, mark, 'the new-file cycle', /\[dev\] added V1\.1\.0__more\.ts/);
      expect(await labels(), dev.describe()).toEqual({ More: 1, New: 1 });
      expect(sum()).toContain('V1.1.0__more.ts ');
      expect((await runCli(['validate', '--offline'], { cwd: dir })).code).toBe(0);

      await interrupt(dev);
      expect(dev.exit, dev.describe()).toEqual({ code: 0, signal: null });
    } finally {
      dev.kill();
    }
  }, 90_000);

  it('--released: an edit to a released version is reported as drift and never re-run; newer ones still are', async () => {
    const dir = project({
      [`${M}/V1.0.0__people.up.cypher`]: 'CREATE (:Person {name: "Ada"});\n',
      [`${M}/V1.0.0__people.down.cypher`]: 'MATCH (p:Person) DELETE p;\n',
      [`${M}/V1.1.0__cities.up.cypher`]: 'CREATE (:City {name: "London"});\n',
      [`${M}/V1.1.0__cities.down.cypher`]: 'MATCH (c:City) DELETE c;\n',
    });
    const dev = new Dev(dir, ['--released', '1.0.0']);
    try {
      await cycleDone(dev, 0, 'the first cycle', /\[dev\] starting/);
      expect(await labels(), dev.describe()).toEqual({ City: 1, Person: 1 });
      const released = (await version('1.0.0'))!;

      let mark = dev.stderr.length;
      writeFiles(dir, { [`${M}/V1.0.0__people.up.cypher`]: 'CREATE (:Person {name: "Grace"});\n' });
      const out = await cycleDone(dev, mark, 'the drift report', /error \[VALIDATION\] .*V1\.0\.0__people\.up\.cypher changed after it was applied/);
      expect(out).not.toMatch(/▼ 1\.0\.0/);
      expect(await version('1.0.0')).toMatchObject({ status: 'applied', checksum: released.checksum });
      expect(await actions('1.0.0')).toEqual(['up']);
      expect(await labels()).toEqual({ City: 1, Person: 1 });

      // restoring the released file and editing an unreleased one re-runs the latter
      const city = (await version('1.1.0'))!;
      mark = dev.stderr.length;
      writeFiles(dir, {
        [`${M}/V1.0.0__people.up.cypher`]: 'CREATE (:Person {name: "Ada"});\n',
        [`${M}/V1.1.0__cities.up.cypher`]: 'CREATE (:City {name: "Paris"});\n',
      });
      await until(dev, '1.1.0 re-applied', async () => {
        const v = await version('1.1.0');
        return v?.status === 'applied' && v.checksum !== city.checksum;
      });
      const paris = await driver.executeQuery('MATCH (c:City) RETURN c.name AS name');
      expect(paris.records.map((r) => r.get('name'))).toEqual(['Paris']);
      expect(await actions('1.0.0')).toEqual(['up']);

      await interrupt(dev);
      expect(dev.exit, dev.describe()).toEqual({ code: 0, signal: null });
    } finally {
      dev.kill();
    }
  }, 90_000);

  it('refuses a protected environment with exit 2 and starts no watch', async () => {
    const dir = project({ 'neomig.config.yaml': 'environments:\n  prod:\n    protected: true\n', [`${M}/V1.0.0__a.up.cypher`]: 'CREATE (:A);\n' });
    const dev = new Dev(dir, ['--env', 'prod']);
    try {
      await Promise.race([dev.exited, new Promise((r) => setTimeout(r, 15_000))]);
      expect(dev.exit, dev.describe()).toEqual({ code: 2, signal: null });
      expect(dev.stderr).toMatch(/^error \[USAGE\] neomig dev .* refuses the protected environment 'prod'/m);
      expect(await version('1.0.0')).toBeNull();
    } finally {
      dev.kill();
    }
  });
});
