/**
 * `neomig resolve` and `neomig delete` through the real bin/neomig: decisions recorded by hand, each
 * with an audit event naming who and why; refused on a protected environment without --yes.
 */
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

const FILES = {
  'neomig.config.json': JSON.stringify({ installedBy: 'ops@example', environments: { production: { protected: true } } }),
  'migrations/V1.0.0__books.up.cypher': 'CREATE (:Book);\n',
  'migrations/V1.0.0__books.down.cypher': 'MATCH (b:Book) DELETE b;\n',
  'migrations/V1.1.0__index.up.cypher': 'CREATE INDEX book_title IF NOT EXISTS FOR (b:Book) ON (b.title);\n',
  'migrations/V1.1.0__index.down.cypher': 'DROP INDEX book_title IF EXISTS;\n',
  // fails until a :Gate exists; its index commits first and it has no down, so its changes remain
  'migrations/V1.2.0__gated.cypher': 'CREATE INDEX gated IF NOT EXISTS FOR (g:Gated) ON (g.x);\nMATCH (g:Gate) WITH count(g) AS n RETURN 1 / n;\n',
};

function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-resolve-it-'));
  dirs.push(dir);
  writeFiles(dir, FILES);
  return dir;
}

const neomig = (args: string[], cwd: string): Promise<CliRun> => runCli(args, { cwd, env: connectionEnv() });

async function rows(cypher: string): Promise<Record<string, unknown>[]> {
  return (await driver.executeQuery(cypher)).records.map((r) => r.toObject());
}

const events = (version: string) =>
  rows(`MATCH (e:SchemaVersionEvent {version: '${version}'}) RETURN e.action AS action, e.by AS by, e.detail AS detail ORDER BY e.at`);

describe('resolve', () => {
  it('--applied records a change made by hand: up then skips it', async () => {
    const dir = project();
    expect((await neomig(['up', '--to', '1.0.0'], dir)).code).toBe(0);
    await driver.executeQuery('CREATE INDEX book_title IF NOT EXISTS FOR (b:Book) ON (b.title)');

    const dry = await neomig(['resolve', '1.1.0', '--applied', '--dry-run', '--json'], dir);
    expect(dry.json()).toMatchObject({ ok: true, dryRun: true, version: '1.1.0', decision: 'applied', previous: null, changes: true });
    expect(await rows("MATCH (v:SchemaVersion {version: '1.1.0'}) RETURN v")).toEqual([]);

    const resolved = await neomig(['resolve', '1.1.0', '--applied', '--reason', 'index created by hand', '--json'], dir);
    expect(resolved.code).toBe(0);
    expect(resolved.json()).toMatchObject({ command: 'resolve', version: '1.1.0', decision: 'applied', by: 'ops@example', dryRun: false });
    const status = (await neomig(['status', '--json'], dir)).json().migrations[1];
    expect(status).toMatchObject({ version: '1.1.0', status: 'applied', installedBy: 'ops@example', checksumChanged: false });
    expect(await events('1.1.0')).toEqual([{ action: 'resolve', by: 'ops@example', detail: 'marked applied by hand (was not recorded): index created by hand' }]);

    const up = await neomig(['up', '--to', '1.1.0', '--json'], dir);
    expect(up.json()).toMatchObject({ applied: [], to: '1.1.0' });
    // the recorded down is the file's: down reverses it like any applied version
    expect((await neomig(['down', '--json'], dir)).json().applied.map((s: { version: string }) => s.version)).toEqual(['1.1.0']);
  });

  it('--rolled-back on a failed entry lets up run it again; delete removes an entry and keeps its audit', async () => {
    const dir = project();
    const failed = await neomig(['up', '--json'], dir);
    expect(failed.code).toBe(1);
    expect(failed.json().failed).toMatchObject({ version: '1.2.0', partialChanges: 'remain' });
    expect((await neomig(['up'], dir)).code).toBe(3);

    // fixed by hand: the index is dropped, and the gate now exists
    await driver.executeQuery('DROP INDEX gated IF EXISTS');
    await driver.executeQuery('CREATE (:Gate)');
    const resolved = await neomig(['resolve', '1.2.0', '--rolled-back', '--reason', 'partial index dropped by hand'], dir);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain('1.2.0: recorded rolled back (marked rolled back by hand (was failed): partial index dropped by hand); audit event by ops@example.');
    expect(await neomig(['resolve', '1.2.0', '--rolled-back', '--json'], dir).then((r) => r.json())).toMatchObject({ changes: false, previous: 'rolled_back' });

    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(0);
    // atomic had rolled back 1.0.0 and 1.1.0 with the failure: all three run now
    expect(up.json().applied.map((s: { version: string }) => s.version)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    const actions = (await events('1.2.0')).map((e) => e.action);
    expect(actions).toEqual(['start', 'failed', 'resolve', 'start', 'up']);

    const deleted = await neomig(['delete', '1.2.0', '--reason', 'recorded against the wrong database', '--json'], dir);
    expect(deleted.code).toBe(0);
    expect(deleted.json()).toMatchObject({ version: '1.2.0', decision: 'deleted', previous: 'applied' });
    expect(await rows("MATCH (v:SchemaVersion {version: '1.2.0'}) RETURN v")).toEqual([]);
    const kept = await events('1.2.0');
    expect(kept.map((e) => e.action)).toEqual([...actions, 'delete']);
    expect(String(kept.at(-1)!.detail)).toMatch(/^entry deleted by hand \(was applied, checksum [0-9a-f]{8}, installed .+ by ops@example\): recorded against the wrong database$/);
    expect((await neomig(['status', '--json'], dir)).json().migrations[2]).toMatchObject({ version: '1.2.0', status: 'pending' });

    const missing = await neomig(['delete', '1.2.0', '--json'], dir);
    expect(missing.code).toBe(2);
    expect(missing.json().error.message).toContain('nothing is recorded for 1.2.0');
  });

  it('is refused on a protected environment without --yes, and needs exactly one decision', async () => {
    const dir = project();
    expect((await neomig(['up', '--to', '1.0.0'], dir)).code).toBe(0);
    const refused = await neomig(['resolve', '1.0.0', '--rolled-back', '--env', 'production', '--json'], dir);
    expect(refused.code).toBe(2);
    expect(refused.json().error.message).toContain("The environment 'production' is protected: `neomig resolve` needs --yes");
    expect((await neomig(['delete', '1.0.0', '--env', 'production'], dir)).code).toBe(2);
    expect((await neomig(['resolve', '1.0.0', '--json'], dir)).json().error.message).toContain('exactly one of --applied and --rolled-back');
    expect((await neomig(['resolve', '1.0.0', '--rolled-back', '--env', 'production', '--yes'], dir)).code).toBe(0);
    expect((await rows("MATCH (v:SchemaVersion {version: '1.0.0'}) RETURN v.status AS s"))).toEqual([{ s: 'rolled_back' }]);
  });
});
