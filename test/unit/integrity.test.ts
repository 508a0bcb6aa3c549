import { describe, expect, it } from 'vitest';
import { checksumSource, checksumStatements } from '../../src/core/checksum.js';
import { buildStatements } from '../../src/core/grouping.js';
import { diffSum, fileChecksum, formatSum, parseSum, rehash, sortLines, sumIssues, sumTotal } from '../../src/core/integrity.js';
import { tamperOf, tamperedIssues } from '../../src/core/recorded.js';
import type { AppliedMigration, LocalMigration } from '../../src/core/types.js';
import { verdictFor } from '../../src/runner/trust.js';
import { appliedEntry } from '../support/history.js';

const h = (c: string) => c.repeat(64);
const A = h('a');
const B = h('b');
const C = h('c');

describe('neomig.sum format', () => {
  it('writes the total first and the lines by version, then up, down, module', () => {
    const text = formatSum([
      { file: 'V1.10.0__late.ts', checksum: C },
      { file: 'V1.2.0__x.down.cypher', checksum: B },
      { file: 'sub/V1.2.0__x.up.cypher', checksum: A },
      { file: 'U1.0.0__f.cypher', checksum: B },
      { file: 'V1.0.0__f.cypher', checksum: A },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^total [0-9a-f]{64}$/);
    expect(lines.slice(1)).toEqual([
      `V1.0.0__f.cypher ${A}`,
      `U1.0.0__f.cypher ${B}`,
      `sub/V1.2.0__x.up.cypher ${A}`,
      `V1.2.0__x.down.cypher ${B}`,
      `V1.10.0__late.ts ${C}`,
      '',
    ]);
  });

  it('round-trips, and the total does not depend on the order lines are given in', () => {
    const lines = [{ file: 'V2__b.ts', checksum: B }, { file: 'V1__a.ts', checksum: A }];
    const parsed = parseSum(formatSum(lines));
    expect(parsed).toEqual({ lines: sortLines(lines), total: sumTotal(lines), malformed: [] });
    expect(sumTotal(lines)).toBe(sumTotal([...lines].reverse()));
    expect(sumTotal(lines)).not.toBe(sumTotal([lines[0]!]));
  });

  it('reads CRLF and a BOM; reports conflict markers and other lines it cannot read', () => {
    const text = `\uFEFFtotal ${A}\r\nV1__a.ts ${B}\r\n<<<<<<< HEAD\r\nV2__b.ts ${C}\r\n=======\r\n`;
    const parsed = parseSum(text);
    expect(parsed.total).toBe(A);
    expect(parsed.lines).toEqual([{ file: 'V1__a.ts', checksum: B }, { file: 'V2__b.ts', checksum: C }]);
    expect(parsed.malformed.map((m) => m.line)).toEqual([3, 5]);
  });
});

describe('files against the sum', () => {
  const sum = [{ file: 'V1__a.up.cypher', checksum: A }, { file: 'V1__a.down.cypher', checksum: B }, { file: 'V2__gone.ts', checksum: C }];

  it('diff: unlisted, changed, gone', () => {
    const files = [{ file: 'V1__a.up.cypher', checksum: A }, { file: 'V1__a.down.cypher', checksum: C }, { file: 'V3__new.ts', checksum: A }];
    expect(diffSum(sum, files)).toEqual({
      unlisted: [{ file: 'V3__new.ts', checksum: A }],
      changed: [{ file: 'V1__a.down.cypher', checksum: C, listed: B }],
      gone: [{ file: 'V2__gone.ts', checksum: C }],
    });
  });

  it('issues name each file and say to run neomig hash; a gone file is no issue', () => {
    const parsed = parseSum(formatSum(sum));
    const files = [{ file: 'V1__a.up.cypher', checksum: B }, { file: 'V1__a.down.cypher', checksum: B }, { file: 'V3__new.ts', checksum: A }];
    const issues = sumIssues(parsed, files);
    expect(issues.map((i) => [i.kind, i.version, i.file])).toEqual([
      ['integrity', '3.0.0', 'V3__new.ts'],
      ['integrity', '1.0.0', 'V1__a.up.cypher'],
    ]);
    expect(issues[0]!.message).toContain('V3__new.ts is not listed in neomig.sum');
    expect(issues[1]!.message).toContain('V1__a.up.cypher differs from its line in neomig.sum');
    for (const i of issues) expect(i.message).toContain('neomig hash');
    expect(sumIssues(parsed, sum.slice(0, 2))).toEqual([]);
  });

  it('a total that does not match its lines is an issue (edited or merged by hand)', () => {
    const parsed = parseSum(formatSum(sum).replace(`V2__gone.ts ${C}`, `V2__gone.ts ${A}`));
    expect(sumIssues(parsed, []).map((i) => i.message)).toEqual([expect.stringContaining('the total line does not match')]);
    expect(sumIssues(parseSum(`V1__a.ts ${A}\n`), [])[0]!.message).toContain('total line');
  });

  it('rehash: files win, lines of deleted files stay unless the history lets them go', () => {
    const files = [{ file: 'V1__a.up.cypher', checksum: C }, { file: 'V1__a.down.cypher', checksum: B }, { file: 'V3__new.ts', checksum: A }];
    const kept = rehash(sum, files);
    expect(kept.lines.map((l) => l.file)).toEqual(['V1__a.up.cypher', 'V1__a.down.cypher', 'V2__gone.ts', 'V3__new.ts']);
    expect(kept.changes).toEqual([
      { file: 'V1__a.up.cypher', change: 'updated', checksum: C, previous: A },
      { file: 'V2__gone.ts', change: 'kept', checksum: C },
      { file: 'V3__new.ts', change: 'added', checksum: A },
    ]);
    const dropped = rehash(sum, files, (f) => f === 'V2__gone.ts');
    expect(dropped.lines.map((l) => l.file)).not.toContain('V2__gone.ts');
    expect(dropped.changes).toContainEqual({ file: 'V2__gone.ts', change: 'removed', checksum: C });
  });
});

describe('fileChecksum', () => {
  it('is the checksum discovery and the history use: statements for Cypher, source for TS', () => {
    const cypher = '// note\nCREATE (:A);\r\n\r\nCREATE (:B);   \n';
    expect(fileChecksum('cypher', 'V1__a.cypher', cypher)).toBe(checksumStatements(buildStatements(cypher, 'f').map((s) => s.text)));
    expect(fileChecksum('cypher', 'V1__a.cypher', cypher)).toBe(fileChecksum('cypher', 'V1__a.cypher', cypher.replace(/\r\n/g, '\n')));
    expect(fileChecksum('typescript', 'V1__a.ts', 'export default {}\n')).toBe(checksumSource('export default {}'));
  });
});

function applied(over: Partial<AppliedMigration>): AppliedMigration {
  return appliedEntry({ checksum: A, downChecksum: null, ...over });
}

const DOWN = 'MATCH (a:A) DELETE a;';
const DOWN_SUM = checksumStatements(buildStatements(DOWN, 'f').map((s) => s.text));
const MODULE = 'export default { async up() {}, async down() {} };';

describe('tampered history entries', () => {
  it('a recorded down must match its recorded checksum; a TS module also the up checksum', () => {
    expect(tamperOf(applied({ downScript: DOWN, downScriptName: 'V1__a.down.cypher', downChecksum: DOWN_SUM }))).toBeNull();
    expect(tamperOf(applied({}))).toBeNull();
    expect(tamperOf(applied({ downScript: 'CREATE USER x SET PASSWORD "y"', downChecksum: DOWN_SUM }))).toMatch(/does not match the checksum recorded/);
    expect(tamperOf(applied({ downScript: DOWN, downChecksum: null }))).toMatch(/no recorded checksum/);
    const ts = checksumSource(MODULE);
    expect(tamperOf(applied({ type: 'typescript', script: 'V1__a.ts', checksum: ts, downScript: MODULE, downChecksum: ts }))).toBeNull();
    expect(tamperOf(applied({ type: 'typescript', script: 'V1__a.ts', checksum: A, downScript: MODULE, downChecksum: ts }))).toMatch(/up's recorded checksum/);
    expect(tamperedIssues([applied({ version: '2.0.0', downScript: 'X', downChecksum: DOWN_SUM, downScriptName: 'V2__b.down.cypher' })])).toEqual([
      expect.objectContaining({ kind: 'tampered', version: '2.0.0', file: 'V2__b.down.cypher' }),
    ]);
  });
});

describe('verdictFor: who vouches for a recorded down', () => {
  const entry = applied({ downScript: DOWN, downScriptName: 'V1__a.down.cypher', downChecksum: DOWN_SUM });
  const local = { down: { file: 'V1__a.down.cypher' }, downChecksum: DOWN_SUM, up: { file: 'V1__a.up.cypher' } } as unknown as LocalMigration;
  const edited = { ...local, downChecksum: C } as LocalMigration;

  it.each([
    ['the unchanged local file', local, null, undefined, 'local'],
    ['its neomig.sum line', undefined, new Map([['V1__a.down.cypher', DOWN_SUM]]), undefined, 'sum'],
    ['what this dev session applied', edited, null, new Map([['V1__a.down.cypher', DOWN_SUM]]), 'self'],
  ] as const)('%s', (_, l, sum, self, via) => {
    expect(verdictFor(entry, l as LocalMigration | undefined, { sum, self })).toEqual({ ok: true, via });
  });

  it('nothing: edited file, other line, no line, no sum; tampered text is never vouched', () => {
    expect(verdictFor(entry, edited, { sum: new Map([['V1__a.down.cypher', C]]) })).toMatchObject({ ok: false, tampered: false });
    expect(verdictFor(entry, undefined, { sum: new Map() })).toMatchObject({ ok: false, why: expect.stringContaining('no line for V1__a.down.cypher') });
    expect(verdictFor(entry, undefined, { sum: null })).toMatchObject({ ok: false, why: expect.stringContaining('no neomig.sum') });
    const forged = applied({ downScript: 'CREATE USER x SET PASSWORD "y"', downScriptName: 'V1__a.down.cypher', downChecksum: DOWN_SUM });
    expect(verdictFor(forged, local, { sum: new Map([['V1__a.down.cypher', DOWN_SUM]]) })).toMatchObject({ ok: false, tampered: true });
  });
});
