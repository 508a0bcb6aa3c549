import { describe, it, expect } from 'vitest';
import { extractMetadataBlock, normalizeMeta, parseCypherMetadata } from '../../src/core/metadata.js';
import type { MigrationMeta } from '../../src/core/types.js';
import { errorOf } from '../support/errors.js';

const FILE = 'V1.2.0__add_books.up.cypher';
const DEFAULTS: MigrationMeta = { dependsOn: [], validate: [], transaction: 'auto', irreversible: false };


/** A Cypher file whose metadata block holds these YAML lines. */
const cypher = (...yaml: string[]) => ['// ---', ...yaml.map((l) => `// ${l}`), '// ---', 'CREATE (:Book);'].join('\n');

describe('extractMetadataBlock', () => {
  it.each<[string, string, { yaml: string; line: number } | null]>([
    ['no block', 'CREATE (:Book);', null],
    ['empty file', '', null],
    ['block at the top', '// ---\n// description: x\n// ---\nRETURN 1', { yaml: 'description: x', line: 2 }],
    ['after blank lines and comments', '\n// Copyright Acme\n\n// ---\n// a: 1\n// ---\n', { yaml: 'a: 1', line: 5 }],
    ['fence with trailing spaces', '// ---  \n// a: 1\n// --- \t\n', { yaml: 'a: 1', line: 2 }],
    ['only one space removed, indentation kept', '// ---\n// requires:\n//   neo4j: ">=5"\n//no-space: 1\n// ---', { yaml: 'requires:\n  neo4j: ">=5"\nno-space: 1', line: 2 }],
    ['blank and empty comment lines inside', '// ---\n// a: 1\n//\n\n// b: 2\n// ---', { yaml: 'a: 1\n\n\nb: 2', line: 2 }],
    ['CRLF and BOM', '\uFEFF// ---\r\n// a: 1\r\n// ---\r\nRETURN 1', { yaml: 'a: 1', line: 2 }],
    ['empty block', '// ---\n// ---\n', { yaml: '', line: 2 }],
    ['after code is not metadata', 'RETURN 1;\n// ---\n// a: 1\n// ---', null],
    ['after a block comment is not metadata', '/* x */\n// ---\n// a: 1\n// ---', null],
    ['//--- without space is just a comment', '//---\n// a: 1\n//---\nRETURN 1', null],
  ])('%s', (_name, text, expected) => {
    expect(extractMetadataBlock(text, FILE)).toEqual(expected);
  });

  it.each([
    ['never closed', '// ---\n// a: 1\n', 1],
    ['code before the closing fence', '\n// ---\n// a: 1\nCREATE (:Book);\n// ---', 2],
  ])('refuses a block %s, naming the opening line', (_name, text, line) => {
    const err = errorOf(() => extractMetadataBlock(text, FILE));
    expect(err.code).toBe('MIGRATION_FILE');
    expect(err.details).toMatchObject({ file: FILE, line });
    expect(err.message).toContain(FILE);
    expect(err.details.hint).toContain('// ---');
  });
});

describe('parseCypherMetadata', () => {
  it('gives the defaults without a block, or with an empty one', () => {
    expect(parseCypherMetadata('CREATE (:Book);', FILE)).toEqual(DEFAULTS);
    expect(parseCypherMetadata('// ---\n// ---\nCREATE (:Book);', FILE)).toEqual(DEFAULTS);
  });

  it('reads every key', () => {
    const text = cypher(
      'description: Add books',
      'dependsOn: ["1.0", "1_1"]',
      'requires:',
      '  neo4j: ">=5.26 || >=2025.01"',
      '  edition: enterprise',
      '  procedures: apoc.create.node',
      'validate: MATCH (b:Book) RETURN count(b) > 0 AS valid',
      'transaction: statement',
      'timeout: 2m',
      'irreversible: true',
    );
    expect(parseCypherMetadata(text, FILE)).toEqual({
      description: 'Add books',
      dependsOn: ['1.0.0', '1.1.0'],
      requires: { neo4j: '>=5.26 || >=2025.1', edition: 'enterprise', procedures: ['apoc.create.node'] },
      validate: ['MATCH (b:Book) RETURN count(b) > 0 AS valid'],
      transaction: 'statement',
      timeoutMs: 120_000,
      irreversible: true,
    });
  });

  it('reads a list of validations written as a YAML block', () => {
    const text = cypher('validate:', '  - |', '    MATCH (b:Book)', '    RETURN count(b) > 0 AS valid', '  - RETURN true AS valid');
    expect(parseCypherMetadata(text, FILE).validate).toEqual(['MATCH (b:Book)\nRETURN count(b) > 0 AS valid', 'RETURN true AS valid']);
  });

  it.each([
    ['a YAML syntax error', ['description: x', 'dependsOn: [1.0', 'transaction: auto'], 'not valid YAML'],
    ['a duplicate key', ['transaction: auto', 'transaction: implicit'], 'not valid YAML'],
    ['bad indentation', ['requires:', '  neo4j: ">=5"', ' edition: enterprise'], 'not valid YAML'],
  ])('refuses %s, naming the file and a line inside the block', (_name, yaml, problem) => {
    const err = errorOf(() => parseCypherMetadata(cypher(...yaml), FILE));
    expect(err.code).toBe('MIGRATION_FILE');
    expect(err.message).toContain(FILE);
    expect(err.message).toContain(problem);
    expect(err.details.file).toBe(FILE);
    expect(err.details.line).toBeGreaterThanOrEqual(2);
    expect(err.details.line).toBeLessThanOrEqual(1 + yaml.length);
  });

  it('names the line of the offending key', () => {
    const text = `// header\n${cypher('description: ok', 'transaction: auto', 'timeout: soon')}`;
    const err = errorOf(() => parseCypherMetadata(text, FILE));
    expect(err.details.line).toBe(5);
    expect(err.message).toContain(`${FILE}:5`);
  });

  it('refuses a block that is not a mapping', () => {
    expect(errorOf(() => parseCypherMetadata(cypher('- a', '- b'), FILE)).message).toContain('mapping');
  });
});

describe('normalizeMeta: accepted values', () => {
  it.each<[string, unknown, Partial<MigrationMeta>]>([
    ['nothing', undefined, {}],
    ['null (an empty YAML document)', null, {}],
    ['an empty object', {}, {}],
    ['description is trimmed', { description: '  add books ' }, { description: 'add books' }],
    ['dependsOn as a string', { dependsOn: '1.2' }, { dependsOn: ['1.2.0'] }],
    ['dependsOn as a number', { dependsOn: 1.1 }, { dependsOn: ['1.1.0'] }],
    ['dependsOn integer', { dependsOn: 2 }, { dependsOn: ['2.0.0'] }],
    ['dependsOn list, de-duplicated after normalizing', { dependsOn: ['1', '1.0.0', '1_1_0'] }, { dependsOn: ['1.0.0', '1.1.0'] }],
    ['dependsOn empty list', { dependsOn: [] }, { dependsOn: [] }],
    ['requires.neo4j calendar range', { requires: { neo4j: '>=2025.1' } }, { requires: { neo4j: '>=2025.1' } }],
    ['requires.neo4j number', { requires: { neo4j: 5 } }, { requires: { neo4j: '5' } }],
    ['requires.edition', { requires: { edition: 'community' } }, { requires: { edition: 'community' } }],
    ['requires.procedures list', { requires: { procedures: ['apoc.a', 'apoc.b'] } }, { requires: { procedures: ['apoc.a', 'apoc.b'] } }],
    ['requires empty', { requires: {} }, { requires: {} }],
    ['validate string', { validate: 'RETURN true AS valid' }, { validate: ['RETURN true AS valid'] }],
    ['validate list', { validate: ['RETURN true AS valid', 'RETURN 1 = 1 AS valid'] }, { validate: ['RETURN true AS valid', 'RETURN 1 = 1 AS valid'] }],
    ['transaction migration', { transaction: 'migration' }, { transaction: 'migration' }],
    ['transaction implicit', { transaction: 'implicit' }, { transaction: 'implicit' }],
    ['timeout seconds', { timeout: 30 }, { timeoutMs: 30_000 }],
    ['timeout fractional seconds', { timeout: 1.5 }, { timeoutMs: 1500 }],
    ['timeout "30s"', { timeout: '30s' }, { timeoutMs: 30_000 }],
    ['timeout "500ms"', { timeout: '500ms' }, { timeoutMs: 500 }],
    ['timeout "2m"', { timeout: '2m' }, { timeoutMs: 120_000 }],
    ['timeout "1h"', { timeout: '1h' }, { timeoutMs: 3_600_000 }],
    ['timeout "45" is seconds', { timeout: '45' }, { timeoutMs: 45_000 }],
    ['irreversible false', { irreversible: false }, { irreversible: false }],
    ['schemaProcedures one name', { schemaProcedures: 'acme.schema.apply' }, { schemaProcedures: ['acme.schema.apply'] }],
    ['schemaProcedures list with a namespace', { schemaProcedures: ['acme.a', ' acme.ddl.* ', 'acme.a'] }, { schemaProcedures: ['acme.a', 'acme.ddl.*'] }],
  ])('%s', (_name, raw, expected) => {
    expect(normalizeMeta(raw, FILE)).toEqual({ ...DEFAULTS, ...expected });
  });

  it('skips up and down handlers of a TS migration when allowed', () => {
    const fields = { description: 'backfill', up: async () => {}, down: async () => {}, transaction: 'implicit' };
    expect(normalizeMeta(fields, 'V1.1.0__backfill.ts', undefined, { allowHandlers: true })).toEqual({
      ...DEFAULTS,
      description: 'backfill',
      transaction: 'implicit',
    });
  });
});

describe('normalizeMeta: refused values', () => {
  it.each<[string, unknown, string, string]>([
    ['a list', ['a'], 'must be a mapping', 'description'],
    ['a string', 'description: x', 'must be a mapping', 'description'],
    ['an unknown key', { descripton: 'x' }, 'key "descripton" is not known', 'Allowed keys: description, dependsOn, requires, assume, validate, transaction, timeout, irreversible, schemaProcedures'],
    ['up without allowHandlers', { up: () => {} }, 'key "up" is not known', 'Allowed keys'],
    ['description not a string', { description: 3 }, 'key "description" must be a string', 'description:'],
    ['dependsOn object', { dependsOn: { v: '1' } }, 'key "dependsOn" must be a version or a list of versions', 'dependsOn:'],
    ['dependsOn bad version', { dependsOn: ['1.0.0', 'latest'] }, 'has "latest", which is not a version', 'quote versions'],
    ['dependsOn list with null', { dependsOn: [null] }, 'key "dependsOn" must be', 'dependsOn:'],
    ['requires a string', { requires: '>=5' }, 'key "requires" must be a mapping', 'neo4j'],
    ['requires.neo4j not a range', { requires: { neo4j: 'five' } }, 'key "requires.neo4j" must be a semver range', '>=5.26'],
    ['requires.neo4j a list', { requires: { neo4j: ['5'] } }, 'key "requires.neo4j" must be a semver range', '>=5.26'],
    ['requires.edition', { requires: { edition: 'Enterprise Edition' } }, 'key "requires.edition" must be community or enterprise', 'edition:'],
    ['requires.procedures number', { requires: { procedures: [1] } }, 'key "requires.procedures" must be', 'procedures:'],
    ['requires unknown key', { requires: { apoc: true } }, 'key "requires.apoc" is not known', 'neo4j, edition, procedures'],
    ['validate empty string', { validate: '  ' }, 'key "validate" must be a Cypher query or a list of them', 'validate:'],
    ['validate boolean', { validate: true }, 'key "validate" must be', 'validate:'],
    ['transaction unknown', { transaction: 'single' }, 'key "transaction" must be one of auto, migration, statement, implicit', 'transaction: auto'],
    ['timeout zero', { timeout: 0 }, 'key "timeout" must be a positive number', 'timeout: 30s'],
    ['timeout negative', { timeout: -5 }, 'key "timeout" must be', 'timeout:'],
    ['timeout unit', { timeout: '3 days' }, 'key "timeout" must be', 'timeout:'],
    ['timeout boolean', { timeout: true }, 'key "timeout" must be', 'timeout:'],
    ['irreversible string', { irreversible: 'yes' }, 'key "irreversible" must be true or false', 'irreversible: true'],
    ['schemaProcedures not a name', { schemaProcedures: ['acme.ok', 'CALL acme.x()'] }, 'key "schemaProcedures" must be a procedure name or a list of them', 'schemaProcedures: ['],
    ['schemaProcedures a mapping', { schemaProcedures: { a: 1 } }, 'key "schemaProcedures" must be', 'schemaProcedures:'],
  ])('%s', (_name, raw, problem, hint) => {
    const err = errorOf(() => normalizeMeta(raw, FILE, 7));
    expect(err.code).toBe('MIGRATION_FILE');
    expect(err.message).toContain(`${FILE}:7`);
    expect(err.message).toContain(problem);
    expect(err.details).toMatchObject({ file: FILE, line: 7 });
    expect(err.details.hint).toContain(hint);
  });

  it('lists up and down among the allowed keys for a TS migration', () => {
    const err = errorOf(() => normalizeMeta({ upp: () => {} }, 'V1__x.ts', undefined, { allowHandlers: true }));
    expect(err.details.hint).toContain('up, down');
    expect(err.details.line).toBeUndefined();
    expect(err.message).toContain('V1__x.ts: metadata');
  });
});
