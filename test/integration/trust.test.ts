/**
 * The integrity file and the vouching of recorded downs, through the real bin/neomig against Neo4j:
 * a recorded TS module or Cypher down altered in the database is refused (exit 3) before it runs;
 * a file edited without `neomig hash` fails validate; two branches that each `create` conflict in git;
 * folders without neomig.sum keep working (except that recorded TS downs need a voucher).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { checksumSource, checksumStatements } from '../../src/core/checksum.js';
import { buildStatements } from '../../src/core/grouping.js';
import { BIN, ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const M = 'migrations';
const BASE = {
  [`${M}/V1.0.0__people.up.cypher`]: 'CREATE (:Person {name: "Ada"});\n',
  [`${M}/V1.0.0__people.down.cypher`]: 'MATCH (p:Person) DELETE p;\n',
};
const TS_MODULE = `import { defineMigration } from 'neomig';

export default defineMigration({
  async up(ctx) {
    await ctx.run('CREATE (:Tag {name: "t"})');
  },
  async down(ctx) {
    await ctx.run('MATCH (t:Tag) DELETE t');
  },
});
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-trust-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string): Promise<CliRun> {
  return runCli(args, { cwd, env: connectionEnv() });
}

async function labels(): Promise<Record<string, number>> {
  const r = await driver.executeQuery('MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:SchemaVersionEvent AND NOT n:NeomigLock UNWIND labels(n) AS l RETURN l, count(*) AS c ORDER BY l');
  return Object.fromEntries(r.records.map((x) => [x.get('l') as string, Number(x.get('c'))]));
}

async function statusOf(version: string): Promise<string> {
  const r = await driver.executeQuery('MATCH (v:SchemaVersion {version: $version}) RETURN v.status AS s', { version });
  return r.records[0]?.get('s') as string;
}

/** What an attacker with write access to the graph does: replace the recorded down (and, if clever, its checksum). */
async function alterRecordedDown(version: string, text: string, checksum?: string): Promise<void> {
  await driver.executeQuery(
    'MATCH (v:SchemaVersion {version: $version}) SET v.downScript = $text FOREACH (_ IN CASE WHEN $checksum IS NULL THEN [] ELSE [1] END | SET v.downChecksum = $checksum)',
    { version, text, checksum: checksum ?? null },
  );
}

async function users(): Promise<string[]> {
  const r = await driver.executeQuery('SHOW USERS YIELD user RETURN user', {}, { database: 'system' });
  return r.records.map((x) => x.get('user') as string);
}

async function auditOf(version: string): Promise<{ action: string; by: string; detail: string | null }[]> {
  const r = await driver.executeQuery(
    'MATCH (:SchemaVersion {version: $version})-[:HAS_EVENT]->(e) RETURN e.action AS action, e.by AS by, e.detail AS detail ORDER BY e.at',
    { version },
  );
  return r.records.map((x) => ({ action: x.get('action'), by: x.get('by'), detail: x.get('detail') }));
}

/** A module source that writes `marker` when evaluated and when its down runs. */
function markerModule(marker: string): string {
  return `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(marker)}, 'evaluated');
export default {
  async up() {},
  async down() { writeFileSync(${JSON.stringify(marker)}, 'ran'); },
};
`;
}

describe('recorded TypeScript downs', () => {
  it('refuses a recorded module altered to write a marker file (exit 3): nothing evaluated, graph unchanged', async () => {
    const dir = project({ ...BASE, [`${M}/V1.1.0__tags.ts`]: TS_MODULE });
    expect((await neomig(['hash', '--offline'], dir)).code).toBe(0);
    expect((await neomig(['up'], dir)).code).toBe(0);
    rmSync(path.join(dir, M, 'V1.1.0__tags.ts'));
    const marker = path.join(dir, 'marker.txt');
    const evil = markerModule(marker);

    // the text alone, and the text with a matching recorded checksum: both refused
    for (const checksum of [undefined, checksumSource(evil)]) {
      await alterRecordedDown('1.1.0', evil, checksum);
      const down = await neomig(['down'], dir);
      expect(down.code, down.stderr).toBe(3);
      expect(down.stderr).toContain('[INTEGRITY] refusing to run the recorded down of 1.1.0 (V1.1.0__tags.ts)');
      expect(down.stderr).toContain('--trust-recorded 1.1.0');
      expect(existsSync(marker)).toBe(false);
      expect(await labels()).toEqual({ Person: 1, Tag: 1 });
      expect(await statusOf('1.1.0')).toBe('applied');
    }
    const json = await neomig(['down', '--json'], dir);
    expect(json.code).toBe(3);
    expect(json.json()).toMatchObject({ ok: false, command: 'down', error: { code: 'INTEGRITY', version: '1.1.0', file: 'V1.1.0__tags.ts' } });
    expect(existsSync(marker)).toBe(false);
  }, 60_000);

  it('with the file\'s line in neomig.sum and the recorded source untouched, down runs after the file is deleted', async () => {
    const dir = project({ ...BASE, [`${M}/V1.1.0__tags.ts`]: TS_MODULE });
    expect((await neomig(['hash', '--offline'], dir)).code).toBe(0);
    expect((await neomig(['up'], dir)).code).toBe(0);
    rmSync(path.join(dir, M, 'V1.1.0__tags.ts'));
    // hash keeps the line of a deleted file whose version is applied
    const rehash = await neomig(['hash'], dir);
    expect(rehash.code, rehash.stderr).toBe(0);
    expect(readFileSync(path.join(dir, M, 'neomig.sum'), 'utf8')).toContain('V1.1.0__tags.ts ');

    const down = await neomig(['down'], dir);
    expect(down.code, down.stderr).toBe(0);
    expect(await labels()).toEqual({ Person: 1 });
    expect(await statusOf('1.1.0')).toBe('rolled_back');
  }, 60_000);

  it('without neomig.sum a recorded module is never evaluated, unless --trust-recorded names it (audited, who and why)', async () => {
    const dir = project({ ...BASE, [`${M}/V1.1.0__tags.ts`]: TS_MODULE });
    expect((await neomig(['up'], dir)).code).toBe(0);
    expect(existsSync(path.join(dir, M, 'neomig.sum'))).toBe(false);
    rmSync(path.join(dir, M, 'V1.1.0__tags.ts'));

    const refused = await neomig(['down'], dir);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refusing to run the recorded down of 1\.1\.0 .*no neomig\.sum/);
    expect(refused.stderr).toContain('neomig hash');
    expect(await labels()).toEqual({ Person: 1, Tag: 1 });

    const trusted = await neomig(['down', '--trust-recorded', '1.1.0', '--trust-reason', 'reviewed in PR 7'], dir);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(await labels()).toEqual({ Person: 1 });
    const audit = await auditOf('1.1.0');
    const event = audit.find((e) => e.action === 'trust_recorded');
    expect(event?.by).toBeTruthy();
    expect(event?.detail).toMatch(/--trust-recorded: .*; reason: reviewed in PR 7$/);
    expect(audit.map((e) => e.action).slice(-2)).toEqual(['trust_recorded', 'down']);
  }, 60_000);
});

describe('recorded Cypher downs', () => {
  const CREATE_USER = 'CREATE USER mallory IF NOT EXISTS SET PASSWORD "a-long-password-1" CHANGE NOT REQUIRED;\nMATCH (p:Person) DELETE p;\n';

  it('refuses a recorded down altered to create a user (exit 3): no user, graph unchanged; the untouched one runs', async () => {
    const dir = project(BASE);
    expect((await neomig(['hash', '--offline'], dir)).code).toBe(0);
    expect((await neomig(['up'], dir)).code).toBe(0);
    const original = readFileSync(path.join(dir, M, 'V1.0.0__people.down.cypher'), 'utf8');
    rmSync(path.join(dir, M, 'V1.0.0__people.down.cypher'));
    const forged = checksumStatements(buildStatements(CREATE_USER, 'x.cypher').map((s) => s.text));

    for (const checksum of [undefined, forged]) {
      await alterRecordedDown('1.0.0', CREATE_USER, checksum);
      const dry = await neomig(['down', '--dry-run'], dir);
      expect(dry.code).toBe(3);
      const down = await neomig(['down'], dir);
      expect(down.code, down.stderr).toBe(3);
      expect(down.stderr).toContain('refusing to run the recorded down of 1.0.0 (V1.0.0__people.down.cypher)');
      expect(await users()).not.toContain('mallory');
      expect(await labels()).toEqual({ Person: 1 });
      expect(await statusOf('1.0.0')).toBe('applied');
    }

    // status and validate name an entry whose text no longer matches the checksum recorded with it
    await alterRecordedDown('1.0.0', CREATE_USER, checksumStatements(buildStatements(original, 'x.cypher').map((s) => s.text)));
    const validate = await neomig(['validate'], dir);
    expect(validate.code).toBe(3);
    expect(validate.stdout).toMatch(/tampered 1\.0\.0 .*history entry 1\.0\.0 was changed outside neomig/);
    const status = await neomig(['status', '--json'], dir);
    expect(status.code).toBe(0);
    expect(status.json().issues).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'tampered', version: '1.0.0' })]));

    // restored as it was recorded: vouched for by its neomig.sum line although the file is gone
    await alterRecordedDown('1.0.0', original);
    const down = await neomig(['down'], dir);
    expect(down.code, down.stderr).toBe(0);
    expect(await labels()).toEqual({});
  }, 90_000);

  it('without neomig.sum a recorded Cypher down still runs, with a warning that recommends neomig hash', async () => {
    const dir = project(BASE);
    expect((await neomig(['up'], dir)).code).toBe(0);
    rmSync(path.join(dir, M, 'V1.0.0__people.down.cypher'));
    const down = await neomig(['down'], dir);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/the recorded down of 1\.0\.0 .* runs unverified: .*`neomig hash`/);
    expect(await labels()).toEqual({});
  }, 60_000);
});

describe('neomig.sum', () => {
  it('an applied up edited without neomig hash fails validate --offline naming the file; after hash, drift rules apply', async () => {
    const dir = project(BASE);
    expect((await neomig(['hash', '--offline'], dir)).code).toBe(0);
    expect((await neomig(['up'], dir)).code).toBe(0);
    writeFileSync(path.join(dir, M, 'V1.0.0__people.up.cypher'), 'CREATE (:Person {name: "Grace"});\n');

    const offline = await neomig(['validate', '--offline'], dir);
    expect(offline.code).toBe(3);
    expect(offline.stdout).toContain('integrity 1.0.0 V1.0.0__people.up.cypher: V1.0.0__people.up.cypher differs from its line in neomig.sum');
    expect(offline.stdout).toContain('run `neomig hash`');
    const up = await neomig(['up', '--json'], dir);
    expect(up.code).toBe(3);
    expect(up.json().error).toMatchObject({ code: 'VALIDATION', file: 'V1.0.0__people.up.cypher' });

    const dry = await neomig(['hash', '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Would update migrations\/neomig\.sum \(2 files\):\n {2}updated V1\.0\.0__people\.up\.cypher [0-9a-f]{8} -> [0-9a-f]{8}\n/);
    expect((await neomig(['validate', '--offline'], dir)).code).toBe(3);
    expect((await neomig(['hash'], dir)).code).toBe(0);
    expect((await neomig(['validate', '--offline'], dir)).code).toBe(0);
    const online = await neomig(['validate'], dir);
    expect(online.code).toBe(3);
    expect(online.stdout).toContain('checksum_changed 1.0.0');
    expect(online.stdout).not.toContain('integrity');
    const again = await neomig(['hash', '--json'], dir);
    expect(again.json()).toMatchObject({ ok: true, command: 'hash', created: false, files: 2, changes: [] });
  }, 60_000);

  it('hash keeps the line of a deleted file while its version is applied, and drops it once rolled back (not offline)', async () => {
    const dir = project({ ...BASE, [`${M}/V1.1.0__tags.ts`]: TS_MODULE });
    expect((await neomig(['hash'], dir)).code).toBe(0);
    expect((await neomig(['up'], dir)).code).toBe(0);
    expect((await neomig(['down'], dir)).code).toBe(0);
    rmSync(path.join(dir, M, 'V1.1.0__tags.ts'));

    const offline = await neomig(['hash', '--offline', '--dry-run'], dir);
    expect(offline.stdout).toBe('✓ migrations/neomig.sum is up to date (3 files; 1 line of deleted files kept).\n');
    const online = await neomig(['hash', '--json'], dir);
    expect(online.code).toBe(0);
    expect(online.json().changes).toEqual([expect.objectContaining({ file: 'V1.1.0__tags.ts', change: 'removed' })]);
    expect(readFileSync(path.join(dir, M, 'neomig.sum'), 'utf8')).not.toContain('V1.1.0__tags.ts');
    expect((await neomig(['validate'], dir)).code).toBe(0);
  }, 60_000);

  it('two branches that each create a migration conflict in neomig.sum when merged', () => {
    const dir = project({});
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8' });
    const create = (...args: string[]) => execFileSync(process.execPath, [BIN, 'create', ...args], { cwd: dir, encoding: 'utf8' });
    expect(git('init', '-q').status).toBe(0);
    create('init');
    expect(existsSync(path.join(dir, M, 'neomig.sum'))).toBe(true);
    git('add', '-A');
    git('commit', '-qm', 'init');
    git('checkout', '-qb', 'a');
    create('add authors');
    git('add', '-A');
    git('commit', '-qm', 'a');
    git('checkout', '-q', 'main');
    git('checkout', '-qb', 'b');
    create('add books');
    git('add', '-A');
    git('commit', '-qm', 'b');

    const merge = git('merge', 'a', '-m', 'merge a');
    expect(merge.status).not.toBe(0);
    expect(git('diff', '--name-only', '--diff-filter=U').stdout.trim()).toBe('migrations/neomig.sum');
    expect(readFileSync(path.join(dir, M, 'neomig.sum'), 'utf8')).toContain('<<<<<<<');

    // the conflict surfaces the clash: after `neomig hash`, validate names both files of version 1.1.0
    const neomigSync = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
    expect(neomigSync('validate', '--offline').status).toBe(2);
    expect(neomigSync('hash', '--offline').status).toBe(0);
    expect(readFileSync(path.join(dir, M, 'neomig.sum'), 'utf8')).not.toContain('<<<<<<<');
    const clash = neomigSync('validate', '--offline');
    expect(clash.status).toBe(2);
    expect(clash.stderr).toMatch(/V1\.1\.0__add_(authors|books)\.(up|down)\.cypher and V1\.1\.0__add_(authors|books)\.(up|down)\.cypher both have version 1\.1\.0/);
  });

  it('folders without neomig.sum: create does not add one, validate and up keep working; hash adopts it', async () => {
    const dir = project(BASE);
    const created = await neomig(['create', 'more', '--json'], dir);
    expect(created.json()).toMatchObject({ ok: true, version: '1.1.0', sumUpdated: false });
    expect(existsSync(path.join(dir, M, 'neomig.sum'))).toBe(false);
    writeFileSync(path.join(dir, M, 'V1.1.0__more.up.cypher'), 'CREATE (:More);\n');
    writeFileSync(path.join(dir, M, 'V1.1.0__more.down.cypher'), 'MATCH (m:More) DELETE m;\n');
    expect((await neomig(['validate', '--offline'], dir)).code).toBe(0);
    expect((await neomig(['up'], dir)).code).toBe(0);
    expect((await neomig(['validate'], dir)).code).toBe(0);

    const adopt = await neomig(['hash'], dir);
    expect(adopt.code).toBe(0);
    expect(adopt.stdout).toMatch(/^✓ Created migrations\/neomig\.sum \(4 files\):\n/);
    expect((await neomig(['create', 'even more'], dir)).stdout).toContain('migrations/neomig.sum');
    expect(readFileSync(path.join(dir, M, 'neomig.sum'), 'utf8')).toContain('V1.2.0__even_more.up.cypher ');
  }, 60_000);
});
