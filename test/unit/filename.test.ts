import { describe, it, expect } from 'vitest';
import { migrationFileNames, parseMigrationFileName, type ParsedFileName } from '../../src/core/filename.js';
import { errorOf } from '../support/errors.js';


describe('parseMigrationFileName: migrations', () => {
  it.each<[string, Omit<ParsedFileName, 'file'>]>([
    ['V1.2.0__add_books.up.cypher', { version: '1.2.0', spelled: '1.2.0', description: 'add books', type: 'cypher', role: 'up', style: 'paired' }],
    ['V1.2.0__add_books.down.cypher', { version: '1.2.0', spelled: '1.2.0', description: 'add books', type: 'cypher', role: 'down', style: 'paired' }],
    ['V1__add_books.cypher', { version: '1.0.0', spelled: '1', description: 'add books', type: 'cypher', role: 'up', style: 'flyway' }],
    ['U1__add_books.cypher', { version: '1.0.0', spelled: '1', description: 'add books', type: 'cypher', role: 'down', style: 'flyway' }],
    ['V1_2__init.cypher', { version: '1.2.0', spelled: '1_2', description: 'init', type: 'cypher', role: 'up', style: 'flyway' }],
    ['V1.1.0__backfill.ts', { version: '1.1.0', spelled: '1.1.0', description: 'backfill', type: 'typescript', role: 'module', style: 'module' }],
    ['V1.1.0__backfill.mts', { version: '1.1.0', spelled: '1.1.0', description: 'backfill', type: 'typescript', role: 'module', style: 'module' }],
    ['V1.1.0__backfill.js', { version: '1.1.0', spelled: '1.1.0', description: 'backfill', type: 'typescript', role: 'module', style: 'module' }],
    ['V1.1.0__backfill.mjs', { version: '1.1.0', spelled: '1.1.0', description: 'backfill', type: 'typescript', role: 'module', style: 'module' }],
    ['V2.0.0-rc.1__big_change.up.cypher', { version: '2.0.0-rc.1', spelled: '2.0.0-rc.1', description: 'big change', type: 'cypher', role: 'up', style: 'paired' }],
    ['V3__a__b_.cypher', { version: '3.0.0', spelled: '3', description: 'a b', type: 'cypher', role: 'up', style: 'flyway' }],
    ['V1__add.books.cypher', { version: '1.0.0', spelled: '1', description: 'add.books', type: 'cypher', role: 'up', style: 'flyway' }],
    // neo4j-migrations' and Flyway's zero-padded numbering
    ['V0001__Initial.cypher', { version: '1.0.0', spelled: '0001', description: 'Initial', type: 'cypher', role: 'up', style: 'flyway' }],
    ['U0012__Add_index.cypher', { version: '12.0.0', spelled: '0012', description: 'Add index', type: 'cypher', role: 'down', style: 'flyway' }],
    ['V01_02__tidy.up.cypher', { version: '1.2.0', spelled: '01_02', description: 'tidy', type: 'cypher', role: 'up', style: 'paired' }],
  ])('%s', (name, expected) => {
    expect(parseMigrationFileName(name)).toEqual({ file: name, ...expected });
  });
});

describe('parseMigrationFileName: not migrations', () => {
  it.each([
    'README.md',
    'helpers.ts',
    'V1__types.d.ts',
    'V1__types.d.mts',
    'V1__init.js.map',
    'Vendor.cypher',
    'Util__x.cypher',
    'V1__notes.txt',
    'V2 plan.txt',
    '.DS_Store',
    'schema.cypher',
  ])('%s -> null', (name) => {
    expect(parseMigrationFileName(name)).toBeNull();
  });
});

describe('parseMigrationFileName: malformed migrations', () => {
  it.each([
    ['V1.2.0.cypher', '"__"', 'V1.2.0__add_books.up.cypher'],
    ['V1_add_books.up.cypher', '"__"', 'V1.2.0__add_books.up.cypher'],
    ['V1.2.x__add.cypher', 'not a version', 'V1.2.0__add_books.up.cypher'],
    ['V01.x__add.cypher', 'not a version', 'V1.2.0__add_books.up.cypher'],
    ['V1 __add.cypher', 'not a version', 'V1.2.0__add_books.up.cypher'],
    ['V1.2.3.4__add.ts', 'not a version', 'V1.2.0__add_books.ts'],
    ['V1__.cypher', 'empty description', 'V1.2.0__add_books.up.cypher'],
    ['V1_____.up.cypher', 'empty description', 'V1.2.0__add_books.up.cypher'],
    ['U1__add.ts', 'only Cypher', 'V1.2.0__add_books.ts'],
    ['U1__add.down.cypher', 'mixes the U prefix', 'U1.2.0__add_books.cypher'],
    ['V1__add.up.ts', 'holds both up and down', 'V1.2.0__add_books.ts'],
    ['V1__add.down.mjs', 'holds both up and down', 'V1.2.0__add_books.ts'],
    ['V1__add.cjs', 'CommonJS', 'V1.2.0__add_books.ts'],
    ['v1__add.cypher', 'upper-case V', 'V1.2.0__add_books.up.cypher'],
  ])('%s is refused (%s)', (name, problem, example) => {
    const err = errorOf(() => parseMigrationFileName(name));
    expect(err.code).toBe('MIGRATION_FILE');
    expect(err.message).toContain(name);
    expect(err.message).toContain(problem);
    expect(err.details.file).toBe(name);
    expect(err.details.hint).toContain(example);
  });
});

describe('migrationFileNames', () => {
  it.each([
    ['1.3.0', 'Add books index', 'cypher', ['V1.3.0__add_books_index.up.cypher', 'V1.3.0__add_books_index.down.cypher']],
    ['1.3.0', 'Add books index', 'typescript', ['V1.3.0__add_books_index.ts']],
    ['2', '  --Backfill: ISBNs (v2)!  ', 'typescript', ['V2.0.0__backfill_isbns_v2.ts']],
    ['1_4', 'Ändere Namen', 'cypher', ['V1.4.0__andere_namen.up.cypher', 'V1.4.0__andere_namen.down.cypher']],
  ] as const)('%s %j %s', (version, description, kind, expected) => {
    const names = migrationFileNames(version, description, kind);
    expect(names).toEqual(expected);
    // What create writes must be read back as the same migration.
    for (const n of names) expect(parseMigrationFileName(n)?.version).toBe(names[0]?.slice(1, names[0].indexOf('__')));
  });

  it.each([
    ['8.0.0', '0008', ['V0008__add_genre.up.cypher', 'V0008__add_genre.down.cypher']],
    ['8.0.0', '8', ['V8__add_genre.up.cypher', 'V8__add_genre.down.cypher']],
    // a spelling of another version is not used
    ['8.0.0', '0009', ['V8.0.0__add_genre.up.cypher', 'V8.0.0__add_genre.down.cypher']],
  ] as const)('%s spelled %j', (version, spelled, expected) => {
    const names = migrationFileNames(version, 'add genre', 'cypher', spelled);
    expect(names).toEqual(expected);
    for (const n of names) expect(parseMigrationFileName(n)?.version).toBe(version);
  });

  it.each([
    ['1.3.0', '!!!'],
    ['1.3.0', '   '],
    ['1.x', 'add books'],
  ])('refuses version %j with description %j as a usage error', (version, description) => {
    expect(errorOf(() => migrationFileNames(version, description, 'cypher')).code).toBe('USAGE');
  });
});
