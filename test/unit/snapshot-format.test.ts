import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import neo4j from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { SnapshotWriter, snapshotElements, verifySnapshot } from '../../src/snapshot/file.js';
import type { SnapshotHeader } from '../../src/snapshot/format.js';
import { decodeProperties, decodeValue, encodeProperties, encodeValue, type Encoded } from '../../src/snapshot/values.js';

const t = neo4j.types;
const roundTrip = (v: unknown) => decodeValue(JSON.parse(JSON.stringify(encodeValue(v))) as Encoded);

describe('property values', () => {
  it.each<[string, unknown]>([
    ['string', 'héllo "quoted" \n line'],
    ['boolean', true],
    ['float', 1.5],
    ['whole float', 2],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['integer past 2^53', neo4j.int('9007199254740993')],
    ['min int64', neo4j.int('-9223372036854775808')],
    ['byte array', new Int8Array([0, -1, 127, -128, 42])],
    ['date', new t.Date(2024, 2, 29)],
    ['local time', new t.LocalTime(23, 59, 58, 123456789)],
    ['time with offset', new t.Time(12, 30, 0, 5, -5 * 3600)],
    ['local date-time', new t.LocalDateTime(1999, 12, 31, 23, 59, 59, 999999999)],
    ['date-time with offset', new t.DateTime(2025, 3, 1, 12, 0, 0, 1, 3600)],
    ['date-time with zone id', new t.DateTime(2025, 7, 1, 12, 0, 0, 0, 7200, 'Europe/Paris')],
    ['duration', new t.Duration(neo4j.int(14), neo4j.int(3), neo4j.int(3661), neo4j.int(500))],
    ['2D cartesian point', new t.Point(7203, 1.5, -2)],
    ['3D cartesian point', new t.Point(9157, 1, 2, 3)],
    ['2D WGS-84 point', new t.Point(4326, 12.5, 55.7)],
    ['3D WGS-84 point', new t.Point(4979, 12.5, 55.7, 100)],
    ['list of strings', ['a', 'b']],
    ['list of integers', [neo4j.int(1), neo4j.int('9007199254740993')]],
    ['list of floats', [1.5, 2]],
    ['list of booleans', [true, false]],
    ['list of dates', [new t.Date(2020, 1, 1), new t.Date(2021, 12, 31)]],
    ['list of points', [new t.Point(7203, 1, 2)]],
    ['empty list', []],
  ])('%s survives JSON', (_name, value) => {
    expect(roundTrip(value)).toEqual(value);
  });

  it('keeps a float apart from an integer of the same value', () => {
    expect(encodeValue(2)).toBe(2);
    expect(encodeValue(neo4j.int(2))).toEqual({ i: '2' });
    expect(neo4j.isInt(roundTrip(neo4j.int(2)))).toBe(true);
    expect(neo4j.isInt(roundTrip(2))).toBe(false);
  });

  it('keeps -0.0', () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
  });

  it('keeps properties named __proto__ and constructor (as the driver gives them: own properties)', () => {
    const props = JSON.parse('{"__proto__": "protoval", "constructor": 1.5, "x": true}') as Record<string, unknown>;
    const back = decodeProperties(JSON.parse(JSON.stringify(encodeProperties(props))) as Record<string, Encoded>);
    expect(Object.keys(back)).toEqual(['__proto__', 'constructor', 'x']);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe('protoval');
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });
});

const dir = mkdtempSync(path.join(tmpdir(), 'neomig-snapshot-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header: SnapshotHeader = {
  neomig: 'snapshot', format: 1, createdAt: '2026-01-01T00:00:00.000Z', server: { version: '5.26.30', edition: 'community' },
  database: 'neo4j', historyVersion: '1.2.0', historyLabels: { history: 'SchemaVersion', audit: 'SchemaVersionEvent', lock: 'NeomigLock' },
};

async function sample(name: string): Promise<string> {
  const file = path.join(dir, name);
  const w = await SnapshotWriter.open(file, header);
  await w.write([{ schema: { kind: 'index', name: 'x', type: 'RANGE', entityType: 'NODE', labelsOrTypes: ['A'], properties: ['p'], propertyType: null, options: null, createStatement: 'CREATE INDEX x FOR (n:A) ON (n.p)' } }]);
  await w.write([{ n: 0, l: ['A', 'B'], p: { p: { i: '1' } } }, { n: 1, l: ['A'], p: {} }]);
  await w.write([{ r: 0, a: 0, b: 1, t: 'T', p: { w: 0.5 } }]);
  await w.finish();
  return file;
}

describe('snapshot file', () => {
  it('has a manifest: header, counts per label and type, checksum', async () => {
    const file = await sample('ok.jsonl.gz');
    const { manifest, schema } = await verifySnapshot(file);
    expect(manifest).toMatchObject({
      ...header, nodes: 2, relationships: 1, schema: 1, labels: { A: 2, B: 1 }, types: { T: 1 }, checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(schema.map((s) => s.name)).toEqual(['x']);
    const elements = [];
    for await (const e of snapshotElements(file)) elements.push(e);
    expect(elements).toEqual([{ n: 0, l: ['A', 'B'], p: { p: { i: '1' } } }, { n: 1, l: ['A'], p: {} }, { r: 0, a: 0, b: 1, t: 'T', p: { w: 0.5 } }]);
  });

  it('counts labels and types named like Object members', async () => {
    const file = path.join(dir, 'members.jsonl.gz');
    const w = await SnapshotWriter.open(file, header);
    await w.write([{ n: 0, l: ['constructor', '__proto__'], p: {} }, { n: 1, l: ['toString'], p: {} }]);
    await w.write([{ r: 0, a: 0, b: 1, t: 'hasOwnProperty', p: {} }]);
    const trailer = await w.finish();
    expect(JSON.parse(JSON.stringify(trailer.labels))).toEqual(JSON.parse('{"__proto__": 1, "constructor": 1, "toString": 1}'));
    expect({ ...trailer.types }).toEqual({ hasOwnProperty: 1 });
    expect((await verifySnapshot(file)).manifest.nodes).toBe(2);
  });

  it('refuses a truncated file, naming it', async () => {
    const file = await sample('cut.jsonl.gz');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 12));
    await expect(verifySnapshot(file)).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringMatching(/cut\.jsonl\.gz: is truncated.*database was not touched/) });
  });

  it('refuses a file without its trailer (the snapshot did not finish)', async () => {
    const file = await sample('notrailer.jsonl.gz');
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    writeFileSync(file, gzipSync(lines.slice(0, -1).join('\n') + '\n'));
    await expect(verifySnapshot(file)).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining('is truncated (it ends before its trailer') });
  });

  it('refuses an altered file (valid gzip, edited content)', async () => {
    const file = await sample('edited.jsonl.gz');
    const text = gunzipSync(readFileSync(file)).toString('utf8').replace('"w":0.5', '"w":0.6');
    writeFileSync(file, gzipSync(text));
    await expect(verifySnapshot(file)).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining('does not match its checksum') });
  });

  it('refuses what is not a snapshot, and a missing file', async () => {
    const file = path.join(dir, 'other.gz');
    writeFileSync(file, gzipSync('{"hello":1}\n'));
    await expect(verifySnapshot(file)).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining('is not a neomig snapshot') });
    writeFileSync(file, 'plain text');
    await expect(verifySnapshot(file)).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining('not a readable snapshot') });
    await expect(verifySnapshot(path.join(dir, 'nope.gz'))).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('no such snapshot file') });
  });
});
