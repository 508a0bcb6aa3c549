/**
 * Fingerprints, `neomig show` and `status --verbose`, through the real bin/neomig against the real Neo4j:
 * what each migration changed (counts per label and type from the count store, indexes and constraints
 * added or dropped) is recorded with the entry, shown in full and in short, and again for its down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliRun, ensureBuilt, runCli } from '../support/cli.js';
import { writeFiles } from '../support/migrations.js';
import { connectionEnv, useCleanDatabase } from '../support/neo4j.js';

let driver: Driver;
const dirs: string[] = [];
useCleanDatabase((d) => (driver = d), ensureBuilt);
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const TAGS = {
  'migrations/V1.0.0__tags.up.cypher': "UNWIND range(1, 1000) AS i CREATE (:Tag {name: 'tag-' + i});\nMATCH (t:Tag {name: 'tag-1'}) CREATE (t)-[:NEXT]->(:Tag:Root {name: 'root'});\n",
  'migrations/V1.0.0__tags.down.cypher': 'MATCH (t:Tag) DETACH DELETE t;\n',
  'migrations/V1.1.0__tag_index.up.cypher': 'CREATE INDEX tag_name IF NOT EXISTS FOR (t:Tag) ON (t.name);\n',
  'migrations/V1.1.0__tag_index.down.cypher': 'DROP INDEX tag_name IF EXISTS;\n',
};

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neomig-show-it-'));
  dirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

function neomig(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { cwd, env: { ...connectionEnv(), ...env } });
}

describe('fingerprints and neomig show', () => {
  it('records what each up changed; show prints it with the statements, counters and audit events', async () => {
    const dir = project(TAGS);
    expect((await neomig(['up'], dir)).code).toBe(0);

    const tags = await neomig(['show', '1.0.0', '--json'], dir);
    expect(tags.code).toBe(0);
    const doc = tags.json();
    expect(doc).toMatchObject({ ok: true, command: 'show', version: '1.0.0', status: 'applied', type: 'cypher' });
    expect(doc.files).toEqual({ up: 'V1.0.0__tags.up.cypher', down: 'V1.0.0__tags.down.cypher' });
    expect(doc.counters).toMatchObject({ nodesCreated: 1001, relationshipsCreated: 1 });
    expect(doc.statements.map((s: { index: number; line: number; counters: object }) => [s.index, s.line, s.counters])).toEqual([
      [1, 1, expect.objectContaining({ nodesCreated: 1000 })],
      [2, 2, expect.objectContaining({ nodesCreated: 1, relationshipsCreated: 1 })],
    ]);
    // only what moved: :Tag +1001 (the root is a :Tag too), :Root +1, [:NEXT] +1; neomig's own nodes are not the graph's
    expect(doc.changes).toEqual({ labels: { Root: 1, Tag: 1001 }, types: { NEXT: 1 }, schemaAdded: [], schemaDropped: [] });
    expect(doc.events.map((e: { action: string }) => e.action)).toEqual(['up']);
    expect(doc.events[0].changes).toEqual(doc.changes);

    const human = await neomig(['show', '1.0.0'], dir);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('+1001 :Tag');
    expect(human.stdout).toContain('+1 [:NEXT]');
    expect(human.stdout).toMatch(/1: line 1 UNWIND range\(1, 1000\)[^\n]*\n\s+nodesCreated 1000/);

    const index = (await neomig(['show', '1.1.0', '--json'], dir)).json();
    expect(index.changes.labels).toEqual({});
    expect(index.changes.schemaAdded).toEqual([
      expect.objectContaining({ kind: 'index', name: 'tag_name', type: 'RANGE', labelsOrTypes: ['Tag'], properties: ['name'] }),
    ]);
    expect((await neomig(['show', '1.1.0'], dir)).stdout).toContain('+index tag_name (RANGE :Tag(name))');
  });

  it('a migration creating 1,000 :Tag nodes shows +1000 :Tag; status --verbose shows each delta in short', async () => {
    const dir = project({
      'migrations/V1.0.0__tags.up.cypher': 'UNWIND range(1, 1000) AS i CREATE (:Tag {i: i});\n',
      'migrations/V1.0.0__tags.down.cypher': 'MATCH (t:Tag) DELETE t;\n',
      'migrations/V1.1.0__tag_index.up.cypher': TAGS['migrations/V1.1.0__tag_index.up.cypher'],
      'migrations/V1.1.0__tag_index.down.cypher': TAGS['migrations/V1.1.0__tag_index.down.cypher'],
    });
    expect((await neomig(['up'], dir)).code).toBe(0);
    expect((await neomig(['show', '1.0.0', '--json'], dir)).json().changes.labels).toEqual({ Tag: 1000 });
    expect((await neomig(['show', '1.0.0'], dir)).stdout).toMatch(/^ {2}\+1000 :Tag$/m);

    const verbose = await neomig(['status', '--verbose', '--wide'], dir);
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toMatch(/Changes/);
    expect(verbose.stdout).toMatch(/1\.0\.0 .* \+1000 :Tag/);
    expect(verbose.stdout).toMatch(/1\.1\.0 .* \+1 index/);
    expect((await neomig(['status'], dir)).stdout).not.toContain('+1000 :Tag');
    const json = (await neomig(['status', '--json'], dir)).json();
    expect(json.migrations.map((m: { changes: { labels: object } }) => m.changes.labels)).toEqual([{ Tag: 1000 }, {}]);
  });

  it('after down, show holds what the down changed, and the audit events of both', async () => {
    const dir = project(TAGS);
    expect((await neomig(['up'], dir)).code).toBe(0);
    const down = await neomig(['down', '--all', '--json'], dir);
    expect(down.code).toBe(0);
    expect(down.json().applied.map((r: { changes: { labels: object } }) => r.changes.labels)).toEqual([{}, { Root: -1, Tag: -1001 }]);

    const tags = (await neomig(['show', '1.0.0', '--json'], dir)).json();
    expect(tags.status).toBe('pending');
    expect(tags.changes.labels).toEqual({ Root: 1, Tag: 1001 });
    expect(tags.downChanges).toEqual({ labels: { Root: -1, Tag: -1001 }, types: { NEXT: -1 }, schemaAdded: [], schemaDropped: [] });
    expect(tags.events.map((e: { action: string }) => e.action)).toEqual(['up', 'down']);
    const index = (await neomig(['show', '1.1.0', '--json'], dir)).json();
    expect(index.downChanges.schemaDropped.map((i: { name: string }) => i.name)).toEqual(['tag_name']);
    const human = await neomig(['show', '1.1.0'], dir);
    expect(human.stdout).toContain('Changes of its down');
    expect(human.stdout).toContain('-index tag_name (RANGE :Tag(name))');

    // applied again: the down's delta belongs to the earlier reversal and is cleared
    expect((await neomig(['up'], dir)).code).toBe(0);
    expect((await neomig(['show', '1.1.0', '--json'], dir)).json().downChanges).toBeNull();
  });

  it('an unknown version exits 2 with a hint naming the known ones', async () => {
    const dir = project(TAGS);
    const run = await neomig(['show', '9.9.9'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('9.9.9: no such migration');
    expect(run.stderr).toContain('Known versions: 1.0.0, 1.1.0');
    const json = await neomig(['show', 'x.y', '--json'], dir);
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ ok: false, command: 'show', error: { code: 'USAGE' } });
  });
});

describe('switching fingerprints off', () => {
  async function recorded(): Promise<Record<string, unknown>[]> {
    const r = await driver.executeQuery('MATCH (v:SchemaVersion) RETURN v {.version, .changes, .downChanges} AS v ORDER BY v.version');
    return r.records.map((x) => x.get('v') as Record<string, unknown>);
  }

  it('up/down --no-fingerprints and config fingerprints: false record no changes', async () => {
    const dir = project(TAGS);
    expect((await neomig(['up', '--no-fingerprints'], dir)).code).toBe(0);
    expect(await recorded()).toEqual([
      { version: '1.0.0', changes: null, downChanges: null },
      { version: '1.1.0', changes: null, downChanges: null },
    ]);
    expect((await neomig(['show', '1.0.0', '--json'], dir)).json().changes).toBeNull();
    expect((await neomig(['show', '1.0.0'], dir)).stdout).toContain('not recorded');
    expect((await neomig(['down', '--no-fingerprints'], dir)).code).toBe(0);
    expect((await recorded())[1]).toEqual({ version: '1.1.0', changes: null, downChanges: null });

    writeFiles(dir, { 'neomig.config.yaml': 'fingerprints: false\n' });
    expect((await neomig(['down'], dir)).code).toBe(0);
    expect((await neomig(['up'], dir)).code).toBe(0);
    expect(await recorded()).toEqual([
      { version: '1.0.0', changes: null, downChanges: null },
      { version: '1.1.0', changes: null, downChanges: null },
    ]);
    // and on again: recorded
    expect((await neomig(['down'], dir, { NEOMIG_FINGERPRINTS: 'true' })).code).toBe(0);
    expect(JSON.parse(String((await recorded())[1]!.downChanges)).schemaDropped[0].name).toBe('tag_name');
  });
});
