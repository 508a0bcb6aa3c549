/** `neomig down --before <time>` through the real bin/neomig: exactly the migrations applied after the moment. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function migration(version: string, label: string): Record<string, string> {
  return {
    [`migrations/V${version}__${label.toLowerCase()}.up.cypher`]: `CREATE (:${label});\n`,
    [`migrations/V${version}__${label.toLowerCase()}.down.cypher`]: `MATCH (n:${label}) DELETE n;\n`,
  };
}

function neomig(args: string[], cwd: string): Promise<CliRun> {
  return runCli(args, { cwd, env: connectionEnv() });
}

async function labels(): Promise<string[]> {
  const r = await driver.executeQuery('MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:SchemaVersionEvent AND NOT n:NeomigLock RETURN labels(n)[0] AS l ORDER BY l');
  return r.records.map((x) => x.get('l') as string);
}

/** The server's clock, so the moment is on the same clock as installedAt. */
async function serverNow(): Promise<string> {
  const r = await driver.executeQuery('RETURN toString(datetime()) AS now');
  return r.records[0]!.get('now') as string;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('down --before', () => {
  it('reverses exactly the migrations applied after the given time; --dry-run lists them and changes nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-down-before-'));
    dirs.push(dir);
    writeFiles(dir, { ...migration('1.0.0', 'A'), ...migration('1.1.0', 'B') });
    expect((await neomig(['up'], dir)).code).toBe(0);
    await pause(50);
    const moment = await serverNow();
    await pause(50);
    writeFiles(dir, { ...migration('1.2.0', 'C'), ...migration('1.3.0', 'D') });
    expect((await neomig(['up'], dir)).code).toBe(0);

    const dry = await neomig(['down', '--before', moment, '--dry-run', '--json'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json().plan.map((s: { version: string }) => s.version)).toEqual(['1.3.0', '1.2.0']);
    const human = await neomig(['down', '--before', moment, '--dry-run'], dir);
    expect(human.stdout).toMatch(/▼ down 1\.3\.0[\s\S]*▼ down 1\.2\.0/);
    expect(human.stdout).toContain('Dry run: 2 migrations would be reversed, 1.3.0 → 1.1.0. Nothing was changed.');
    expect(await labels()).toEqual(['A', 'B', 'C', 'D']);

    const run = await neomig(['down', '--before', moment, '--json'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ ok: true, from: '1.3.0', to: '1.1.0' });
    expect(run.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.3.0', '1.2.0']);
    expect(await labels()).toEqual(['A', 'B']);

    // a relative time that reaches back before everything reverses the rest
    const all = await neomig(['down', '--before', '1d'], dir);
    expect(all.code).toBe(0);
    expect(await labels()).toEqual([]);
  });

  it('refuses a time it cannot read (exit 2), and --before with --to', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-down-before-'));
    dirs.push(dir);
    writeFiles(dir, migration('1.0.0', 'A'));
    const bad = await neomig(['down', '--before', 'yesterday'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--before yesterday: not a time');
    const both = await neomig(['down', '--before', '2h', '--to', '1.0.0'], dir);
    expect(both.code).toBe(2);
    // a day that does not exist is not read as the next month's, and a time to come is a typo
    const impossible = await neomig(['down', '--before', '2026-02-30', '--json'], dir);
    expect(impossible.code).toBe(2);
    expect(impossible.json()).toMatchObject({ ok: false, error: { code: 'USAGE', message: '--before 2026-02-30: not a time' } });
    const future = await neomig(['down', '--before', '2999-01-01'], dir);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('--before 2999-01-01: is in the future');
    expect(future.stderr).toContain('neomig down --all');
  });
});
