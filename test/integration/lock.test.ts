import { spawn } from 'node:child_process';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { createMigrator } from '../../src/runner/migrator.js';
import { NeomigError } from '../../src/errors.js';
import { migrationsDir, removeMigrationDirs, testConfig } from '../support/migrations.js';
import { useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
useCleanDatabase((d) => (driver = d));
afterEach(() => removeMigrationDirs());

/** Three migrations; the second takes a moment so that two runs really overlap. */
function slowSet(): string {
  return migrationsDir({
    'V1__one.up.cypher': 'CREATE (:Counter {name: "one"});',
    'V1__one.down.cypher': 'MATCH (c:Counter {name: "one"}) DELETE c;',
    'V2__two.ts': `export default {
      async up(ctx) { await new Promise((r) => setTimeout(r, 1500)); await ctx.run('CREATE (:Counter {name: "two"})'); },
      async down(ctx) { await ctx.run('MATCH (c:Counter {name: "two"}) DELETE c'); },
    };`,
    'V3__three.up.cypher': 'CREATE (:Counter {name: "three"});',
    'V3__three.down.cypher': 'MATCH (c:Counter {name: "three"}) DELETE c;',
  });
}

async function counters(): Promise<string[]> {
  const r = await driver.executeQuery('MATCH (c:Counter) RETURN c.name AS n ORDER BY n');
  return r.records.map((x) => x.get('n') as string);
}

describe('the lease lock', () => {
  it('two migrators started together in wait mode: every migration is applied exactly once', async () => {
    const dir = slowSet();
    const a = createMigrator(testConfig(dir, { lock: { mode: 'wait', timeoutSeconds: 60 } }));
    const b = createMigrator(testConfig(dir, { lock: { mode: 'wait', timeoutSeconds: 60 } }));
    try {
      const [ra, rb] = await Promise.all([a.up(), b.up()]);
      const applied = [...ra.applied, ...rb.applied].map((s) => s.version).sort();
      expect(applied).toEqual(['1.0.0', '2.0.0', '3.0.0']);
      // one of them did all the work, the other found nothing left
      expect([ra.applied.length, rb.applied.length].sort()).toEqual([0, 3]);
      expect(await counters()).toEqual(['one', 'three', 'two']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('in fail mode the loser fails with the lock error and changes nothing', async () => {
    const dir = slowSet();
    const a = createMigrator(testConfig(dir, { lock: { mode: 'fail' } }));
    const b = createMigrator(testConfig(dir, { lock: { mode: 'fail' } }));
    try {
      const results = await Promise.allSettled([a.up(), b.up()]);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.reason).toBeInstanceOf(NeomigError);
      expect((rejected[0]!.reason as NeomigError).code).toBe('LOCK');
      expect((rejected[0]!.reason as NeomigError).message).toMatch(/held by .*host .*pid \d+/);
      expect(await counters()).toEqual(['one', 'three', 'two']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a lock left by a killed deploy is taken over after its TTL, and the interrupted step is recorded', async () => {
    const dir = migrationsDir({
      'V1__one.up.cypher': 'CREATE (:Counter {name: "one"});',
      'V1__one.down.cypher': 'MATCH (c:Counter {name: "one"}) DELETE c;',
      // schema, then data: the schema transaction commits mid-step, so the step is recorded as started
      // (a step whose work shares one transaction would vanish whole with the killed process instead)
      'V2__hangs.ts': `export default {
        async up(ctx) {
          await ctx.run('CREATE INDEX counter_name IF NOT EXISTS FOR (c:Counter) ON (c.name)');
          await ctx.run('CREATE (:Counter {name: "two"})');
          await new Promise((r) => setTimeout(r, 600000));
        },
        async down(ctx) { await ctx.run('MATCH (c:Counter {name: "two"}) DELETE c'); },
      };`,
    });
    const config = testConfig(dir, { lock: { ttlSeconds: 3, heartbeatSeconds: 1 } });
    const child = spawn(process.execPath, ['--import', 'jiti/register', 'test/support/child-up.ts', JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child never reached 2.0.0: ${out} ${err}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"migration:start","version":"2.0.0"')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // kill it once its schema transaction committed (the step then is recorded as started)
    for (let i = 0; i < 300; i++) {
      const started = await driver.executeQuery("MATCH (v:SchemaVersion {version: '2.0.0'}) RETURN count(v) AS n");
      if (Number(started.records[0]?.get('n')) > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const holder = await driver.executeQuery('MATCH (l:NeomigLock) RETURN l.pid AS pid');
    expect(holder.records[0]?.get('pid')).toBe(child.pid);

    // a second deploy in fail mode is refused while the lease is fresh ...
    const fresh = createMigrator(testConfig(dir, { lock: { mode: 'fail', ttlSeconds: 3 } }));
    await expect(fresh.up()).rejects.toMatchObject({ code: 'LOCK' });
    await fresh.close();

    // ... takes it over once the heartbeat is older than the TTL, and refuses to run past the interrupted step
    await new Promise((r) => setTimeout(r, 4000));
    const warnings: string[] = [];
    const next = createMigrator(testConfig(dir, { lock: { mode: 'fail', ttlSeconds: 3 } }));
    next.on((e) => {
      if (e.type === 'log' && e.level === 'warn') warnings.push(e.message);
    });
    try {
      const error = await next.up().catch((e: unknown) => e);
      expect(warnings.join('\n')).toContain(`pid ${child.pid}`);
      expect(error).toMatchObject({ code: 'VALIDATION' });
      expect((error as NeomigError).message).toContain('2.0.0');
      const status = await next.status();
      const two = status.migrations.find((s) => s.version === '2.0.0')!;
      expect(two.status).toBe('failed');
      expect(two.applied?.errorMessage).toContain('interrupted');
      expect(status.lock).toBeNull();
    } finally {
      await next.close();
    }
  });
});
