import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/discovery/load.js';
import { NeomigError } from '../../src/errors.js';

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'neomig-discovery-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function failure(dir: string): Promise<NeomigError> {
  const e = await loadMigrations(dir).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(NeomigError);
  return e as NeomigError;
}

describe('loadMigrations', () => {
  it('reads every file form, sorted by version, with metadata, statements and checksums', async () => {
    const dir = folder({
      'README.md': '# not a migration',
      'V1__init.up.cypher': '// ---\n// description: first\n// ---\nCREATE (:A);\nCREATE (:B);',
      'V1__init.down.cypher': 'MATCH (n) DELETE n;',
      'V1_1__flyway_style.cypher': 'CREATE (:C);',
      'U1_1__flyway_style.cypher': 'MATCH (c:C) DELETE c;',
      'nested/V2.0.0-rc.1__module.ts': "export default { dependsOn: ['1'], async up(ctx) { await ctx.run('CREATE (:D)'); } };",
      'V2.0.0__final.up.cypher': 'CREATE (:E);',
    });
    const list = await loadMigrations(dir);
    expect(list.map((m) => [m.version, m.type, m.description, m.up.file, m.down?.file])).toEqual([
      ['1.0.0', 'cypher', 'first', 'V1__init.up.cypher', 'V1__init.down.cypher'],
      ['1.1.0', 'cypher', 'flyway style', 'V1_1__flyway_style.cypher', 'U1_1__flyway_style.cypher'],
      ['2.0.0-rc.1', 'typescript', 'module', 'nested/V2.0.0-rc.1__module.ts', undefined],
      ['2.0.0', 'cypher', 'final', 'V2.0.0__final.up.cypher', undefined],
    ]);
    const first = list[0]!;
    expect(first.up.kind === 'cypher' && first.up.statements.map((s) => [s.index, s.line, s.text])).toEqual([
      [1, 4, 'CREATE (:A)'],
      [2, 5, 'CREATE (:B)'],
    ]);
    expect(first.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(list[2]!.meta.dependsOn).toEqual(['1.0.0']);
  });

  it('gives the same checksum to a CRLF copy with a BOM and trailing spaces', async () => {
    const a = await loadMigrations(folder({ 'V1__x.up.cypher': 'CREATE (:A);\nCREATE (:B);\n' }));
    const b = await loadMigrations(folder({ 'V1__x.up.cypher': '\uFEFFCREATE (:A);  \r\nCREATE (:B);\r\n\r\n' }));
    expect(b[0]!.checksum).toBe(a[0]!.checksum);
  });

  it('applies the configured default transaction mode only where the file sets none', async () => {
    const dir = folder({
      'V1__a.up.cypher': 'CREATE (:A);',
      'V2__b.up.cypher': '// ---\n// transaction: auto\n// ---\nCREATE (:B);',
    });
    const list = await loadMigrations(dir, { defaultTransaction: 'statement' });
    expect(list.map((m) => m.meta.transaction)).toEqual(['statement', 'auto']);
  });

  it.each([
    [{ 'V1__a.up.cypher': 'CREATE (:A);', 'V1.0.0__b.up.cypher': 'CREATE (:B);' }, /V1.0.0__b.up.cypher and V1__a.up.cypher both have version 1.0.0|V1__a.up.cypher and V1.0.0__b.up.cypher both have version 1.0.0/],
    [{ 'V1__a.up.cypher': 'CREATE (:A);', 'V1__a.ts': 'export default { up() {} };' }, /both have version 1.0.0/],
    [{ 'V0001__a.cypher': 'CREATE (:A);', 'V1__b.cypher': 'CREATE (:B);' }, /(V0001__a.cypher and V1__b.cypher|V1__b.cypher and V0001__a.cypher) both have version 1.0.0/],
    [{ 'V1__a.down.cypher': 'MATCH (a) DELETE a;' }, /down script with no up script/],
    [{ 'V1__a.up.cypher': "CREATE (:A {name: 'open);" }, /unterminated|not closed|never closed/i],
    [{ 'V1__a.ts': 'export default { description: "no up" };' }, /does not export an up\(\) function/],
    [{ 'V1__a.ts': 'export default { up() {}, colour: 1 };' }, /colour/],
    [{ 'V1__a.ts': 'this is not typescript (' }, /could not be loaded/],
    [{ 'V1_a.up.cypher': 'CREATE (:A);' }, /V1_a.up.cypher/],
    [{ 'V1__a.up.cypher': '// ---\n// transaction: migration\n// ---\nCREATE INDEX i FOR (n:A) ON (n.x);\nCREATE (:A);' }, /one transaction/],
  ])('refuses %j', async (files, message) => {
    const e = await failure(folder(files as Record<string, string>));
    expect(e.code).toBe('MIGRATION_FILE');
    expect(e.message).toMatch(message);
  });

  it.each<[string, Record<string, string>, boolean]>([
    ['a Cypher up of comments only', { 'V1__a.up.cypher': '// only a comment\n/* and a block */\n' }, true],
    ['a Cypher up with a statement', { 'V1__a.up.cypher': '// a comment\nCREATE (:A);' }, false],
    ['a TS up whose body is comments', { 'V1__a.ts': 'export default {\n  async up(ctx) {\n    // await ctx.run("CREATE (:A)");\n  },\n};' }, true],
    ['an arrow up with an empty body', { 'V1__a.ts': 'export default { up: async (ctx) => { /* later */ } };' }, true],
    ['a TS up with code', { 'V1__a.ts': 'export default { async up(ctx) { await ctx.run("RETURN 1 // not a comment"); } };' }, false],
    ['an expression-bodied arrow', { 'V1__a.ts': 'export default { up: ({ run }) => run("RETURN 1") };' }, false],
  ])('marks %s as empty: %s', async (_, files, empty) => {
    const [m] = await loadMigrations(folder(files));
    expect(m!.empty).toBe(empty);
  });

  it('says when the folder does not exist', async () => {
    const e = await failure(path.join(tmpdir(), 'neomig-no-such-folder'));
    expect(e.code).toBe('CONFIG');
    expect(e.details.hint).toContain('neomig create');
  });
});
