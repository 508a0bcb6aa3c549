import { describe, expect, it } from 'vitest';
import {
  type ChangeSet,
  type Fingerprint,
  describeChanges,
  describeLeftBehind,
  diffFingerprints,
  isEmptyChangeSet,
  parseChangeSet,
  summarizeChanges,
} from '../../src/core/fingerprint.js';
import type { SchemaItem } from '../../src/core/schema.js';
import { painter } from '../../src/cli/output.js';
import { renderVerify } from '../../src/cli/render/verify.js';
import { renderStatus } from '../../src/cli/render/status.js';
import { stateJson } from '../../src/cli/commands/shared.js';
import type { StatusResult, VerifyResult } from '../../src/runner/types.js';
import { appliedEntry } from '../support/history.js';

const plain = painter(false);

function index(name: string, label: string, property: string, type = 'RANGE'): SchemaItem {
  return { kind: 'index', name, type, entityType: 'NODE', labelsOrTypes: [label], properties: [property], propertyType: null, options: null, createStatement: null };
}
const unique: SchemaItem = { ...index('book_isbn', 'Book', 'isbn'), kind: 'constraint', type: 'UNIQUENESS' };

function fp(labels: Record<string, number>, types: Record<string, number> = {}, schema: SchemaItem[] = []): Fingerprint {
  return { labels, types, schema };
}

describe('diffFingerprints', () => {
  it('keeps only what moved: counts up or down, labels that appeared or went to zero, schema added or dropped', () => {
    const before = fp({ Book: 3, Author: 2, Gone: 5 }, { WROTE: 3, BORROWED: 1 }, [unique, index('old', 'Book', 'x')]);
    const after = fp({ Book: 3, Author: 4, Tag: 1000 }, { WROTE: 3, LOAN: 1 }, [unique, index('tag_name', 'Tag', 'name')]);
    expect(diffFingerprints(before, after)).toEqual({
      labels: { Author: 2, Gone: -5, Tag: 1000 },
      types: { BORROWED: -1, LOAN: 1 },
      schemaAdded: [index('tag_name', 'Tag', 'name')],
      schemaDropped: [index('old', 'Book', 'x')],
    });
  });

  it('an index recreated with another definition under the same name is dropped and added', () => {
    const c = diffFingerprints(fp({}, {}, [index('i', 'A', 'x')]), fp({}, {}, [index('i', 'A', 'x', 'TEXT')]));
    expect([c.schemaAdded.map((i) => i.type), c.schemaDropped.map((i) => i.type)]).toEqual([['TEXT'], ['RANGE']]);
  });

  it('the same state is an empty change set', () => {
    const same = fp({ A: 1 }, { T: 2 }, [unique]);
    const c = diffFingerprints(same, { ...same, schema: [...same.schema] });
    expect(isEmptyChangeSet(c)).toBe(true);
    expect(summarizeChanges(c)).toBe('');
  });
});

describe('describing changes', () => {
  const c: ChangeSet = { labels: { Tag: 1000, Old: -3 }, types: { WROTE: -1 }, schemaAdded: [index('tag_name', 'Tag', 'name'), unique], schemaDropped: [index('a', 'B', 'c'), index('d', 'E', 'f')] };

  it('one line per change, with the schema item named', () => {
    expect(describeChanges(c)).toEqual([
      '+1000 :Tag',
      '-3 :Old',
      '-1 [:WROTE]',
      '+index tag_name (RANGE :Tag(name))',
      '+constraint book_isbn (UNIQUENESS :Book(isbn))',
      '-index a (RANGE :B(c))',
      '-index d (RANGE :E(f))',
    ]);
  });

  it('in short for a table cell', () => {
    expect(summarizeChanges(c)).toBe('+1000 :Tag, -3 :Old, -1 [:WROTE], +1 constraint, +1 index, -2 indexes');
  });

  it('what a down left behind, in words', () => {
    expect(describeLeftBehind({ labels: { Tag: 1, Old: -3 }, types: { LOAN: -2 }, schemaAdded: [index('thing_x', 'Thing', 'x')], schemaDropped: [unique] })).toEqual([
      '1 :Tag node not deleted',
      '3 :Old nodes deleted and not restored',
      '2 [:LOAN] relationships deleted and not restored',
      'index thing_x (RANGE :Thing(x)) not dropped',
      'constraint book_isbn (UNIQUENESS :Book(isbn)) dropped and not restored',
    ]);
  });

  it('parseChangeSet reads what was recorded and tolerates absent or broken values', () => {
    expect(parseChangeSet(JSON.stringify(c))).toEqual(c);
    expect(parseChangeSet(JSON.stringify({ labels: { A: 1 } }))).toEqual({ labels: { A: 1 }, types: {}, schemaAdded: [], schemaDropped: [] });
    expect(parseChangeSet(null)).toBeNull();
    expect(parseChangeSet('{not json')).toBeNull();
  });
});

describe('rendering', () => {
  const changes: ChangeSet = { labels: { Tag: 1000 }, types: {}, schemaAdded: [index('tag_name', 'Tag', 'name')], schemaDropped: [] };
  const status: StatusResult = {
    server: { version: '5.26.0', edition: 'community', database: 'neo4j' },
    current: '1.0.0',
    migrations: [
      { version: '1.0.0', description: 'tags', status: 'applied', applied: appliedEntry({ version: '1.0.0', changes }), checksumChanged: false, fileMissing: false, outOfOrder: false },
      { version: '1.1.0', description: 'old', status: 'applied', applied: appliedEntry({ version: '1.1.0' }), checksumChanged: false, fileMissing: false, outOfOrder: false },
    ],
    issues: [],
    warnings: [],
    lock: null,
  };

  it('status --verbose adds a Changes column; without it there is none; --json carries changes', () => {
    const verbose = renderStatus(status, plain, { wide: true, verbose: true });
    expect(verbose).toMatch(/Changes/);
    expect(verbose).toMatch(/^1\.0\.0 .*\+1000 :Tag, \+1 index/m);
    expect(renderStatus(status, plain, { wide: true })).not.toMatch(/Changes|\+1000/);
    expect(stateJson(status.migrations[0]!).changes).toEqual(changes);
    expect(stateJson(status.migrations[1]!).changes).toBeNull();
  });

  it('status --verbose still fits 80 columns', () => {
    for (const line of renderStatus(status, plain, { width: 80, verbose: true }).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('verify: one line per migration, then what each failing down left behind', () => {
    const result: VerifyResult = {
      target: { uri: 'bolt://scratch:7687', database: 'neo4j', disposable: true },
      prepared: [],
      reversible: false,
      migrations: [
        { version: '1.0.0', description: 'tags', outcome: 'reversible', upChanges: changes, leftBehind: { labels: {}, types: {}, schemaAdded: [], schemaDropped: [] } },
        { version: '1.1.0', description: 'index', outcome: 'leaves_changes', upChanges: changes, leftBehind: { labels: {}, types: {}, schemaAdded: [index('tag_name', 'Tag', 'name')], schemaDropped: [] } },
      ],
    };
    const text = renderVerify(result, plain);
    expect(text).toMatch(/^1\.0\.0 +tags +reversible +\+1000 :Tag, \+1 index$/m);
    expect(text).toMatch(/^1\.1\.0 +index +LEAVES CHANGES +\+1000 :Tag, \+1 index +\+1 index$/m);
    expect(text).toContain('  index tag_name (RANGE :Tag(name)) not dropped');
    expect(text).toContain('1 migration cannot be reversed cleanly.');
  });
});
