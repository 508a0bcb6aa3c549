import { describe, expect, it } from 'vitest';
import { orderCallbacks, parseCallbackFileName } from '../../src/core/callbacks.js';
import { errorOf } from '../support/errors.js';

const parse = (name: string) => parseCallbackFileName(`callbacks/${name}`, name);

describe('callback file names', () => {
  it.each([
    ['beforeMigrate.cypher', { phase: 'beforeMigrate', description: '', type: 'cypher' }],
    ['beforeMigrate__seed_data.cypher', { phase: 'beforeMigrate', description: 'seed data', type: 'cypher' }],
    ['afterMigrateError.ts', { phase: 'afterMigrateError', description: '', type: 'typescript' }],
    ['afterClean__001.mjs', { phase: 'afterClean', description: '001', type: 'typescript' }],
  ])('%s', (name, expected) => {
    expect(parse(name)).toMatchObject({ file: `callbacks/${name}`, ...expected });
  });

  it('leaves declaration files and source maps alone', () => {
    expect(parse('beforeMigrate.d.ts')).toBeNull();
    expect(parse('beforeMigrate.js.map')).toBeNull();
  });

  it.each([
    ['beforeMigration.cypher', 'is not named for a callback phase'],
    ['notes.txt', 'is not named for a callback phase'],
    ['beforeFirstUse.cypher', 'beforeFirstUse is a neo4j-migrations phase neomig does not run'],
  ])('refuses %s, listing the phases', (name, message) => {
    const err = errorOf(() => parse(name));
    expect(err.code).toBe('MIGRATION_FILE');
    expect(err.message).toContain(message);
    expect(err.details.hint).toContain('beforeEachMigrate');
  });

  it('orders a phase: the bare name first, then by description', () => {
    const names = ['beforeMigrate__b.cypher', 'beforeMigrate.ts', 'afterMigrate.cypher', 'beforeMigrate__a.ts', 'beforeMigrate.cypher'];
    expect(orderCallbacks(names.map((n) => parse(n)!)).map((c) => c.file.slice(10))).toEqual([
      'afterMigrate.cypher',
      'beforeMigrate.cypher',
      'beforeMigrate.ts',
      'beforeMigrate__a.ts',
      'beforeMigrate__b.cypher',
    ]);
  });
});
