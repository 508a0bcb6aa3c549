import { describe, expect, it } from 'vitest';
import { classifyStatement } from '../../src/core/classify.js';
import { readScript } from '../../src/core/dialect.js';
import { parseCypherMetadata } from '../../src/core/metadata.js';
import { literal } from '../../src/core/refactor/cypher.js';
import { refactorCypherFiles, refactorTsModule } from '../../src/core/refactor/files.js';
import { guardStatement, planRefactor, upStatements } from '../../src/core/refactor/index.js';
import { parseList, parseValue } from '../../src/cli/commands/create-refactor.js';
import { errorOf } from '../support/errors.js';

const FILES = { version: '1.2.0', description: 'person to human', upFile: 'V1.2.0__x.up.cypher', downFile: 'V1.2.0__x.down.cypher', allowInexact: false, command: 'neomig create x' };

describe('refactoring generators', () => {
  it('rename-label: batched up and down that mirror each other, a validate query and a check', () => {
    const p = planRefactor('rename-label', { from: 'Person', to: 'Human', batchSize: 500 });
    expect(p.up).toEqual(['MATCH (n:`Person`)\nCALL (n) { SET n:`Human` REMOVE n:`Person` } IN TRANSACTIONS OF 500 ROWS']);
    expect(p.down).toEqual(['MATCH (n:`Human`)\nCALL (n) { SET n:`Person` REMOVE n:`Human` } IN TRANSACTIONS OF 500 ROWS']);
    expect(p.validate).toEqual(['MATCH (n:`Person`) RETURN count(n) = 0 AS valid']);
    expect(p.checks).toEqual([{ query: 'MATCH (n:`Human`) WITH count(n) AS c', problem: expect.stringContaining('already have the label :Human') }]);
  });

  it('rename-type and retype-relationship re-create each relationship with its properties', () => {
    const t = planRefactor('rename-type', { from: 'KNOWS', to: 'FRIEND_OF' });
    expect(t.up[0]).toBe(
      'MATCH (a)-[r:`KNOWS`]->(b)\nCALL (a, r, b) { CREATE (a)-[r2:`FRIEND_OF`]->(b) SET r2 = properties(r) DELETE r } IN TRANSACTIONS OF 1000 ROWS',
    );
    expect(t.down![0]).toContain('MATCH (a)-[r:`FRIEND_OF`]->(b)');
    const r = planRefactor('retype-relationship', { from: 'KNOWS', to: 'MANAGES', start: 'Person', end: 'Employee' });
    expect(r.up[0]).toContain('MATCH (a:`Person`)-[r:`KNOWS`]->(b:`Employee`)');
    expect(r.down![0]).toContain('MATCH (a:`Person`)-[r:`MANAGES`]->(b:`Employee`)');
    expect(r.checks[0]!.query).toBe('MATCH (a:`Person`)-[r:`MANAGES`]->(b:`Employee`) WITH count(r) AS c');
    expect(r.validate).toEqual(['MATCH (a:`Person`)-[r:`KNOWS`]->(b:`Employee`) RETURN count(r) = 0 AS valid']);
    expect(errorOf(() => planRefactor('retype-relationship', { from: 'A', to: 'B' })).message).toContain('needs --start and/or --end');
  });

  it('rename-property: scoped to a label, a type, or global without neomig\'s own nodes', () => {
    const both = planRefactor('rename-property', { from: 'born', to: 'year', label: 'Person', type: 'ACTED_IN' });
    expect(both.up).toEqual([
      'MATCH (n:`Person`) WHERE n.`born` IS NOT NULL\nCALL (n) { SET n.`year` = n.`born` REMOVE n.`born` } IN TRANSACTIONS OF 1000 ROWS',
      'MATCH ()-[r:`ACTED_IN`]->() WHERE r.`born` IS NOT NULL\nCALL (r) { SET r.`year` = r.`born` REMOVE r.`born` } IN TRANSACTIONS OF 1000 ROWS',
    ]);
    expect(both.checks.map((c) => c.query)).toEqual([
      'MATCH (n:`Person`) WHERE n.`year` IS NOT NULL WITH count(n) AS c',
      'MATCH ()-[r:`ACTED_IN`]->() WHERE r.`year` IS NOT NULL WITH count(r) AS c',
    ]);
    const global = planRefactor('rename-property', { from: 'a', to: 'b' });
    expect(global.up[0]).toContain('MATCH (n) WHERE NOT n:`SchemaVersion` AND NOT n:`SchemaVersionEvent` AND NOT n:`NeomigLock` AND n.`a` IS NOT NULL');
    expect(global.up[1]).toContain('MATCH ()-[r]->() WHERE r.`a` IS NOT NULL');
    expect(planRefactor('rename-property', { from: 'a', to: 'b', scope: 'relationships' }).up).toHaveLength(1);
    expect(planRefactor('rename-property', { from: 'a', to: 'b', scope: 'nodes', exclude: ['History'] }).up[0]).toContain('NOT n:`History` AND');
  });

  it('add-property: only where missing; the down removes the default; values as parameters or literals', () => {
    const p = planRefactor('add-property', { label: 'Order', property: 'status', default: 'open' });
    expect(p.up[0]).toBe('MATCH (n:`Order`) WHERE n.`status` IS NULL\nCALL (n) { SET n.`status` = $default } IN TRANSACTIONS OF 1000 ROWS');
    expect(p.down![0]).toBe('MATCH (n:`Order`) WHERE n.`status` = $default\nCALL (n) { REMOVE n.`status` } IN TRANSACTIONS OF 1000 ROWS');
    expect(p.params).toEqual({ default: 'open' });
    expect(p.checks[0]!.query).toBe('MATCH (n:`Order`) WHERE n.`status` = $default WITH count(n) AS c');
    const inline = planRefactor('add-property', { label: 'Order', property: 'status', default: "it's" }, { inline: true });
    expect(inline.up[0]).toContain("SET n.`status` = 'it\\'s'");
    expect(inline.params).toEqual({});
    expect(errorOf(() => planRefactor('add-property', { property: 'x', default: 1 })).message).toContain('needs --label');
  });

  it('transform-property and normalize-boolean keep the old value and put it back', () => {
    const t = planRefactor('transform-property', { label: 'P', property: 'name', expression: 'toUpper(value)' });
    expect(t.up[0]).toBe(
      'MATCH (n:`P`) WHERE n.`name` IS NOT NULL\nCALL (n) { WITH n, n.`name` AS value SET n.`__neomig_prev_name` = value, ' +
        'n.`name` = (toUpper(value)) } IN TRANSACTIONS OF 1000 ROWS',
    );
    expect(t.down![0]).toBe(
      'MATCH (n:`P`) WHERE n.`__neomig_prev_name` IS NOT NULL\nCALL (n) { SET n.`name` = n.`__neomig_prev_name` REMOVE n.`__neomig_prev_name` } ' +
        'IN TRANSACTIONS OF 1000 ROWS',
    );
    expect(errorOf(() => planRefactor('transform-property', { label: 'P', property: 'x', expression: 'x); MATCH (m' })).message)
      .toContain('not one expression');
    const b = planRefactor('normalize-boolean', { type: 'R', property: 'on', trueValues: ['Y'], falseValues: ['N'] }, { inline: true });
    expect(b.up[0]).toContain('WHERE r.`on` IS NOT NULL AND NOT r.`on` IS :: BOOLEAN');
    expect(b.up[0]).toContain("CASE WHEN value IN ['Y'] THEN true WHEN value IN ['N'] THEN false ELSE null END");
    expect(b.validate[0]).toBe('MATCH ()-[r:`R`]->() WHERE r.`on` IS NOT NULL AND NOT r.`on` IS :: BOOLEAN RETURN count(r) = 0 AS valid');
  });

  it('merge-nodes is irreversible: no down', () => {
    const m = planRefactor('merge-nodes', { label: 'Person', key: 'email' });
    expect(m.down).toBeNull();
    expect(m.checks).toEqual([]);
    expect(m.up[0]).toContain('CREATE (keep)-[c:$(type(r))]->(t)');
    expect(m.up[0]).toMatch(/DETACH DELETE other\n \} IN TRANSACTIONS OF 1000 ROWS$/);
  });

  it('names are checked and backtick-quoted; values become safe literals', () => {
    expect(planRefactor('rename-label', { from: 'My Label', to: 'x`y' }).up[0]).toContain('SET n:`x``y` REMOVE n:`My Label`');
    expect(errorOf(() => planRefactor('rename-label', { from: '', to: 'B' })).code).toBe('USAGE');
    expect(errorOf(() => planRefactor('rename-label', { from: 'A', to: 'B', batchSize: 0 })).message).toContain('batch size');
    expect(literal("a'b\\c\n")).toBe("'a\\'b\\\\c\\n'");
    expect(literal([1, 2.5, true, 'x'])).toBe("[1, 2.5, true, 'x']");
    expect(errorOf(() => literal({ a: 1 })).code).toBe('USAGE');
  });

  it('every generated statement is classified as Neo4j needs: batches as periodic, guards and validates as data', () => {
    for (const p of [
      planRefactor('rename-label', { from: 'A', to: 'B' }),
      planRefactor('normalize-boolean', { label: 'A', property: 'p' }, { inline: true }),
      planRefactor('merge-nodes', { label: 'A', key: 'k' }),
    ]) {
      for (const s of [...p.up, ...(p.down ?? [])]) expect(classifyStatement(s).kind).toBe('periodic');
      for (const s of [...p.validate, ...p.checks.map((c) => guardStatement(p, c))]) expect(classifyStatement(s).kind).toBe('data');
    }
  });
});

describe('refactoring files', () => {
  it('a Cypher pair: the validate queries in the metadata, the guards first, the down mirrored', () => {
    const plan = planRefactor('rename-label', { from: 'Person', to: 'Human' });
    const { up, down } = refactorCypherFiles(plan, FILES);
    expect(parseCypherMetadata(up, 'up').validate).toEqual(plan.validate);
    const statements = readScript(up, 'up').statements.map((s) => s.text);
    expect(statements).toEqual(upStatements(plan, false));
    expect(statements[0]).toContain("CALL db.index.fulltext.queryNodes('neomig refused to rename label :Person to :Human: ' + c + ' nodes");
    expect(readScript(down!, 'down').statements.map((s) => s.text)).toEqual(plan.down);
    const forced = refactorCypherFiles(plan, { ...FILES, allowInexact: true });
    expect(readScript(forced.up, 'up').statements.map((s) => s.text)).toEqual(plan.up);
  });

  it('merge-nodes: irreversible in the metadata and no down file', () => {
    const files = refactorCypherFiles(planRefactor('merge-nodes', { label: 'P', key: 'k' }), FILES);
    expect(parseCypherMetadata(files.up, 'up').irreversible).toBe(true);
    expect(files.down).toBeNull();
  });

  it('a TypeScript module whose up and down are one ctx.refactor line each', () => {
    const options = { from: 'Person', to: 'Human' };
    const text = refactorTsModule(planRefactor('rename-label', options), options, FILES);
    expect(text).toContain('await ctx.refactor.renameLabel(refactoring);');
    expect(text).toContain('await ctx.refactor.renameLabel.down(refactoring);');
  });
});

describe('create --refactor values', () => {
  it('--default reads JSON when it is JSON, else text; --true-values lists text and numbers', () => {
    expect(parseValue('0')).toBe(0);
    expect(parseValue('"0"')).toBe('0');
    expect(parseValue('open')).toBe('open');
    expect(parseValue('["a", 1]')).toEqual(['a', 1]);
    expect(parseValue('{"a": 1}')).toBe('{"a": 1}');
    expect(parseList('yes, Y,1,true')).toEqual(['yes', 'Y', '1', 1, 'true', true]);
  });
});
