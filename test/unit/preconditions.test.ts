/**
 * Preconditions: `assume` and `requires.query` in metadata, neo4j-migrations' `// assume|assert` comment
 * lines (the fixtures below are lines from its documentation and test resources), and the pure skip
 * of a plan's steps whose assumptions do not hold.
 */
import { describe, expect, it } from 'vitest';
import { parseCypherMetadata, normalizeMeta } from '../../src/core/metadata.js';
import { bothRanges, readPreconditionComments, skipAssumed, withPreconditionComments } from '../../src/core/preconditions.js';
import type { LocalMigration, Plan } from '../../src/core/types.js';
import { neo4jVersionSatisfies } from '../../src/core/version.js';
import { errorOf } from '../support/errors.js';

const FILE = 'V0001__Create_existence_constraint.cypher';

/** The conditions a single comment line reads as. */
function one(line: string) {
  const found = readPreconditionComments(line, FILE);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe("neo4j-migrations' precondition comments", () => {
  it.each([
    ['// assume that edition is enterprise', 'assume', { edition: 'enterprise' }],
    ['// assume that edition is community.', 'assume', { edition: 'community' }],
    ['// ASSERT that EDITION is enterprise', 'assert', { edition: 'enterprise' }],
    ['//assUMe that edition is community', 'assume', { edition: 'community' }],
    ['// assume that version is 4.3', 'assume', { neo4j: '4.3' }],
    ['// assume that version is ge 4.0', 'assume', { neo4j: '>=4.0' }],
    ['// assume that version is lt 4.0', 'assume', { neo4j: '<4.0' }],
    ['// assert that version is ge 4.4', 'assert', { neo4j: '>=4.4' }],
    ['// assert that version is 3.4, 3.5, 4.4 or 5.0', 'assert', { neo4j: '3.4 || 3.5 || 4.4 || 5.0' }],
    ['//assert that version is 3 or 4', 'assert', { neo4j: '3 || 4' }],
    ['//assert that version is lt 4.0.1.1', 'assert', { neo4j: '<4.0.1' }],
    ["// assume q' RETURN true", 'assume', { query: 'RETURN true' }],
    ["// assume q'MATCH(v:Version {name:'4.1'}) RETURN count(v) = 0", 'assume', { query: "MATCH(v:Version {name:'4.1'}) RETURN count(v) = 0" }],
    ["// assume q' MATCH (book:Library) RETURN count(book) = 0", 'assume', { query: 'MATCH (book:Library) RETURN count(book) = 0' }],
    ["// assert in target q' match (n:`007`) return count(n) = 0;", 'assert', { query: 'match (n:`007`) return count(n) = 0' }],
    ["// assume in schema q'RETURN TRUE", 'assume', { query: 'RETURN TRUE' }],
  ])('%s', (line, type, condition) => {
    expect(one(line)).toEqual({ type, line: 1, condition });
  });

  it.each(['// Hello, not a precondition', '// assert nix', '// assume die welt ist schlecht', '//', 'MATCH (n) RETURN n;'])(
    'ignores %s',
    (line) => expect(readPreconditionComments(line, FILE)).toEqual([]),
  );

  it.each([
    '// assume that edition is something',
    '// assume that edition is ',
    '// assume that version is something',
    '// assume that version is ,',
    '// assume that neo4j is 4711',
    "// assume that q' RETURN false",
    "// assume q' ",
    "// assume in target q'",
  ])('refuses %s, naming the line', (line) => {
    const err = errorOf(() => readPreconditionComments(`CREATE (n);\n${line}`, FILE));
    expect(err.code).toBe('MIGRATION_FILE');
    expect(err.details).toMatchObject({ file: FILE, line: 2 });
    expect(err.details.hint).toContain('assume|assert');
  });

  it('reads every comment line of a file, wherever it stands (several_preconditions.cypher)', () => {
    const text = [
      '// Hello',
      '// assume that version is 3.4',
      'CREATE (agent:`007`) RETURN agent;',
      '// this is not a precondition',
      '// assert that edition is enterprise',
      'MATCH (n) RETURN n;',
      "// assert in target q' match (n:`007`) return count(n) = 0;",
      'CREATE (f:F) RETURN f;',
    ].join('\n');
    expect(readPreconditionComments(text, FILE).map((c) => [c.type, c.line])).toEqual([['assume', 2], ['assert', 5], ['assert', 7]]);
  });

  it('turns assert into requires and assume into assume, several lines all holding', () => {
    const text = [
      '// assert that edition is enterprise',
      '// assume that version is ge 4.4',
      "// assume q' RETURN false",
      "// assume q' MATCH (book:Library) RETURN count(book) = 0",
      'CREATE CONSTRAINT isbn_exists IF NOT EXISTS FOR (book:Library) REQUIRE book.isbn IS NOT NULL;',
    ].join('\n');
    const meta = withPreconditionComments(parseCypherMetadata(text, FILE), readPreconditionComments(text, FILE), FILE);
    expect(meta.requires).toEqual({ edition: 'enterprise' });
    expect(meta.assume).toEqual({ neo4j: '>=4.4', query: ['RETURN false', 'MATCH (book:Library) RETURN count(book) = 0'] });
  });

  it('refuses two editions for one migration', () => {
    const text = '// assume that edition is enterprise\n// assume that edition is community\n';
    const err = errorOf(() => withPreconditionComments(parseCypherMetadata(text, FILE), readPreconditionComments(text, FILE), FILE));
    expect(err.details).toMatchObject({ line: 2 });
  });

  it.each([
    ['5.26.30', '>=4.4', true],
    ['5.26.30', '<4.0', false],
    ['5.26.30', '4.3 || 4.4 || 5.0', false],
    ['5.26.30', '5', true],
    ['4.4.12', '4.3 || 4.4', true],
    ['2026.08.1', '>=5.0', true],
    ['5.26.30', bothRanges('4.3 || 5', '>=5.26'), true],
    ['5.20.0', bothRanges('4.3 || 5', '>=5.26'), false],
  ])('server %s and range %s: %s', (server, range, ok) => {
    expect(neo4jVersionSatisfies(server, range)).toBe(ok);
  });
});

describe('assume and requires.query in metadata', () => {
  it('reads them from the YAML block', () => {
    const text = ['// ---', '// requires:', '//   query: "RETURN true"', '// assume:', '//   edition: enterprise', '//   query: ["MATCH (b:Book) RETURN count(b) = 0"]', '// ---', 'CREATE (:Book);'].join('\n');
    const meta = parseCypherMetadata(text, FILE);
    expect(meta.requires).toEqual({ query: ['RETURN true'] });
    expect(meta.assume).toEqual({ edition: 'enterprise', query: ['MATCH (b:Book) RETURN count(b) = 0'] });
  });

  it('takes them from a TS migration', () => {
    const meta = normalizeMeta({ assume: { query: 'RETURN false', neo4j: '>=5' }, up: () => undefined }, 'V1__x.ts', undefined, { allowHandlers: true });
    expect(meta.assume).toEqual({ query: ['RETURN false'], neo4j: '>=5' });
  });

  it.each([
    [{ assume: 'yes' }, 'key "assume" must be a mapping'],
    [{ assume: { query: 3 } }, 'key "assume.query" must be a Cypher query'],
    [{ assume: { when: 1 } }, 'key "assume.when" is not known'],
    [{ requires: { query: '' } }, 'key "requires.query" must be a Cypher query'],
  ])('refuses %j', (raw, message) => {
    expect(errorOf(() => normalizeMeta(raw, FILE)).message).toContain(message);
  });
});

describe('skipAssumed', () => {
  const m = (version: string, dependsOn: string[] = []) =>
    ({ version, description: version, meta: { dependsOn, validate: [], transaction: 'auto', irreversible: false }, up: { file: `V${version}__x.cypher` } }) as unknown as LocalMigration;
  const plan = (...ms: LocalMigration[]): Plan => ({
    direction: 'up',
    currentVersion: '1.0.0',
    targetVersion: ms.at(-1)!.version,
    steps: ms.map((x) => ({ version: x.version, direction: 'up', description: x.description, migration: x })),
  });

  it('drops the skipped steps and the ones depending on them, saying why', () => {
    const { plan: kept, skipped } = skipAssumed(plan(m('1.1.0'), m('1.2.0', ['1.1.0']), m('1.3.0')), new Map([['1.1.0', ['assumes x']]]));
    expect(kept.steps.map((s) => s.version)).toEqual(['1.3.0']);
    expect(kept.targetVersion).toBe('1.3.0');
    expect(skipped.map((s) => [s.step.version, s.reasons])).toEqual([['1.1.0', ['assumes x']], ['1.2.0', ['depends on 1.1.0, which is skipped']]]);
  });

  it('keeps the current version as target when everything is skipped', () => {
    const { plan: kept } = skipAssumed(plan(m('1.1.0')), new Map([['1.1.0', ['assumes x']]]));
    expect(kept).toMatchObject({ steps: [], targetVersion: '1.0.0' });
  });
});
