import { describe, expect, it } from 'vitest';
import { compareInstants, isoToMillis, parseMoment } from '../../src/core/moment.js';
import { planDown } from '../../src/core/plan.js';
import { reconcile } from '../../src/core/reconcile.js';
import { driftSources } from '../../src/runner/schema/drift.js';
import type { AppliedMigration } from '../../src/core/types.js';
import { appliedEntry } from '../support/history.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

describe('parseMoment', () => {
  it.each([
    ['2h', '2026-03-01T10:00:00.000Z'],
    ['30m', '2026-03-01T11:30:00.000Z'],
    ['1d', '2026-02-28T12:00:00.000Z'],
    ['1h30m', '2026-03-01T10:30:00.000Z'],
    ['45s', '2026-03-01T11:59:15.000Z'],
    ['1w', '2026-02-22T12:00:00.000Z'],
    ['2026-02-01', '2026-02-01T00:00:00.000Z'],
    ['2026-02-01T08:15', '2026-02-01T08:15:00.000Z'],
    ['2026-02-01T08:15:30Z', '2026-02-01T08:15:30.000Z'],
    ['2026-02-01T08:15:30.123456789Z', '2026-02-01T08:15:30.123Z'],
    ['2026-02-01T08:15:30+02:00', '2026-02-01T06:15:30.000Z'],
    ['2026-02-01T08:15:30-0130', '2026-02-01T09:45:30.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2025-12-31T23:59:59Z', '2025-12-31T23:59:59.000Z'],
    // a minute ahead of this clock is another machine's clock
    ['2026-03-01T12:01:00Z', '2026-03-01T12:01:00.000Z'],
  ])('%s', (text, iso) => {
    expect(new Date(parseMoment(text, NOW)).toISOString()).toBe(iso);
  });

  it.each(['2026-03-01T12:01:01Z', '2030-01-01', '2026-03-01T14:00+01:00'])('refuses %j, a time to come, with a usage error', (text) => {
    expect(() => parseMoment(text, NOW)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('is in the future (now is 2026-03-01T12:00:00.000Z)') }));
  });

  it.each(['yesterday', '2h ago', '-2h', '2026-13-01', '2026-02-01T25:00', '', '5x', '2026-02-30', '2026-02-29T10:00Z', '2026-04-31', '2026-02-01T12:60', '2026-02-01T12:00:61Z'])('refuses %j with a usage error', (text) => {
    expect(() => parseMoment(text, NOW)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('not a time') }));
  });

  it('reads the nanosecond instants Neo4j records', () => {
    expect(isoToMillis('2026-03-01T11:59:59.999999999Z')).toBe(NOW - 1);
    expect(isoToMillis('not a time')).toBeNull();
  });
});

describe('compareInstants', () => {
  it('orders the instants Neo4j records by time, not by their text (it trims a fraction\'s trailing zeros)', () => {
    const times = ['2026-03-01T10:00:05.123Z', '2026-03-01T10:00:05Z', '2026-03-01T10:00:05.12Z', '2026-03-01T10:00:05.1230001Z', '2026-03-01T10:00:04.9Z'];
    expect([...times].sort(compareInstants)).toEqual([
      '2026-03-01T10:00:04.9Z', '2026-03-01T10:00:05Z', '2026-03-01T10:00:05.12Z', '2026-03-01T10:00:05.123Z', '2026-03-01T10:00:05.1230001Z',
    ]);
    expect(compareInstants('2026-03-01T10:00:05.5Z', '2026-03-01T10:00:05.500Z')).toBe(0);
    expect(compareInstants('2026-03-01T12:00:00+02:00', '2026-03-01T10:00:00.1Z')).toBeLessThan(0);
  });

  it('folds drift in the order the migrations were applied, whatever their text sorts as', () => {
    // 1.1.0 (which drops what 1.0.0 created) was applied 3 ms after 1.0.0; as text it sorts first
    const states = reconcile([], [entry('1.0.0', '2026-03-01T10:00:05.12Z'), entry('1.1.0', '2026-03-01T10:00:05.123Z')]);
    expect(driftSources([...states].reverse()).map((s) => s.version)).toEqual(['1.0.0', '1.1.0']);
  });
});

function entry(version: string, installedAt: string, extra: Partial<AppliedMigration> = {}): AppliedMigration {
  return appliedEntry({ version, description: `m ${version}`, script: `V${version}__m.up.cypher`, installedAt, downScript: 'MATCH (x) DELETE x;', ...extra });
}

describe('planDown --before', () => {
  const history = [
    entry('1.0.0', '2026-03-01T09:00:00.000000001Z'),
    entry('1.1.0', '2026-03-01T10:00:00Z'),
    entry('1.2.0', '2026-03-01T11:00:00.5Z'),
    entry('1.3.0', '2026-03-01T11:30:00Z'),
  ];
  const versions = (before: string) => planDown(reconcile([], history), { before: parseMoment(before, NOW) }).steps.map((s) => s.version);

  it('reverses, newest first, exactly the migrations applied after the moment', () => {
    expect(versions('2026-03-01T10:00:00Z')).toEqual(['1.3.0', '1.2.0']);
    expect(versions('1h')).toEqual(['1.3.0', '1.2.0']);
    expect(versions('1s')).toEqual([]);
    expect(versions('1d')).toEqual(['1.3.0', '1.2.0', '1.1.0', '1.0.0']);
  });

  it('orders by when they were applied (an out-of-order one applied last goes first)', () => {
    const states = reconcile([], [...history, entry('0.5.0', '2026-03-01T11:45:00Z')]);
    expect(planDown(states, { before: parseMoment('1h', NOW) }).steps.map((s) => s.version)).toEqual(['0.5.0', '1.3.0', '1.2.0']);
  });

  it('keeps the usual checks: an irreversible migration in range refuses the plan', () => {
    const states = reconcile([], [...history.slice(0, 3), entry('1.3.0', '2026-03-01T11:30:00Z', { irreversible: true })]);
    expect(() => planDown(states, { before: parseMoment('1h', NOW) })).toThrow(/1\.3\.0 is irreversible/);
  });

  it('keeps the usual checks: a dependent applied before the moment would be stranded', () => {
    const states = reconcile([], [entry('1.0.0', '2026-03-01T11:00:00Z'), entry('1.1.0', '2026-03-01T09:00:00Z', { dependsOn: ['1.0.0'] })]);
    expect(() => planDown(states, { before: parseMoment('2h', NOW) })).toThrow(/would strand 1\.1\.0/);
  });
});
