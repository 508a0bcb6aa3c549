import { describe, it, expect } from 'vitest';
import { checksumSource, checksumStatements, normalizeText } from '../../src/core/checksum.js';
import { splitStatements } from '../../src/core/splitter.js';

describe('normalizeText', () => {
  it.each([
    ['a\nb', 'a\nb'],
    ['\uFEFFa', 'a'],
    ['a\r\nb\r\n', 'a\nb'],
    ['a\rb', 'a\nb'],
    ['a  \t\nb ', 'a\nb'],
    ['a\n\n\n', 'a'],
    ['a\n \n\t\n', 'a'],
    ['  a\n\n b', '  a\n\n b'],
    ['a\uFEFFb', 'a\uFEFFb'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

const fromScript = (script: string) => checksumStatements(splitStatements(script).map((s) => s.text));

describe('checksumStatements', () => {
  const base = 'CREATE INDEX i FOR (b:Book) ON (b.title);\nMATCH (b:Book)\nSET b.x = 1;\n';

  it('is sha256 hex', () => {
    expect(fromScript(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['CRLF line endings', base.replace(/\n/g, '\r\n')],
    ['a BOM', `\uFEFF${base}`],
    ['trailing whitespace', base.replace(/\n/g, '  \t\n')],
    ['extra trailing newlines', `${base}\n\n\n`],
    ['no trailing semicolon', base.replace(/;\n$/, '\n')],
    ['blank lines between statements', base.replace(';\n', ';\n\n\n')],
    ['a comment before the first statement', `// ---\n// description: books\n// ---\n${base}`],
    ['a comment between statements', base.replace(';\n', ';\n// now the data\n')],
    ['empty statements', base.replace(';\n', ';;\n;')],
  ])('ignores %s', (_what, variant) => {
    expect(fromScript(variant)).toBe(fromScript(base));
  });

  it.each([
    ['one character in a statement', base.replace('x = 1', 'x = 2')],
    ['a comment inside a statement', base.replace('MATCH (b:Book)\n', 'MATCH (b:Book) // all\n')],
    ['indentation inside a statement', base.replace('SET', '  SET')],
    ['a new statement', `${base}RETURN 1;`],
    ['statement order', 'MATCH (b:Book)\nSET b.x = 1;\nCREATE INDEX i FOR (b:Book) ON (b.title);'],
    ['where a statement is split', base.replace('MATCH (b:Book)\n', 'MATCH (b:Book);\n')],
  ])('changes with %s', (_what, variant) => {
    expect(fromScript(variant)).not.toBe(fromScript(base));
  });

});

describe('checksumSource', () => {
  const source = "export default defineMigration({\n  up: async (ctx) => ctx.run('RETURN 1'),\n});\n";

  it.each([
    ['CRLF', source.replace(/\n/g, '\r\n')],
    ['a BOM', `\uFEFF${source}`],
    ['trailing whitespace and newlines', `${source.replace(/\n/g, ' \n')}\n\n`],
  ])('ignores %s', (_what, variant) => {
    expect(checksumSource(variant)).toBe(checksumSource(source));
  });

  it('changes with any edit, comments included', () => {
    expect(checksumSource(source.replace('RETURN 1', 'RETURN 2'))).not.toBe(checksumSource(source));
    expect(checksumSource(`// note\n${source}`)).not.toBe(checksumSource(source));
  });
});
