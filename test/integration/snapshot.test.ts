/**
 * `neomig snapshot`, `neomig restore` and `up --snapshot --restore-on-failure` through the real
 * bin/neomig against the real Neo4j: a restore gives back the graph (every property type), the
 * schema and the history the snapshot was taken with; a damaged file is refused before anything is
 * deleted.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotWriter } from '../../src/snapshot/file.js';
import type { NodeLine, SnapshotLine } from '../../src/snapshot/format.js';
import { ensureBuilt, runCli, type CliRun } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase, userSchema } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];

useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const CONFIG = { 'neomig.config.json': JSON.stringify({ cleanEnabled: true }) };
const BOOKS = {
  'migrations/V1.0.0__books.up.cypher': 'CREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE;\nCREATE (:Book {isbn: "1", title: "Dune"});\n',
  'migrations/V1.0.0__books.down.cypher': 'MATCH (b:Book) DETACH DELETE b;\nDROP CONSTRAINT book_isbn IF EXISTS;\n',
};

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-snapshot-it-'));
  dirs.push(dir);
  writeFiles(dir, { ...CONFIG, ...files });
  return dir;
}

function neomig(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { cwd, env: { ...connectionEnv(), ...env }, timeoutMs: 120_000 });
}

/** Every Neo4j property type, on nodes and on relationships. */
async function seed(): Promise<void> {
  await driver.executeQuery(
    `CREATE (a:Person:Admin {name: 'Ann', big: 9007199254740993, neg: -9223372036854775808, f: 1.0, half: 0.5, nan: 0.0 / 0.0,
       inf: 1.0 / 0.0, s: 'héllo "q"', yes: true, bytes: $bytes,
       d: date('2024-02-29'), t: time('12:30:00.000000005-05:00'), lt: localtime('23:59:58.123456789'),
       dt: datetime('2025-03-01T12:00:00.000000001+01:00'), dtz: datetime('2025-07-01T12:00:00[Europe/Paris]'),
       ldt: localdatetime('1999-12-31T23:59:59.999999999'), du: duration('P1Y2M3DT4H5M6.000000007S'),
       p2: point({x: 1.5, y: -2}), p3: point({x: 1, y: 2, z: 3}), g2: point({longitude: 12.5, latitude: 55.7}),
       g3: point({longitude: 12.5, latitude: 55.7, height: 100}),
       ints: [1, 9007199254740993], floats: [1.5, 2.0], strs: ['a', 'b'], bools: [true, false], dates: [date('2020-01-01')],
       points: [point({x: 1, y: 2})], durations: [duration('PT1S')]})
     CREATE (b:Person {name: 'Bob'})
     CREATE (c:City {name: 'Oslo'})
     CREATE (a)-[:KNOWS {since: date('2020-01-01'), w: 0.25, big: 9007199254740995, at: datetime('2021-01-01T00:00:00[America/New_York]'),
       where: point({longitude: 1, latitude: 2}), tags: ['x'], raw: $bytes}]->(b)
     CREATE (b)-[:KNOWS]->(a)
     CREATE (a)-[:LIVES_IN]->(c)
     CREATE (a)-[:LIKES]->(a)`,
    { bytes: new Int8Array([1, -2, 127]) },
  );
  await driver.executeQuery('CREATE INDEX knows_since FOR ()-[r:KNOWS]-() ON (r.since)');
  await driver.executeQuery('CREATE TEXT INDEX person_text FOR (p:Person) ON (p.name)');
  await driver.executeQuery('CALL db.awaitIndexes(300)');
}

const USER = 'NOT n:SchemaVersion AND NOT n:SchemaVersionEvent AND NOT n:NeomigLock';

/** The user's graph as plain values: nodes by name with labels and properties, relationships by their ends. */
async function graph(): Promise<unknown> {
  const nodes = await driver.executeQuery(`MATCH (n) WHERE ${USER} RETURN coalesce(n.name, n.isbn) AS key, labels(n) AS labels, properties(n) AS p ORDER BY key`);
  const rels = await driver.executeQuery(
    `MATCH (a)-[r]->(b) WHERE NOT a:SchemaVersion RETURN coalesce(a.name, a.isbn) AS a, type(r) AS t, coalesce(b.name, b.isbn) AS b, properties(r) AS p ORDER BY a, t, b`,
  );
  return { nodes: nodes.records.map((r) => r.toObject()), rels: rels.records.map((r) => r.toObject()) };
}

/** Counts per label and type, without the audit trail (a restore adds its own event to it). */
async function counts(): Promise<unknown> {
  const labels = await driver.executeQuery("MATCH (n) UNWIND labels(n) AS l WITH l WHERE l <> 'SchemaVersionEvent' RETURN l, count(*) AS c ORDER BY l");
  const types = await driver.executeQuery("MATCH ()-[r]->() WHERE type(r) <> 'HAS_EVENT' RETURN type(r) AS t, count(*) AS c ORDER BY t");
  return { labels: labels.records.map((r) => [r.get('l'), Number(r.get('c'))]), types: types.records.map((r) => [r.get('t'), Number(r.get('c'))]) };
}

async function history(): Promise<unknown> {
  const r = await driver.executeQuery('MATCH (v:SchemaVersion) RETURN v.version AS version, v.status AS status, v.partialChanges AS partial ORDER BY version');
  return r.records.map((x) => x.toObject());
}

describe('snapshot and restore', () => {
  it('gives back the graph (every property type), the schema and the history', async () => {
    const dir = project(BOOKS);
    expect((await neomig(['up'], dir)).code).toBe(0);
    await seed();
    const before = { graph: await graph(), counts: await counts(), schema: await userSchema(driver), history: await history() };

    // a progress line for every event: the running ones show rows out of the total
    const snap = await neomig(['snapshot', '--json'], dir, { NEOMIG_PROGRESS_INTERVAL_MS: '1' });
    expect(snap.code, snap.stderr).toBe(0);
    const doc = snap.json();
    expect(doc).toMatchObject({
      ok: true,
      command: 'snapshot',
      manifest: {
        format: 1, database: 'neo4j', historyVersion: '1.0.0', types: { KNOWS: 2, LIKES: 1, LIVES_IN: 1, HAS_EVENT: expect.any(Number) },
        // the history and its audit trail are in the snapshot, the lock node is not
        labels: { Admin: 1, Book: 1, City: 1, Person: 2, SchemaVersion: 1, SchemaVersionEvent: expect.any(Number) },
        checksum: expect.stringMatching(/^sha256:/),
      },
    });
    expect(doc.file).toMatch(new RegExp(`^${dir}/snapshots/neo4j-\\d{8}T\\d{9}Z\\.jsonl\\.gz$`));
    expect(snap.stderr).toMatch(/✓ snapshot nodes: \d+ rows in \d+ batch(es)?, .* rows\/s/);
    // the totals are the graph's: every node but the lock, every relationship
    expect(snap.stderr).toMatch(new RegExp(`… snapshot nodes: \\d+/${doc.manifest.nodes} rows`));
    expect(snap.stderr).toMatch(new RegExp(`… snapshot relationships: \\d+/${doc.manifest.relationships} rows`));

    // change data, relationships, schema and history
    await driver.executeQuery("MATCH (b:Person {name: 'Bob'}) DETACH DELETE b");
    await driver.executeQuery("MATCH (a:Person {name: 'Ann'}) SET a.big = 1, a.extra = 'x' CREATE (a)-[:OWNS]->(:Car {name: 'Volvo'})");
    await driver.executeQuery('DROP INDEX person_text');
    await driver.executeQuery('CREATE CONSTRAINT car_name FOR (c:Car) REQUIRE c.name IS UNIQUE');
    writeFiles(dir, { 'migrations/V1.1.0__genres.up.cypher': 'CREATE (:Genre {name: "SF"});\n', 'migrations/V1.1.0__genres.down.cypher': 'MATCH (g:Genre) DELETE g;\n' });
    expect((await neomig(['up'], dir)).code).toBe(0);
    expect(await graph()).not.toEqual(before.graph);

    const restored = await neomig(['restore', doc.file, '--yes', '--json'], dir);
    expect(restored.code, restored.stderr).toBe(0);
    const m = doc.manifest;
    expect(m.nodes).toBe(Object.values(m.labels as Record<string, number>).reduce((a, b) => a + b, 0) - 1); // Ann is Person and Admin
    expect(restored.json()).toMatchObject({ ok: true, command: 'restore', loaded: { nodes: m.nodes, relationships: m.relationships, dangling: 0, schema: m.schema } });
    expect(await graph()).toEqual(before.graph);
    expect(await counts()).toEqual(before.counts);
    expect(await userSchema(driver)).toEqual(before.schema);
    expect(await history()).toEqual(before.history);
    const audit = await driver.executeQuery("MATCH (:SchemaVersion {version: '1.0.0'})-[:HAS_EVENT]->(e {action: 'restore'}) RETURN e.detail AS d");
    expect(audit.records.map((r) => r.get('d'))).toEqual([expect.stringContaining(`restored snapshot ${doc.file}`)]);
    // no temporary label, key or index is left behind
    expect(Number((await driver.executeQuery("MATCH (n) WHERE any(k IN keys(n) WHERE k STARTS WITH 'neomigRestore') RETURN count(n) AS c")).records[0]!.get('c'))).toBe(0);
    expect(Number((await driver.executeQuery("MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH 'NeomigRestore') RETURN count(n) AS c")).records[0]!.get('c'))).toBe(0);
    expect((await driver.executeQuery("SHOW INDEXES YIELD name WHERE name STARTS WITH 'neomig_restore' RETURN name")).records).toEqual([]);

    // the history matches the data: status says 1.1.0 is pending again
    const status = await neomig(['status', '--json'], dir);
    expect(status.json().current).toBe('1.0.0');
  });

  it('refuses a truncated or altered file, naming it, and leaves the database as it was (exit 3)', async () => {
    const dir = project({});
    await seed();
    const file = path.join(dir, 'snap.jsonl.gz');
    expect((await neomig(['snapshot', file], dir)).code).toBe(0);
    await driver.executeQuery("CREATE (:After {name: 'kept'})");
    const expected = await graph();

    const bytes = readFileSync(file);
    const cut = path.join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const truncated = await neomig(['restore', cut, '--yes'], dir);
    expect(truncated.code).toBe(3);
    expect(truncated.stderr).toContain(`${cut}: is truncated`);
    expect(truncated.stderr).toContain('the database was not touched');
    expect(await graph()).toEqual(expected);

    const altered = path.join(dir, 'altered.jsonl.gz');
    writeFileSync(altered, gzipSync(gunzipSync(bytes).toString('utf8').replace('"name":"Bob"', '"name":"Rob"')));
    const run = await neomig(['restore', altered, '--yes', '--json'], dir);
    expect(run.code).toBe(3);
    expect(run.json()).toMatchObject({ ok: false, command: 'restore', error: { code: 'INTEGRITY', file: altered, message: expect.stringContaining('does not match its checksum') } });
    expect(await graph()).toEqual(expected);

    const dry = await neomig(['restore', file, '--dry-run'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('snap.jsonl.gz is intact');
    expect(await graph()).toEqual(expected);
  });

  it('is guarded like clean: cleanEnabled and --yes', async () => {
    const dir = project({ 'neomig.config.json': JSON.stringify({ cleanEnabled: false }) });
    await seed();
    const file = path.join(dir, 'snap.jsonl.gz');
    expect((await neomig(['snapshot', file], dir)).code).toBe(0);
    const disabled = await neomig(['restore', file, '--yes'], dir);
    expect(disabled.code).toBe(2);
    expect(disabled.stderr).toContain('restore is disabled for this configuration');
    // a dry run changes nothing: it needs neither
    const dry = await neomig(['restore', file, '--dry-run'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('snap.jsonl.gz is intact');
    writeFiles(dir, CONFIG);
    const unconfirmed = await neomig(['restore', file], dir);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('confirm with --yes');
  });
});

describe('snapshot and restore, awkward cases', () => {
  it('a label and property named like restore\'s own marks round-trip', async () => {
    const dir = project({});
    await driver.executeQuery("CREATE (:NeomigRestore__ {neomigRestoreId: 'mine', name: 'u1'})-[:R {neomigRestoreId: 1}]->(:U {name: 'u2', neomig_restore_id: 2})");
    const expected = await graph();
    const file = path.join(dir, 'snap.jsonl.gz');
    expect((await neomig(['snapshot', file], dir)).code).toBe(0);
    await driver.executeQuery('MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:SchemaVersionEvent DETACH DELETE n');
    const restored = await neomig(['restore', file, '--yes', '--json'], dir);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.json().loaded).toMatchObject({ nodes: 2, relationships: 1, dangling: 0 });
    expect(await graph()).toEqual(expected);
  });

  it('a snapshot taken during writes: restores what it holds and says which relationships it could not', async () => {
    const dir = project({});
    await seed();
    const file = path.join(dir, 'snap.jsonl.gz');
    expect((await neomig(['snapshot', file], dir)).code).toBe(0);
    // what a snapshot read while the application wrote can hold: a relationship to a node created
    // after the nodes were read (nodes are read first, then relationships), checksum and counts intact
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean);
    const body = lines.slice(1, -1).map((l) => JSON.parse(l) as SnapshotLine);
    const anyNode = body.find((l): l is NodeLine => 'n' in l)!;
    const fuzzy = path.join(dir, 'fuzzy.jsonl.gz');
    const writer = await SnapshotWriter.open(fuzzy, JSON.parse(lines[0]!));
    await writer.write([...body, { r: 999_999, a: anyNode.n, b: 888_888, t: 'KNOWS', p: {} }]);
    const trailer = await writer.finish();

    const restored = await neomig(['restore', fuzzy, '--yes'], dir);
    expect(restored.code, restored.stderr).toBe(0);
    const inFile = trailer.relationships;
    expect(restored.stdout).toContain(`Restored ${trailer.nodes} nodes, ${inFile - 1} relationships,`);
    expect(restored.stderr).toContain(`fuzzy.jsonl.gz: 1 of its ${inFile} relationships were not restored: a node they connect is not in the file`);
    const json = await neomig(['restore', fuzzy, '--yes', '--json'], dir);
    expect(json.json().loaded).toMatchObject({ relationships: inFile - 1, dangling: 1 });
    expect(Number((await driver.executeQuery("MATCH ()-[r]->() WHERE type(r) <> 'HAS_EVENT' RETURN count(r) AS c")).records[0]!.get('c'))).toBe(inFile - 1);
  });

  it('a restore that does not finish leaves the database refusing every command but restore and clean', async () => {
    const dir = project(BOOKS);
    expect((await neomig(['up'], dir)).code).toBe(0);
    await seed();
    const good = path.join(dir, 'good.jsonl.gz');
    expect((await neomig(['snapshot', good], dir)).code).toBe(0);
    // a file whose nodes the server refuses part way (a list of mixed types is no property value): the
    // restore stops after emptying the database, as one killed there would
    const lines = gunzipSync(readFileSync(good)).toString('utf8').split('\n').filter(Boolean);
    const body = lines.slice(1, -1).map((l) => JSON.parse(l) as SnapshotLine);
    const broken = path.join(dir, 'broken.jsonl.gz');
    const writer = await SnapshotWriter.open(broken, JSON.parse(lines[0]!));
    await writer.write([...body.filter((l) => !('r' in l)), { n: 999_999, l: ['Bad'], p: { mixed: [{ i: '1' }, 'a'] } }]);
    await writer.finish();
    const failed = await neomig(['restore', broken, '--yes'], dir);
    expect(failed.code).toBe(1);

    const status = await neomig(['status', '--json'], dir);
    expect(status.json().restoreInterrupted).toEqual({ file: broken, startedAt: expect.any(String) });
    const human = await neomig(['status', '--wide'], dir);
    expect(human.stdout).toContain(`A restore of ${broken} started at`);
    const up = await neomig(['up'], dir);
    expect(up.code).toBe(3);
    expect(up.stderr).toContain(`a restore of ${broken} into database`);
    expect(up.stderr).toContain(`neomig restore ${broken} --yes`);
    expect((await neomig(['snapshot', path.join(dir, 'partial.jsonl.gz')], dir)).code).toBe(3);

    // restoring a whole snapshot ends it
    const restored = await neomig(['restore', good, '--yes'], dir);
    expect(restored.code, restored.stderr).toBe(0);
    expect((await neomig(['status', '--json'], dir)).json().restoreInterrupted).toBeUndefined();
    const after = await neomig(['up'], dir);
    expect(after.code, after.stderr).toBe(0);
  });

  it('a file it cannot write is an error (exit 2) naming it, the lock is released and the next run goes on', async () => {
    const dir = project(BOOKS);
    // enough to fill the compressor's buffer: the write that fails is one of many
    await driver.executeQuery("UNWIND range(1, 20000) AS i CREATE (:Filler {i: i, s: 'filler ' + toString(i * 7919)})");
    const full = path.join(dir, 'full.jsonl.gz');
    symlinkSync('/dev/full', `${full}.partial`);
    const noRoom = await neomig(['snapshot', full], dir);
    expect(noRoom.code).toBe(2);
    expect(noRoom.stderr).toContain(`cannot write the snapshot ${full}: the disk is full`);
    expect(noRoom.stderr).toContain('--out <file>');
    writeFileSync(path.join(dir, 'afile'), 'x');
    const notAFolder = await neomig(['snapshot', path.join(dir, 'afile', 'snap.jsonl.gz'), '--json'], dir);
    expect(notAFolder.code).toBe(2);
    expect(notAFolder.json()).toMatchObject({ ok: false, error: { code: 'CONFIG', message: expect.stringContaining('a file stands where a folder is needed') } });
    // up --snapshot stops before any migration, and leaves the lock free
    const up = await neomig(['up', '--snapshot'], dir, { NEOMIG_SNAPSHOT_DIR: path.join(dir, 'afile') });
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('cannot write the snapshot');
    expect(await history()).toEqual([]);
    const next = await neomig(['up', '--lock-timeout', '2'], dir);
    expect(next.code, next.stderr).toBe(0);
  });
});

describe('up --snapshot', () => {
  // the constraint commits on its own, the duplicate then fails, and the down fails too: changes remain
  const BROKEN = {
    'migrations/V1.1.0__junk.up.cypher': 'CREATE CONSTRAINT junk_x IF NOT EXISTS FOR (j:Junk) REQUIRE j.x IS UNIQUE;\nCREATE (:Junk {x: 1});\nCREATE (:Junk {x: 1});\n',
    'migrations/V1.1.0__junk.down.cypher': 'RETURN 1 / 0;\n',
  };

  it('restores the snapshot when the downs cannot reverse a failure, and the history says so', async () => {
    const dir = project(BOOKS);
    expect((await neomig(['up'], dir)).code).toBe(0);
    await seed();
    const before = { graph: await graph(), schema: await userSchema(driver) };
    // 1.0.5 applies in the same run before 1.1.0 fails
    writeFiles(dir, { ...BROKEN, 'migrations/V1.0.5__extra.up.cypher': 'CREATE (:Extra);\n', 'migrations/V1.0.5__extra.down.cypher': 'MATCH (e:Extra) DELETE e;\n' });

    const run = await neomig(['up', '--snapshot', '--restore-on-failure', '--json'], dir);
    expect(run.code).toBe(1);
    const doc = run.json();
    expect(doc.snapshot).toMatchObject({ restored: true, file: expect.stringMatching(/snapshots\/neo4j-.*\.jsonl\.gz$/), reason: expect.stringContaining('remain') });
    expect(doc.failed).toMatchObject({ version: '1.1.0', partialChanges: 'undone', undoneBy: 'snapshot' });
    expect(doc.error.message).toContain('restored the snapshot taken before this run');
    expect(await graph()).toEqual(before.graph);
    expect(await userSchema(driver)).toEqual(before.schema);

    // the run's migrations are recorded undone: the one that failed, and the one it applied before
    expect(await history()).toEqual([
      { version: '1.0.0', status: 'applied', partial: null },
      { version: '1.0.5', status: 'rolled_back', partial: null },
      { version: '1.1.0', status: 'failed', partial: 'undone' },
    ]);
    // and nothing the run wrote in the audit trail is lost: its events, then the restore's
    const events = async (version: string) => (await driver.executeQuery(
      'MATCH (:SchemaVersion {version: $version})-[:HAS_EVENT]->(e) RETURN e.action AS action, e.detail AS detail, e.snapshot AS snapshot, e.runId AS run ORDER BY e.at',
      { version },
    )).records.map((r) => r.toObject());
    const failedEvents = await events('1.1.0');
    expect(failedEvents.map((e) => e['action'])).toEqual([...failedEvents.slice(0, -2).map((e) => e['action']), 'failed', 'restore']);
    expect(failedEvents.at(-2)).toMatchObject({ detail: 'partial changes: remain' });
    expect(failedEvents.at(-1)).toMatchObject({ snapshot: doc.snapshot.file, detail: expect.stringContaining(`restored snapshot ${doc.snapshot.file} after 1.1.0 failed`) });
    const appliedEvents = await events('1.0.5');
    expect(appliedEvents.map((e) => e['action'])).toContain('up');
    expect(appliedEvents.at(-1)).toMatchObject({ action: 'restore', snapshot: doc.snapshot.file });
    expect(new Set([...failedEvents, ...appliedEvents].map((e) => e['run'])).size).toBe(1);

    // the failure is recorded as undone: a fixed migration is simply retried
    writeFiles(dir, { 'migrations/V1.1.0__junk.up.cypher': 'CREATE (:Junk {x: 1});\n', 'migrations/V1.1.0__junk.down.cypher': 'MATCH (j:Junk) DELETE j;\n' });
    const retried = await neomig(['up'], dir);
    expect(retried.code, retried.stderr).toBe(0);
  });

  it('without --restore-on-failure prints the exact restore command', async () => {
    const dir = project({ ...BOOKS, ...BROKEN });
    const run = await neomig(['up', '--snapshot'], dir);
    expect(run.code).toBe(1);
    const command = /neomig restore (\S+) --yes/.exec(run.stderr);
    expect(command, run.stderr).not.toBeNull();
    expect(run.stderr).toContain('The downs could not reverse this run.');
    // why the down failed, with the code Neo4j gave
    expect(run.stderr).toMatch(/its partial changes REMAIN \(.*V1\.1\.0__junk\.down\.cypher.*\(Neo\.ClientError\.Statement\.ArithmeticError\)\)/);
    // the command works as printed
    const restored = await neomig(['restore', command![1]!, '--yes'], dir);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await history()).toEqual([]);
    expect(await graph()).toEqual({ nodes: [], rels: [] });
  });

  it('--restore-on-failure is refused before anything runs unless cleanEnabled', async () => {
    const dir = project({ ...BOOKS, 'neomig.config.json': JSON.stringify({ cleanEnabled: false }) });
    const run = await neomig(['up', '--restore-on-failure'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('restore is disabled for this configuration');
    expect(await history()).toEqual([]);
  });

  it('takes no snapshot when nothing is pending, and names it in the result otherwise', async () => {
    const dir = project(BOOKS);
    const first = await neomig(['up', '--snapshot', '--json'], dir);
    expect(first.code).toBe(0);
    expect(first.json().snapshot).toMatchObject({ restored: false, file: expect.stringContaining('/snapshots/') });
    const events = await driver.executeQuery("MATCH (e:SchemaVersionEvent {action: 'up'}) RETURN e.snapshot AS s");
    expect(events.records.map((r) => r.get('s'))).toEqual([first.json().snapshot.file]);
    const again = await neomig(['up', '--snapshot', '--json'], dir);
    expect(again.json().snapshot).toBeUndefined();
  });
});
