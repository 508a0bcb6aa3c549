import { describe, expect, it } from 'vitest';
import { readScript } from '../../src/core/dialect.js';
import { filePosition, positionIn, shortenExpected, withoutPosition } from '../../src/core/position.js';

// Messages as Neo4j 5.26 and 2026.08 send them (first line).
const CREAT =
  "Invalid input 'CREAT': expected 'FOREACH', 'ALTER', 'ORDER BY', 'CALL', 'USING PERIODIC COMMIT', 'CREATE', 'LOAD CSV', 'START DATABASE', 'STOP DATABASE', 'DEALLOCATE', 'DELETE', 'DENY', 'DETACH', 'DROP', 'DRYRUN', 'FINISH', 'GRANT', 'INSERT', 'LIMIT', 'MATCH', 'MERGE', 'NODETACH', 'OFFSET', 'OPTIONAL', 'REALLOCATE', 'REMOVE', 'RENAME', 'RETURN', 'REVOKE', 'ENABLE SERVER', 'SET', 'SHOW', 'SKIP', 'TERMINATE', 'UNWIND', 'USE' or 'WITH' (line 1, column 1 (offset: 0))";
const RETUR =
  "Invalid input 'RETUR': expected an expression, 'ORDER BY', 'CALL', 'CREATE', 'LOAD CSV', 'DELETE', 'DETACH', 'FILTER', 'FINISH', 'FOR', 'FOREACH', 'INSERT', 'LET', 'LIMIT', 'MATCH', 'MERGE', 'NEXT', 'NODETACH', 'OFFSET', 'OPTIONAL', 'REMOVE', 'RETURN', 'SEARCH', 'SET', 'SHOW', 'SKIP', 'TERMINATE', 'UNION', 'UNWIND', 'USE', 'WITH' or <EOF> (line 3, column 1 (offset: 24))";

describe('positionIn / withoutPosition', () => {
  it('reads line, column and offset', () => {
    expect(positionIn(RETUR)).toEqual({ line: 3, column: 1, offset: 24 });
    expect(positionIn('Variable `missing` not defined (line 1, column 26 (offset: 25))')).toEqual({ line: 1, column: 26, offset: 25 });
    expect(positionIn('Unsupported administration command: CREATE DATABASE foo')).toBeUndefined();
  });

  it('drops the position from the message', () => {
    expect(withoutPosition('Variable `missing` not defined (line 1, column 26 (offset: 25))')).toBe('Variable `missing` not defined');
  });
});

describe('filePosition', () => {
  // statement 3 starts at line 7, column 3, after a comment the splitter left out of its text
  const file = 'RETURN 1;\n\n// two\nRETURN 2;\n\n/* the third */\n  MATCH (n)\n  WHERE n.x = 1\n\tRETUR n;\n';
  const third = readScript(file, 'V1__x.cypher').statements[2]!;

  it.each([
    [0, 7, 3, '  MATCH (n)'.slice(2), 0],
    [6, 7, 9, 'MATCH (n)', 6],
    [10, 8, 1, '  WHERE n.x = 1', 0],
    [14, 8, 5, '  WHERE n.x = 1', 4],
    [27, 9, 2, '\tRETUR n', 1],
    [999, 9, 9, '\tRETUR n', 8],
  ])('offset %i -> line %i, column %i', (offset, line, column, text, caret) => {
    expect(third.line).toBe(7);
    expect(filePosition(third, offset)).toEqual({ line, column, excerpt: { text, caret } });
  });

  it('counts CRLF and lone CR as one line break', () => {
    const s = readScript('RETURN 1;\r\nMATCH (n)\r\nRETUR n;\rRETURN 3', 'f').statements[1]!;
    expect(filePosition(s, 11)).toMatchObject({ line: 3, column: 1, excerpt: { text: 'RETUR n', caret: 0 } });
  });

  it('takes out the USE clause a :use line put in', () => {
    const s = readScript('RETURN 1;\n:use movies\nCYPHER 5 MATCH (n)\nRETUR n;', 'f').statements[1]!;
    expect(s.text).toBe('CYPHER 5 USE movies MATCH (n)\nRETUR n');
    // Neo4j counts from the text it got: offset 30 is the R of RETUR
    expect(filePosition(s, 30)).toEqual({ line: 4, column: 1, excerpt: { text: 'RETUR n', caret: 0 } });
    expect(filePosition(s, 20)).toEqual({ line: 3, column: 10, excerpt: { text: 'CYPHER 5 MATCH (n)', caret: 9 } });
    // inside the inserted clause: where it was put
    expect(filePosition(s, 13)).toEqual({ line: 3, column: 10, excerpt: { text: 'CYPHER 5 MATCH (n)', caret: 9 } });
  });
});

describe('shortenExpected', () => {
  it('keeps the first five expected tokens and counts the rest, naming a close match first', () => {
    expect(shortenExpected(withoutPosition(CREAT))).toBe(
      "Invalid input 'CREAT' (did you mean 'CREATE'?): expected 'FOREACH', 'ALTER', 'ORDER BY', 'CALL', 'USING PERIODIC COMMIT', … (32 more)",
    );
    expect(shortenExpected(withoutPosition(RETUR))).toBe(
      "Invalid input 'RETUR' (did you mean 'RETURN'?): expected an expression, 'ORDER BY', 'CALL', 'CREATE', 'LOAD CSV', … (27 more)",
    );
  });

  it('handles quoted punctuation and the 2026 form with a colon and a full stop', () => {
    const tokens = "',', ')', 'AS', 'ORDER BY', 'SKIP', 'LIMIT', 'UNION', 'WITH', 'RETURN' or <EOF>";
    expect(shortenExpected(`Invalid input 'x', expected: ${tokens}.`)).toBe("Invalid input 'x', expected: ',', ')', 'AS', 'ORDER BY', 'SKIP', … (5 more).");
  });

  it.each([
    "Invalid input ';': expected an expression",
    "Invalid input 'X': expected 'A', 'B' or 'C'",
    'Type mismatch: expected Integer but was String',
    'Unsupported administration command: CREATE DATABASE foo',
  ])('leaves a short message alone: %s', (message) => {
    expect(shortenExpected(message)).toBe(message);
  });
});
