import { describe, expect, it } from 'vitest';
import { checksumStatements } from '../../src/core/checksum.js';
import { readScript } from '../../src/core/dialect.js';
import { splitScript } from '../../src/core/splitter.js';
import { errorOf } from '../support/errors.js';

const FILE = 'V1.0.0__shell.up.cypher';
const read = (text: string) => readScript(text, FILE);

describe('splitScript: command lines', () => {
  it.each([
    [':begin\nCREATE (:A);\n:commit', ['begin', 'statement', 'commit']],
    [':BEGIN;\nCREATE (:A);\n:Commit;', ['begin', 'statement', 'commit']],
    ['  :begin   // open it\nCREATE (:A);\n:commit', ['begin', 'statement', 'commit']],
    ['CREATE (:A); :commit', ['statement', 'commit']],
    [':use neo4j\nMATCH (n) RETURN n', ['use', 'statement']],
    [':param x => 1\nRETURN $x', ['param', 'statement']],
    // a label on its own line inside a pattern is Cypher, not a command
    ['MATCH (n\n:Book) RETURN n', ['statement']],
    ['MATCH (n)\n:Label RETURN n', ['statement']],
    ["RETURN ':begin'", ['statement']],
    ['// :begin\nRETURN 1', ['statement']],
  ])('%j', (text, expected) => {
    expect(splitScript(text, FILE).map((p) => (p.type === 'command' ? p.name : p.type))).toEqual(expected);
  });

  it('gives a command its line, argument and text', () => {
    expect(splitScript('RETURN 1;\n\n:use  movies ;\nRETURN 2', FILE)[1]).toEqual({ type: 'command', line: 3, name: 'use', argument: 'movies', text: ':use  movies' });
  });

  it('gives a statement its line and column', () => {
    expect(splitScript('RETURN 1;  RETURN 2;\n  RETURN 3', FILE).map((p) => p.type === 'statement' && [p.line, p.column])).toEqual([[1, 1], [1, 12], [2, 3]]);
  });

  it.each([
    ['RETURN 1 \\;\nRETURN 2', 1],
    ['RETURN 1;\nCREATE (:A {x: 1})\\;', 2],
  ])('refuses \\; outside a string: %j', (text, line) => {
    const e = errorOf(() => splitScript(text, FILE));
    expect(e.code).toBe('MIGRATION_FILE');
    expect(e.message).toBe(`${FILE}:${line}: \\; is not Cypher`);
    expect(e.details).toMatchObject({ file: FILE, line });
  });

  it('accepts \\; inside strings and comments', () => {
    expect(splitScript("RETURN 'a\\;b'; // x \\;\nRETURN 2", FILE).filter((p) => p.type === 'statement')).toHaveLength(2);
  });

  it('refuses :commit inside a statement that lacks its ;', () => {
    const e = errorOf(() => splitScript(':begin\nCREATE (:A)\n:commit\n', FILE));
    expect(e.message).toBe(`${FILE}:3: :commit stands inside the statement that starts at line 2`);
    expect(e.details.hint).toContain(';');
  });
});

describe('readScript: :begin … :commit', () => {
  it('marks the statements of a block with the line of its :begin', () => {
    const { statements } = read('CREATE (:A);\n:begin\nCREATE (:B);\nCREATE (:C);\n:commit\nCREATE (:D);');
    expect(statements.map((s) => [s.index, s.line, s.block])).toEqual([[1, 1, undefined], [2, 3, 2], [3, 4, 2], [4, 6, undefined]]);
  });

  it.each([
    [':begin\nCREATE (:A);\n:begin\nCREATE (:B);\n:commit\n:commit', 3, ':begin inside the transaction opened by :begin at line 1'],
    ['CREATE (:A);\n:commit', 2, ':commit without a :begin before it'],
    ['CREATE (:A);\n:begin\nCREATE (:B);\n', 2, 'the transaction opened by :begin is never closed by :commit'],
    [':begin\nCREATE (:A);\n:rollback', 3, ':rollback would undo the statements before it'],
  ])('refuses %j at line %i', (text, line, problem) => {
    const e = errorOf(() => read(text));
    expect(e.code).toBe('MIGRATION_FILE');
    expect(e.message).toBe(`${FILE}:${line}: ${problem}${problem.startsWith(':rollback') ? ', so they could never be applied' : ''}`);
    expect(e.details).toMatchObject({ file: FILE, line });
    expect(e.details.hint).toBeTruthy();
  });

  it('refuses a block that mixes schema and data, naming both lines', () => {
    const e = errorOf(() => read('RETURN 1;\n:begin\nCREATE INDEX i FOR (n:N) ON (n.p);\nCREATE (:N {p: 1});\n:commit'));
    expect(e.message).toContain(`${FILE}: the transaction opened by :begin at line 2 holds a schema command (statement 2 (line 3)) and a data statement (statement 3 (line 4))`);
    expect(e.message).toContain('ForbiddenDueToTransactionType');
    expect(e.details).toMatchObject({ file: FILE, statement: 3, line: 4 });
  });

  it.each([
    ['CALL { CREATE (:A) } IN TRANSACTIONS', 'CALL { … } IN TRANSACTIONS needs an implicit transaction of its own'],
    ['CREATE USER bob SET PASSWORD "secret-pw"', 'an administration command runs in a transaction of its own'],
  ])('refuses %s inside a block', (statement, why) => {
    const e = errorOf(() => read(`:begin\nCREATE (:A);\n${statement};\n:commit`));
    expect(e.message).toBe(`${FILE}: statement 2 (line 3) is inside the transaction opened by :begin at line 1, but ${why}`);
    expect(e.details).toMatchObject({ statement: 2, line: 3 });
  });
});

describe('readScript: :use', () => {
  it('puts USE <db> in front of the statements that follow, after their query options', () => {
    const { statements } = read('RETURN 1;\n:use movies\nMATCH (n) RETURN n;\nCYPHER 5 CREATE INDEX i FOR (n:N) ON (n.p);\n:use\nRETURN 2;');
    expect(statements.map((s) => s.text)).toEqual([
      'RETURN 1',
      'USE movies MATCH (n) RETURN n',
      'CYPHER 5 USE movies CREATE INDEX i FOR (n:N) ON (n.p)',
      'RETURN 2',
    ]);
    expect(statements[1]!.use).toEqual({ database: 'movies', at: 0, length: 11 });
    expect(statements[2]!.use).toEqual({ database: 'movies', at: 9, length: 11 });
    expect(statements.map((s) => s.kind)).toEqual(['data', 'data', 'schema', 'data']);
  });

  it('leaves administration commands and statements with their own USE alone', () => {
    const { statements } = read(':use movies\nSHOW USERS;\nUSE other MATCH (n) RETURN n;');
    expect(statements.map((s) => [s.text, s.use])).toEqual([['SHOW USERS', undefined], ['USE other MATCH (n) RETURN n', undefined]]);
  });

  it('quotes a database name Cypher would not read plainly', () => {
    expect(read(':use my-db\nRETURN 1').statements[0]!.text).toBe('USE `my-db` RETURN 1');
    expect(read(':use `my-db`\nRETURN 1').statements[0]!.text).toBe('USE `my-db` RETURN 1');
  });
});

describe('readScript: other commands', () => {
  it.each([
    [':param x => 1\nRETURN $x', ':param', 'Write the value into the statement'],
    ['RETURN 1;\n\n:params {x: 1}', ':params', 'Write the value into the statement'],
    ['RETURN 1;\n:source other.cypher', ':source', 'neomig understands :begin, :commit and :use'],
    ['RETURN 1;\n:exit;', ':exit', 'Delete the line'],
  ])('refuses %j naming the line', (text, command, hint) => {
    const e = errorOf(() => read(text));
    const line = text.split('\n').findIndex((l) => l.startsWith(':')) + 1;
    expect(e.code).toBe('MIGRATION_FILE');
    expect(e.message).toBe(`${FILE}:${line}: ${command} is a cypher-shell command, which neomig does not run`);
    expect(e.details).toMatchObject({ file: FILE, line });
    expect(e.details.hint).toContain(hint);
  });
});

describe('readScript: checksum', () => {
  const plain =
    "// ---\n// description: books\n// ---\nCREATE INDEX book_title IF NOT EXISTS FOR (b:Book) ON (b.title);\n\nMATCH (b:Book)\nWHERE b.title STARTS WITH ':'\nSET b.x = 1;\nCREATE (:Book {title: 'a;b'}) // the end\n";

  it('is unchanged for a file without command lines (the value neomig 0.1 recorded)', () => {
    expect(checksumStatements(read(plain).checksumParts)).toBe('b40ff29bb2835cfa0fe75d00d65e414efdb3eecf9650593eb66c7085636c1ccf');
  });

  it('changes when a command line moves, though the statements do not', () => {
    const a = read(':begin\nCREATE (:A);\nCREATE (:B);\n:commit').checksumParts;
    const b = read(':begin\nCREATE (:A);\n:commit\n:begin\nCREATE (:B);\n:commit').checksumParts;
    expect(checksumStatements(a)).not.toBe(checksumStatements(b));
  });

  it('does not care how a command is written', () => {
    const a = read(':begin\nCREATE (:A);\n:commit').checksumParts;
    const b = read(':BEGIN;\r\nCREATE (:A);\r\n:Commit   ').checksumParts;
    expect(checksumStatements(a)).toBe(checksumStatements(b));
  });
});
