import { describe, it, expect } from 'vitest';
import {
  bumpVersion,
  compareVersions,
  maxVersion,
  neo4jVersionSatisfies,
  nextIntegerSpelling,
  parseVersion,
  sortVersions,
} from '../../src/core/version.js';
import { NeomigError } from '../../src/errors.js';

describe('parseVersion', () => {
  it.each([
    ['1', '1.0.0'],
    ['1.2', '1.2.0'],
    ['1.2.3', '1.2.3'],
    ['1_2_0', '1.2.0'],
    ['1_2', '1.2.0'],
    ['0.0.1', '0.0.1'],
    ['10.20.30', '10.20.30'],
    ['1.2.0-beta.1', '1.2.0-beta.1'],
    ['1-rc.1', '1.0.0-rc.1'],
    // zero-padded, as neo4j-migrations and Flyway folders number their files
    ['0001', '1.0.0'],
    ['01.2', '1.2.0'],
    ['1.02', '1.2.0'],
    ['001_002_003', '1.2.3'],
    ['000', '0.0.0'],
    ['0010', '10.0.0'],
  ])('%j -> %j', (raw, expected) => {
    expect(parseVersion(raw)).toBe(expected);
  });

  it.each([
    [''],
    ['v1.2.0'],
    ['1.2.3.4'],
    ['1.2.0+build.5'],
    ['1_2_0-rc_1'],
    ['1..2'],
    ['1.'],
    ['a.b.c'],
    ['1.2.0-'],
    ['1.2.0-01'],
    ['-1'],
    [' 2.0'],
    ['1 '],
  ])('%j is not a version', (raw) => {
    expect(parseVersion(raw)).toBeNull();
  });
});

describe('ordering', () => {
  it.each([
    ['1.0.0', '1.0.0', 0],
    ['1.0.0', '2.0.0', -1],
    ['1.10.0', '1.9.0', 1],
    ['1.2.0-beta.1', '1.2.0', -1],
    ['1.2.0-alpha', '1.2.0-beta', -1],
    ['1.2.0-beta.2', '1.2.0-beta.10', -1],
  ])('compareVersions(%s, %s) has sign %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
    expect(Math.sign(compareVersions(b, a))).toBe(-sign || 0);
  });

  it('sorts numerically with prereleases before their release, without mutating the input', () => {
    const input = ['1.10.0', '1.2.0', '1.2.0-rc.1', '0.9.0', '1.9.0'];
    expect(sortVersions(input)).toEqual(['0.9.0', '1.2.0-rc.1', '1.2.0', '1.9.0', '1.10.0']);
    expect(input[0]).toBe('1.10.0');
  });

  it.each([
    [[], null],
    [['1.0.0'], '1.0.0'],
    [['1.9.0', '1.10.0', '1.2.0'], '1.10.0'],
    [['2.0.0-rc.1', '1.9.9'], '2.0.0-rc.1'],
    [['2.0.0-rc.1', '2.0.0'], '2.0.0'],
  ])('maxVersion(%j) = %j', (list, expected) => {
    expect(maxVersion(list)).toBe(expected);
  });
});

describe('bumpVersion', () => {
  it.each([
    [null, 'minor', '1.0.0'],
    [null, 'patch', '1.0.0'],
    ['1.2.3', 'major', '2.0.0'],
    ['1.2.3', 'minor', '1.3.0'],
    ['1.2.3', 'patch', '1.2.4'],
    ['1.3.0-rc.1', 'minor', '1.3.0'],
    ['1.2', 'patch', '1.2.1'],
  ] as const)('bumpVersion(%j, %s) = %s', (latest, part, expected) => {
    expect(bumpVersion(latest, part)).toBe(expected);
  });

  it('refuses something that is not a version, as a usage error', () => {
    expect(() => bumpVersion('banana', 'minor')).toThrow(NeomigError);
    try {
      bumpVersion('banana', 'minor');
    } catch (e) {
      expect((e as NeomigError).code).toBe('USAGE');
    }
  });
});

describe('neo4jVersionSatisfies', () => {
  it.each([
    ['5.26.0', '>=5.26', true],
    ['5.25.1', '>=5.26', false],
    ['2025.01.0', '>=2025.1', true],
    ['2025.01.0', '>=2025.01', true],
    ['2025.10.1', '>=2025.2', true],
    ['5.27-aura', '>=5.26', true],
    ['5.26.0', '>=5.26 <6 || >=2025.1', true],
    ['4.4.30', '>=5.26 <6 || >=2025.1', false],
    ['5.26.0', 'not a range', false],
  ])('%s satisfies %j: %s', (server, range, expected) => {
    expect(neo4jVersionSatisfies(server, range)).toBe(expected);
  });
});

describe('nextIntegerSpelling', () => {
  it.each<[string[], string | null]>([
    [['0001', '0002'], '0003'],
    [['0009'], '0010'],
    [['1', '2', '10'], '11'],
    [['001', '0002'], '0003'],
    [['9999'], '10000'],
    [['1', '1.1'], null],
    [['1_2'], null],
    [['0001', '1.0.0'], null],
    [['2-rc.1'], null],
    [[], null],
  ])('%j -> %j', (spellings, next) => {
    expect(nextIntegerSpelling(spellings)).toBe(next);
  });

  it.each<[string[], string, string]>([
    // a folder numbered with timestamps takes the time now, in its form
    [['20250301120000', '20250302093000'], '2026-11-30T10:15:42.123Z', '20261130101542'],
    [['202503011200'], '2026-11-30T10:15:42.123Z', '202611301015'],
    // unless that is not later than the highest (a clock behind the files): the highest plus one
    [['20270101000000'], '2026-11-30T10:15:42.123Z', '20270101000001'],
    // 14 digits that are no date are a plain integer
    [['12345678901234'], '2026-11-30T10:15:42.123Z', '12345678901235'],
  ])('%j at %s -> %j', (spellings, now, next) => {
    expect(nextIntegerSpelling(spellings, new Date(now))).toBe(next);
  });

  it('what it spells is the next version', () => {
    expect(parseVersion(nextIntegerSpelling(['0007', '0003'])!)).toBe('8.0.0');
  });
});
