import { describe, it, expect } from 'vitest';
import { buildStatements, groupStatements } from '../../src/core/grouping.js';
import type { Statement, StatementKind, TransactionMode } from '../../src/core/types.js';
import { NeomigError } from '../../src/errors.js';

const FILE = 'V1.0.0__init.up.cypher';
const SAMPLE: Record<StatementKind, string> = {
  schema: 'CREATE INDEX i FOR (n:N) ON (n.p)',
  data: 'CREATE (:N {p: 1})',
  periodic: 'CALL { MATCH (n:N) SET n.q = 1 } IN TRANSACTIONS',
  admin: 'CREATE USER u IF NOT EXISTS SET PASSWORD "pw-12345678"',
};

/** A script from a kind pattern like "ssdp": s = schema, d = data, p = periodic, a = admin. */
function script(pattern: string): Statement[] {
  const kinds = pattern.split('').map((c) => ({ s: 'schema', d: 'data', p: 'periodic', a: 'admin' })[c] as StatementKind);
  return buildStatements(kinds.map((k) => `${SAMPLE[k]};`).join('\n'), FILE);
}

/** Groups written as "m:ss|i:p|m:d!" (m managed, i implicit, ! awaits indexes). */
function shape(mode: TransactionMode, pattern: string): string {
  return shapeOf(groupStatements(script(pattern), mode, FILE));
}

function shapeOf(groups: ReturnType<typeof groupStatements>): string {
  return groups
    .map((g) => `${g.tx === 'managed' ? 'm' : 'i'}:${g.statements.map((s) => s.kind[0]).join('')}${g.awaitIndexes ? '!' : ''}`)
    .join('|');
}

describe('buildStatements', () => {
  it('splits and classifies, keeping index and line', () => {
    const statements = buildStatements(`// ---\n// transaction: auto\n// ---\n${SAMPLE.schema};\n\n${SAMPLE.data};\n${SAMPLE.periodic}`, FILE);
    expect(statements).toEqual([
      { index: 1, line: 4, column: 1, text: SAMPLE.schema, kind: 'schema', changesIndexes: true },
      { index: 2, line: 6, column: 1, text: SAMPLE.data, kind: 'data', changesIndexes: false },
      { index: 3, line: 7, column: 1, text: SAMPLE.periodic, kind: 'periodic', changesIndexes: false },
    ]);
  });

  it('names the file when the script cannot be split', () => {
    expect(() => buildStatements("RETURN 'x", FILE)).toThrow(FILE);
  });
});

describe('groupStatements', () => {
  it.each<[TransactionMode, string, string]>([
    ['auto', '', ''],
    ['auto', 'd', 'm:d'],
    ['auto', 'ddd', 'm:ddd'],
    ['auto', 'ss', 'm:ss!'],
    ['auto', 'ssdd', 'm:ss!|m:dd'],
    ['auto', 'dsd', 'm:d|m:s!|m:d'],
    ['auto', 'sdsd', 'm:s!|m:d|m:s!|m:d'],
    ['auto', 'dpd', 'm:d|i:p|m:d'],
    ['auto', 'pp', 'i:p|i:p'],
    ['auto', 'spps', 'm:s!|i:p|i:p|m:s!'],
    ['migration', '', ''],
    ['migration', 'ddd', 'm:ddd'],
    ['migration', 'ss', 'm:ss!'],
    ['statement', 'sdp', 'm:s!|m:d|i:p'],
    ['statement', 'dd', 'm:d|m:d'],
    ['implicit', 'sdp', 'i:s!|i:d|i:p'],
    ['implicit', '', ''],
    ['auto', 'dad', 'm:d|i:a|m:d'],
    ['auto', 'aa', 'i:a|i:a'],
    ['auto', 'sada', 'm:s!|i:a|m:d|i:a'],
    ['statement', 'dad', 'm:d|i:a|m:d'],
    ['implicit', 'da', 'i:d|i:a'],
  ])('%s mode, %j -> %s', (mode, pattern, expected) => {
    expect(shape(mode, pattern)).toBe(expected);
  });

  it('keeps statements in order across groups', () => {
    const groups = groupStatements(script('sdpsd'), 'auto', FILE);
    expect(groups.flatMap((g) => g.statements.map((s) => s.index))).toEqual([1, 2, 3, 4, 5]);
  });

  it.each([
    ['sd', 2, 2, 'ForbiddenDueToTransactionType'],
    ['dds', 3, 3, 'ForbiddenDueToTransactionType'],
    ['ssd', 3, 3, 'ForbiddenDueToTransactionType'],
    ['dp', 2, 2, 'implicit transaction'],
    ['sdp', 3, 3, 'implicit transaction'],
    ['da', 2, 2, 'administration command'],
    ['a', 1, 1, 'administration command'],
  ])('migration mode refuses %j, naming statement %i (line %i)', (pattern, statement, line, reason) => {
    let err: unknown;
    try {
      groupStatements(script(pattern), 'migration', FILE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NeomigError);
    const e = err as NeomigError;
    expect(e.code).toBe('MIGRATION_FILE');
    expect(e.details).toMatchObject({ file: FILE, statement, line });
    expect(e.message).toContain(FILE);
    expect(e.message).toContain(`statement ${statement} (line ${line})`);
    expect(e.message).toContain(reason);
    expect(e.details.hint).toContain('transaction: auto');
  });
});

describe('groupStatements with :begin … :commit blocks', () => {
  const D = 'CREATE (:N {p: 1});';
  const S = 'CREATE INDEX i FOR (n:N) ON (n.p);';
  const blocks = (body: string, mode: TransactionMode) => shapeOf(groupStatements(buildStatements(body, FILE), mode, FILE));

  it.each<[TransactionMode, string, string]>([
    ['auto', `${D}\n:begin\n${D}\n${D}\n:commit\n${D}`, 'm:d|m:dd|m:d'],
    ['auto', `:begin\n${S}\n${S}\n:commit\n:begin\n${D}\n:commit`, 'm:ss!|m:d'],
    ['auto', `:begin\n${D}\n:commit\n:begin\n${D}\n:commit`, 'm:d|m:d'],
    ['statement', `:begin\n${D}\n${D}\n:commit\n${D}\n${D}`, 'm:dd|m:d|m:d'],
    ['implicit', `${D}\n:begin\n${D}\n${D}\n:commit`, 'i:d|m:dd'],
    ['migration', `:begin\n${D}\n:commit\n${D}`, 'm:dd'],
  ])('%s mode: %j -> %s', (mode, body, expected) => {
    expect(blocks(body, mode)).toBe(expected);
  });
});
