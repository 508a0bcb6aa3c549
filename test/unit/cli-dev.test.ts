/**
 * `neomig dev`'s watch loop with a recording migrator: real file events (chokidar on a temp folder),
 * no database. What the migrator does with allowChanged is tested against Neo4j elsewhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { runDev } from '../../src/cli/commands/dev.js';
import { Output } from '../../src/cli/output.js';
import { NeomigError } from '../../src/errors.js';
import type { Migrator, RunResult, UpOptions } from '../../src/runner/types.js';

const dirs: string[] = [];
// child processes and file watching are slow on a loaded machine
vi.setConfig({ testTimeout: 30_000 });
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(configOverrides: Parameters<typeof resolveConfig>[0] = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-dev-'));
  dirs.push(dir);
  const config = resolveConfig(configOverrides, { baseDir: dir });
  let err = '';
  const output = new Output({ stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: dir }, { json: true, color: false });
  return { dir, config, output, err: () => err };
}

/** A migrator whose up() records its calls; `fail` makes the next call throw. */
function recordingMigrator() {
  const calls: UpOptions[] = [];
  let fail: Error | null = null;
  let delayMs = 0;
  const flight = { now: 0, max: 0 };
  const migrator: Migrator = {
    async up(options: UpOptions = {}): Promise<RunResult> {
      calls.push(options);
      flight.max = Math.max(flight.max, ++flight.now);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      flight.now--;
      if (fail) {
        const e = fail;
        fail = null;
        throw e;
      }
      return { command: 'up', dryRun: false, from: null, to: '1.0.0', applied: [{ version: `${calls.length}.0.0`, description: 'x', direction: 'up', file: 'f', elapsedMs: 1, counters: {} }], rolledBack: [], pending: [] };
    },
    snapshot: () => Promise.reject(new Error('not used')),
    restore: () => Promise.reject(new Error('not used')),
    down: () => Promise.reject(new Error('not used')),
    status: () => Promise.reject(new Error('not used')),
    validate: () => Promise.reject(new Error('not used')),
    resolve: () => Promise.reject(new Error('not used')),
    delete: () => Promise.reject(new Error('not used')),
    schemaPull: () => Promise.reject(new Error('not used')),
    schemaBaseline: () => Promise.reject(new Error('not used')),
    schemaDiff: () => Promise.reject(new Error('not used')),
    hash: () => Promise.reject(new Error('not used')),
    check: () => Promise.reject(new Error('not used')),
    baseline: () => Promise.reject(new Error('not used')),
    repair: () => Promise.reject(new Error('not used')),
    clean: () => Promise.reject(new Error('not used')),
    show: () => Promise.reject(new Error('not used')),
    verify: () => Promise.reject(new Error('not used')),
    on: () => () => {},
    close: async () => {},
  };
  return { migrator, calls, flight, failNext: (e: Error) => (fail = e), setDelay: (ms: number) => (delayMs = ms) };
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('runDev', () => {
  it('applies at start, then once per burst of file changes, until stopped', async () => {
    const { config, output, err } = setup();
    const m = recordingMigrator();
    const stop = new AbortController();
    const done = runDev(config, output, { migrator: m.migrator, signal: stop.signal, debounceMs: 150 });
    await until(() => m.calls.length === 1, 'the first cycle');
    for (const name of ['V1__a.up.cypher', 'V1__a.down.cypher', 'V2__b.cypher']) writeFileSync(path.join(config.migrationsDir, name), 'RETURN 1;');
    await until(() => m.calls.length === 2, 'a cycle after the changes');
    await new Promise((r) => setTimeout(r, 500));
    expect(m.calls).toHaveLength(2);
    stop.abort();
    const outcome = await done;
    expect(outcome.result).toEqual({ cycles: 2, failedCycles: 0, applied: ['1.0.0', '2.0.0'] });
    // one line names the whole burst, in whatever order the file system reported it
    const burst = err().split('\n').find((l) => l.startsWith('[dev] added '));
    expect(burst?.replace('[dev] ', '').split(', ').sort()).toEqual(['added V1__a.down.cypher', 'added V1__a.up.cypher', 'added V2__b.cypher']);
  });

  it('treats every version as unreleased by default, and only those above --released otherwise', async () => {
    for (const [released, expected] of [[undefined, [true, true]], ['1.2', [false, true]]] as const) {
      const { config, output } = setup();
      const m = recordingMigrator();
      const stop = new AbortController();
      const done = runDev(config, output, { migrator: m.migrator, signal: stop.signal, released });
      await until(() => m.calls.length === 1, 'the first cycle');
      stop.abort();
      await done;
      const allow = m.calls[0]!.allowChanged!;
      expect([allow('1.2.0'), allow('1.3.0')]).toEqual(expected);
    }
  });

  it('reports a failing cycle and keeps watching', async () => {
    const { config, output, err } = setup();
    const m = recordingMigrator();
    m.failNext(new NeomigError('VALIDATION', '1.0.0 changed since it was applied', { hint: 'run repair' }));
    const stop = new AbortController();
    const done = runDev(config, output, { migrator: m.migrator, signal: stop.signal, debounceMs: 50 });
    await until(() => m.calls.length === 1, 'the first cycle');
    await until(() => err().includes('error [VALIDATION] 1.0.0 changed since it was applied'), 'the error report');
    writeFileSync(path.join(config.migrationsDir, 'V1__a.cypher'), 'RETURN 1;');
    await until(() => m.calls.length === 2, 'the next cycle');
    stop.abort();
    expect((await done).result).toMatchObject({ cycles: 2, failedCycles: 1 });
  });

  it('never runs two cycles at once: changes during a cycle schedule one more', async () => {
    const { config, output } = setup();
    const m = recordingMigrator();
    m.setDelay(400);
    const stop = new AbortController();
    const done = runDev(config, output, { migrator: m.migrator, signal: stop.signal, debounceMs: 20 });
    await until(() => m.calls.length === 1, 'the first cycle');
    writeFileSync(path.join(config.migrationsDir, 'V1__a.cypher'), 'RETURN 1;');
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(path.join(config.migrationsDir, 'V2__b.cypher'), 'RETURN 1;');
    await until(() => m.calls.length === 2, 'the follow-up cycle', 5000);
    await new Promise((r) => setTimeout(r, 900));
    expect(m.calls).toHaveLength(2);
    expect(m.flight.max).toBe(1);
    stop.abort();
    await done;
  });

  it('refuses a protected environment', async () => {
    const { config, output } = setup({ protected: true });
    await expect(runDev(config, output, { migrator: recordingMigrator().migrator, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('rejects a --released that is not a version', async () => {
    const { config, output } = setup();
    await expect(runDev(config, output, { migrator: recordingMigrator().migrator, signal: AbortSignal.abort(), released: 'soon' })).rejects.toMatchObject({
      code: 'USAGE',
      message: '--released soon: not a version',
    });
  });
});
