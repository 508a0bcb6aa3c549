import { describe, it, expect } from 'vitest';
import { maskCypher, splitStatements } from '../../src/core/splitter.js';
import { NeomigError } from '../../src/errors.js';

type Row = [name: string, script: string, expected: Array<[line: number, text: string]>];

const texts = (script: string) => splitStatements(script).map((s) => [s.line, s.text]);

describe('splitStatements', () => {
  it.each<Row>([
    ['two statements', 'CREATE (a);\nCREATE (b);\n', [[1, 'CREATE (a)'], [2, 'CREATE (b)']]],
    ['no trailing semicolon', 'CREATE (a);\nCREATE (b)\n\n', [[1, 'CREATE (a)'], [2, 'CREATE (b)']]],
    ['empty statements are dropped', ';;CREATE (a);;\n;  ;\nCREATE (b);;', [[1, 'CREATE (a)'], [3, 'CREATE (b)']]],
    ['empty file', '', []],
    ['whitespace only', '  \n\t\n', []],
    ['comments only', '// ---\n// description: x\n// ---\n/* nothing */\n', []],
    ['single-quoted ;', "RETURN 'a;b';\nRETURN 2", [[1, "RETURN 'a;b'"], [2, 'RETURN 2']]],
    ['double-quoted ;', 'RETURN "a;b";RETURN 2', [[1, 'RETURN "a;b"'], [1, 'RETURN 2']]],
    ['escaped quote', "RETURN 'it\\'s; fine';RETURN 2", [[1, "RETURN 'it\\'s; fine'"], [1, 'RETURN 2']]],
    ['escaped backslash before closing quote', "RETURN 'a\\\\';RETURN 2", [[1, "RETURN 'a\\\\'"], [1, 'RETURN 2']]],
    ['other quote inside string', `RETURN "it's; ok";RETURN '"x;"'`, [[1, `RETURN "it's; ok"`], [1, `RETURN '"x;"'`]]],
    ['backtick with ;', 'MATCH (n:`we;ird`) RETURN n;RETURN 2', [[1, 'MATCH (n:`we;ird`) RETURN n'], [1, 'RETURN 2']]],
    ['doubled backtick', 'MATCH (n:`a``;b`) RETURN n;RETURN 2', [[1, 'MATCH (n:`a``;b`) RETURN n'], [1, 'RETURN 2']]],
    ['quote inside backticks', "MATCH (n:`it's;`) RETURN n;RETURN 2", [[1, "MATCH (n:`it's;`) RETURN n"], [1, 'RETURN 2']]],
    ['// inside a string', "CREATE (:Site {url: 'http://x;y'});\nRETURN 1", [[1, "CREATE (:Site {url: 'http://x;y'})"], [2, 'RETURN 1']]],
    ['/* inside a string', "RETURN '/*';\nRETURN '*/'", [[1, "RETURN '/*'"], [2, "RETURN '*/'"]]],
    ['line comment with ;', 'CREATE (a) // first; not a split\n;RETURN 2', [[1, 'CREATE (a) // first; not a split'], [2, 'RETURN 2']]],
    ['block comment with ;', 'CREATE /* a; b */ (a);RETURN 2', [[1, 'CREATE /* a; b */ (a)'], [1, 'RETURN 2']]],
    ['multi-line block comment', 'CREATE (a);\n/* one;\n two; */\nRETURN 2', [[1, 'CREATE (a)'], [4, 'RETURN 2']]],
    ['quote inside comment', "// don't split here;\nRETURN 1;/* it's */RETURN 2", [[2, 'RETURN 1'], [2, 'RETURN 2']]],
    ['arrows', 'MATCH (a)-->(b) RETURN a;\nMATCH (a)<--(b) RETURN b', [[1, 'MATCH (a)-->(b) RETURN a'], [2, 'MATCH (a)<--(b) RETURN b']]],
    ['typed relationship arrows', 'MATCH (a)-[:R]->(b)<-[:S]-(c) RETURN a;RETURN 2', [[1, 'MATCH (a)-[:R]->(b)<-[:S]-(c) RETURN a'], [1, 'RETURN 2']]],
    ['-- is not a comment', 'MATCH (a)--(b)\nRETURN a;\nRETURN 2', [[1, 'MATCH (a)--(b)\nRETURN a'], [3, 'RETURN 2']]],
    ['leading comments are skipped, line is the code line', '// ---\n// transaction: auto\n// ---\n\n/* why */ CREATE (a);', [[5, 'CREATE (a)']]],
    ['multi-line statement keeps inner lines', 'MATCH (n)\n  // only books\n  WHERE n:Book\nRETURN n;', [[1, 'MATCH (n)\n  // only books\n  WHERE n:Book\nRETURN n']]],
    ['trailing whitespace is trimmed', 'RETURN 1   \t\n ;', [[1, 'RETURN 1']]],
    ['string spanning lines', "RETURN 'a\nb;c';\nRETURN 2", [[1, "RETURN 'a\nb;c'"], [3, 'RETURN 2']]],
    ['BOM', '\uFEFFRETURN 1;\nRETURN 2', [[1, 'RETURN 1'], [2, 'RETURN 2']]],
    ['CRLF line numbers', 'RETURN 1;\r\n\r\n// c\r\nRETURN 2;\r\nRETURN\r\n 3', [[1, 'RETURN 1'], [4, 'RETURN 2'], [5, 'RETURN\r\n 3']]],
    ['CR-only line numbers', 'RETURN 1;\r\rRETURN 2', [[1, 'RETURN 1'], [3, 'RETURN 2']]],
    ['CALL subquery', 'CALL { MATCH (n) DETACH DELETE n } IN TRANSACTIONS OF 100 ROWS;', [[1, 'CALL { MATCH (n) DETACH DELETE n } IN TRANSACTIONS OF 100 ROWS']]],
  ])('%s', (_name, script, expected) => {
    expect(texts(script)).toEqual(expected);
  });

  it('numbers kept statements from 1, skipping empty ones', () => {
    expect(splitStatements(';\nRETURN 1;;\n// c\n;RETURN 2').map((s) => s.index)).toEqual([1, 2]);
  });

  it.each([
    ['single-quoted string', "RETURN 1;\n\nRETURN 'abc;\nRETURN 2;", 3, "'"],
    ['double-quoted string', 'RETURN "abc\\";', 1, '"'],
    ['backtick name', 'RETURN 1;\nMATCH (n:`Label) RETURN n;', 2, '`'],
    ['backtick name ending in a doubled backtick', 'MATCH (n:`a``) RETURN n', 1, '`'],
    ['block comment', 'RETURN 1;\r\nRETURN 2;\r\n/* never closed;\r\nRETURN 3;', 3, '*/'],
  ])('unterminated %s: MIGRATION_FILE with the line where it opened', (_what, script, line, closer) => {
    let err: unknown;
    try {
      splitStatements(script, 'V1__x.cypher');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NeomigError);
    const e = err as NeomigError;
    expect(e.code).toBe('MIGRATION_FILE');
    expect(e.details).toMatchObject({ file: 'V1__x.cypher', line });
    expect(e.message).toContain('V1__x.cypher');
    expect(e.message).toContain(`line ${line}`);
    expect(e.details.hint).toContain(closer);
  });
});

describe('maskCypher', () => {
  it.each([
    ["RETURN 'a;b' // c;\n", "RETURN '   '      \n"],
    ['MATCH (`x;y`)/* z */', 'MATCH (`   `)       '],
    // A doubled backtick is part of the name, not the end of one and the start of the next.
    ['MATCH (`a``;b`)', 'MATCH (`     `)'],
    ['"\\"" + x', '"  " + x'],
    ['a /* 1\r\n2 */ b', 'a     \r\n     b'],
    ['(a)-->(b)<--(c)', '(a)-->(b)<--(c)'],
  ])('%j', (input, expected) => {
    const masked = maskCypher(input);
    expect(masked).toBe(expected);
    expect(masked.length).toBe(input.length);
  });
});

// Seeded so a failure reproduces; mulberry32.
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('splitStatements, property: joined statements split back', () => {
  // Code fragments can start or end a statement; inner fragments may also be comments.
  const code = [
    'RETURN 1',
    "RETURN 'a;b'",
    'RETURN "x;\\"y;"',
    "RETURN 'it\\'s;'",
    'MATCH (n:`we;ird`)',
    'MATCH (n:`a``;b`)',
    "CREATE (:Site {url: 'http://x;y'})",
    'MATCH (a)-->(b)',
    'MATCH (a)<--(b)',
    'MATCH (a)-[:R]->(b)',
    'MATCH (a)--(b)',
    "RETURN '/* not; a comment */'",
    "RETURN '// not; a comment'",
    'CALL { MATCH (n) SET n.x = 1 } IN TRANSACTIONS OF 10 ROWS',
    "RETURN '\n;multi-line;\n'",
    'WITH 1 AS x\nRETURN x',
  ];
  const inner = [...code, '/* block; comment */', '/* multi\n; line */', '// line; comment\n', '\n', '  '];
  const pick = <T>(rnd: () => number, list: T[]): T => list[Math.floor(rnd() * list.length)] as T;

  it.each(Array.from({ length: 300 }, (_, i) => i + 1))('case %i', (seed) => {
    const rnd = prng(seed);
    const statements = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => {
      const parts = [pick(rnd, code)];
      for (let k = Math.floor(rnd() * 4); k > 0; k--) parts.push(pick(rnd, inner));
      // A trailing line comment would swallow the `;`, so such a statement ends with code.
      if (rnd() < 0.5 || parts[parts.length - 1]?.startsWith('//')) parts.push(pick(rnd, code));
      return parts.join(' ').trimEnd();
    });
    const leading = rnd() < 0.3 ? '// ---\n// description: x\n// ---\n\n' : '';
    const separator = rnd() < 0.2 ? ';\n;\n' : ';\n';
    const crlf = rnd() < 0.3;
    let script = leading + statements.join(separator) + (rnd() < 0.5 ? ';\n' : '');
    if (crlf) script = script.replace(/\n/g, '\r\n');
    const expected = statements.map((s) => (crlf ? s.replace(/\n/g, '\r\n') : s));

    const split = splitStatements(script);
    expect(split.map((s) => s.text)).toEqual(expected);
    expect(split.map((s) => s.index)).toEqual(expected.map((_, i) => i + 1));
    // Each statement's line is where its text begins in the script.
    let offset = 0;
    for (const s of split) {
      offset = script.indexOf(s.text, offset);
      expect(s.line).toBe(script.slice(0, offset).split(/\r\n|\n/).length);
      offset += s.text.length;
    }
  });
});
