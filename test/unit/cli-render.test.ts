import { describe, expect, it } from 'vitest';
import type { AppliedMigration, LocalMigration, MigrationState } from '../../src/core/types.js';
import { NeomigError } from '../../src/errors.js';
import type { MigratorEvent, RunResult, StatusResult } from '../../src/runner/types.js';
import { Output, painter, type Io } from '../../src/cli/output.js';
import { formatCounters, formatDuration, formatTimestamp } from '../../src/cli/render/format.js';
import { ProgressRenderer } from '../../src/cli/render/progress.js';
import { renderPlan, renderRunSummary } from '../../src/cli/render/run.js';
import { renderStatus } from '../../src/cli/render/status.js';
import { renderTable, stripAnsi, visibleLength } from '../../src/cli/render/table.js';
import { stateJson } from '../../src/cli/commands/shared.js';
import { appliedEntry } from '../support/history.js';

const plain = painter(false);

function applied(version: string, extra: Partial<AppliedMigration> = {}): AppliedMigration {
  return appliedEntry({
    version,
    description: `d${version}`,
    script: `V${version}__d.up.cypher`,
    checksum: 'abc',
    installedBy: 'ci@runner',
    installedAt: '2025-03-01T12:00:05.123Z',
    executionTimeMs: 1500,
    downScript: 'DROP INDEX x',
    downScriptName: `V${version}__d.down.cypher`,
    ...extra,
  });
}

function local(version: string): LocalMigration {
  return {
    version,
    description: `d${version}`,
    type: 'cypher',
    up: { kind: 'cypher', file: `V${version}__d.up.cypher`, text: 'RETURN 1', statements: [] },
    checksum: 'abc',
    meta: { dependsOn: [], validate: [], transaction: 'auto', irreversible: false },
  };
}

function state(version: string, status: MigrationState['status'], extra: Partial<MigrationState> = {}): MigrationState {
  return { version, description: `d${version}`, status, checksumChanged: false, fileMissing: false, outOfOrder: false, ...extra };
}

describe('formatters', () => {
  it.each([[0, '0ms'], [850, '850ms'], [1234, '1.2s'], [59_999, '60.0s'], [123_000, '2m 03s']])('formatDuration(%i) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
  it('formatCounters keeps the non-zero counters', () => {
    expect(formatCounters({ nodesCreated: 3, propertiesSet: 0, indexesAdded: 1 })).toBe('nodesCreated 3, indexesAdded 1');
    expect(formatCounters({})).toBe('');
  });
  it('formatTimestamp drops the milliseconds and the T', () => {
    expect(formatTimestamp('2025-03-01T12:00:05.123Z')).toBe('2025-03-01 12:00:05Z');
  });
  it('renderTable aligns columns by visible width, ignoring color codes', () => {
    const red = '\x1b[31mred\x1b[39m';
    expect(renderTable(['A', 'Bee'], [[red, 'x'], ['longer', 'y']])).toBe(['A       Bee', `${red}     x`, 'longer  y'].join('\n'));
  });
});

describe('renderStatus', () => {
  const result: StatusResult = {
    server: { version: '5.26.0', edition: 'community', database: 'neo4j' },
    current: '1.1.0',
    lock: null,
    issues: [{ kind: 'checksum_changed', version: '1.1.0', message: 'V1.1.0__d.up.cypher changed since it was applied' }],
    warnings: [],
    migrations: [
      state('1.0.0', 'applied', { applied: applied('1.0.0'), local: local('1.0.0') }),
      state('1.1.0', 'applied', { applied: applied('1.1.0'), local: local('1.1.0'), checksumChanged: true }),
      state('1.2.0', 'failed', { applied: applied('1.2.0', { status: 'failed', partialChanges: 'undone' }), local: local('1.2.0') }),
      state('1.3.0', 'applied', { applied: applied('1.3.0'), fileMissing: true }),
      state('1.4.0', 'pending', { local: local('1.4.0'), outOfOrder: true }),
    ],
  };

  it('shows one row per version with status, time, user, duration and what is wrong (--wide: all in full)', () => {
    const lines = renderStatus(result, plain, { wide: true }).split('\n');
    expect(lines[0]).toBe('Neo4j 5.26.0 community, database neo4j');
    expect(lines[1]).toBe('Current version: 1.1.0');
    const table = lines.slice(3, 9);
    expect(table[0]).toMatch(/^Version\s+Description\s+Type\s+Status\s+Installed at\s+By\s+Duration\s+Notes$/);
    expect(table[1]).toMatch(/^1\.0\.0\s+d1\.0\.0\s+cypher\s+applied\s+2025-03-01 12:00:05Z\s+ci@runner\s+1\.5s$/);
    expect(table[2]).toMatch(/1\.1\.0 .* applied .* checksum changed$/);
    expect(table[3]).toMatch(/1\.2\.0 .* failed .* partial changes undone$/);
    expect(table[4]).toMatch(/1\.3\.0 .* applied .* file missing$/);
    expect(table[5]).toMatch(/^1\.4\.0\s+d1\.4\.0\s+cypher\s+pending\s+out of order$/);
    expect(lines).toContain('3 applied, 1 pending, 1 failed');
    expect(lines).toContain('  ! 1.1.0  V1.1.0__d.up.cypher changed since it was applied');
  });

  const long = 'backfill the isbn of every book imported from the legacy catalogue before the constraint';
  const crowded: StatusResult = {
    ...result,
    lock: { owner: 'deploy-pipeline-7421', host: 'build-agent-17.example.internal', pid: 4242, acquiredAt: '2025-03-01T12:00:00Z', heartbeatAt: '2025-03-01T12:00:10Z' },
    issues: [{ kind: 'checksum_changed', version: '1.1.0', message: `V1.1.0__${long.replace(/ /g, '_')}.up.cypher changed after it was applied (checksum abcdef12 recorded, 12345678 now)` }],
    migrations: result.migrations.map((m) => ({
      ...m,
      description: `${m.description} ${long}`,
      ...(m.applied ? { applied: { ...m.applied, installedBy: 'deploy-bot@build-agent-17.example.internal', irreversible: true } } : {}),
    })),
  };

  it.each([80, 100, 132])('fits %i columns with long descriptions: the description is cut with an ellipsis', (width) => {
    for (const paint of [plain, painter(true)]) {
      const lines = renderStatus(crowded, paint, { width }).split('\n');
      for (const line of lines) expect(visibleLength(line), line).toBeLessThanOrEqual(width);
      const row = lines.map(stripAnsi).find((l) => l.startsWith('1.0.0 '))!;
      expect(row).toMatch(/^1\.0\.0\s+d1\.0\.0 b[^…]*…\s+(cypher\s+)?applied\s+2025-03-01 12:00\s/);
    }
  });

  it('at 80 columns compacts the time and drops By and Type; a wider terminal keeps them', () => {
    const narrow = renderStatus(crowded, plain, { width: 80 }).split('\n');
    expect(narrow.find((l) => l.startsWith('Version'))).toMatch(/^Version\s+Description\s+Status\s+Installed \(UTC\)\s+Duration\s+Notes$/);
    expect(narrow.join('\n')).not.toContain('deploy-bot@');
    expect(narrow.join('\n')).not.toMatch(/12:00:05/);
    const roomy = renderStatus(result, plain, { width: 100 }).split('\n');
    expect(roomy.find((l) => l.startsWith('Version'))).toMatch(/\sBy\s/);
    expect(roomy.find((l) => l.startsWith('1.0.0'))).toMatch(/^1\.0\.0\s+d1\.0\.0\s+cypher\s+applied\s+2025-03-01 12:00\s+ci@runner\s+1\.5s$/);
  });

  it('--wide keeps every column and every word, however wide', () => {
    const text = renderStatus(crowded, plain, { width: 80, wide: true });
    expect(text).not.toContain('…');
    for (const m of crowded.migrations) expect(text).toContain(m.description);
    expect(text).toContain('deploy-bot@build-agent-17.example.internal');
    expect(text).toContain('2025-03-01 12:00:05Z');
    expect(text).toContain(crowded.issues[0]!.message);
    expect(text.split('\n').some((l) => l.length > 80)).toBe(true);
  });

  it('says who holds the lock', () => {
    const locked = { ...result, lock: { owner: 'deploy-7', host: 'ci-3', pid: 42, acquiredAt: '2025-03-01T12:00:00Z', heartbeatAt: '2025-03-01T12:00:10Z' } };
    expect(renderStatus(locked, plain)).toContain('Locked by deploy-7 (ci-3, pid 42) since 2025-03-01 12:00:00Z');
  });

  it('stateJson keeps what scripts need and drops script texts and modules', () => {
    const json = stateJson(result.migrations[1]!);
    expect(json).toMatchObject({ version: '1.1.0', status: 'applied', checksumChanged: true, installedBy: 'ci@runner', file: 'V1.1.0__d.up.cypher' });
    expect(JSON.stringify(json)).not.toContain('RETURN 1');
    expect(JSON.stringify(json)).not.toContain('DROP INDEX');
  });
});

describe('renderRunSummary', () => {
  const step = (version: string, direction: 'up' | 'down' = 'up') => ({ version, description: 'd', direction, file: 'f', elapsedMs: 500, counters: {} });
  const base: RunResult = { command: 'up', dryRun: false, from: '1.0.0', to: '1.2.0', applied: [step('1.1.0'), step('1.2.0')], rolledBack: [], pending: [] };

  it('summarizes a successful up with from -> to', () => {
    expect(renderRunSummary(base, plain)).toBe('✓ Applied 2 migrations in 1.0s: 1.0.0 → 1.2.0');
  });

  it('says when there is nothing to do', () => {
    expect(renderRunSummary({ ...base, applied: [], to: '1.0.0' }, plain)).toBe('✓ Nothing to apply; the database is at 1.0.0.');
    expect(renderRunSummary({ ...base, command: 'down', applied: [], from: null, to: null }, plain)).toBe('✓ Nothing to reverse; the database is at (none).');
  });

  it('mentions what --to left pending', () => {
    expect(renderRunSummary({ ...base, pending: ['1.3.0'] }, plain)).toContain('Still pending: 1.3.0');
  });

  it('reports a failure: where, the Neo4j code, what became of its changes, and what the atomic rollback undid', () => {
    const failed: RunResult = {
      ...base,
      to: '1.0.0',
      applied: [],
      rolledBack: [step('1.1.0', 'down')],
      failed: { version: '1.2.0', file: 'V1.2.0__d.up.cypher', direction: 'up', statement: 2, line: 7, neo4jCode: 'Neo.ClientError.Schema.ConstraintValidationFailed', message: 'duplicate isbn', partialChanges: 'none' },
    };
    const text = renderRunSummary(failed, plain, 'Fix the data, then run neomig up again.');
    expect(text.split('\n')).toEqual([
      '✗ 1.2.0 up failed: duplicate isbn',
      '  at    V1.2.0__d.up.cypher, statement 2 (line 7)',
      '  neo4j Neo.ClientError.Schema.ConstraintValidationFailed',
      '  partial changes: none — nothing of it was committed (its transaction was rolled back)',
      'Atomic: rolled back 1 migration of this run: 1.1.0',
      'Database is at 1.0.0 (was 1.0.0).',
      'applied 0, rolled back 1, failed 1',
      'hint Fix the data, then run neomig up again.',
    ]);
  });

  it('says plainly when a failure left changes behind', () => {
    const failed: RunResult = { ...base, failed: { version: '1.2.0', file: 'f', direction: 'up', message: 'm', partialChanges: 'remain', undoError: 'no down' } };
    expect(renderRunSummary(failed, plain)).toContain('partial changes: remain — its partial changes REMAIN (no down); run `neomig status` and `neomig repair` once the database is fixed');
  });

  it('sends a failed ctx.batch() job that resumes to a plain up, not to repair (which would start it over)', () => {
    const failed: RunResult = { ...base, failed: { version: '1.2.0', file: 'f', direction: 'up', message: 'm', partialChanges: 'remain', undoError: 'no down', resumes: '149,000/200,000 rows' } };
    const text = renderRunSummary(failed, plain);
    expect(text).toContain('partial changes: remain — its partial changes REMAIN (no down); fix the cause and run `neomig up`: it resumes its ctx.batch() jobs after 149,000/200,000 rows');
    expect(text).not.toContain('and `neomig repair` once');
  });

  it('says a snapshot, not the down, undid a failure that up --restore-on-failure restored', () => {
    const failed: RunResult = { ...base, failed: { version: '1.2.0', file: 'f', direction: 'up', message: 'm', partialChanges: 'undone', undoneBy: 'snapshot' } };
    expect(renderRunSummary(failed, plain)).toContain('partial changes: undone — its partial changes were undone by restoring the snapshot taken before the run');
  });

  it('prints a dry run plan with every statement and its line', () => {
    const dry: RunResult = {
      ...base,
      dryRun: true,
      applied: [],
      plan: [
        {
          version: '1.1.0',
          description: 'books',
          direction: 'up',
          file: 'V1.1.0__books.up.cypher',
          type: 'cypher',
          groups: [
            { tx: 'managed', awaitIndexes: true, statements: [{ index: 1, line: 3, text: 'CREATE INDEX b FOR (n:Book) ON (n.isbn)', kind: 'schema', changesIndexes: true }] },
            { tx: 'managed', awaitIndexes: false, statements: [{ index: 2, line: 5, text: 'MATCH (n:Book)\nSET n.x = 1', kind: 'data', changesIndexes: false }] },
          ],
          validate: ['MATCH (n:Book) RETURN count(n) > 0 AS valid'],
        },
      ],
    };
    const text = renderRunSummary(dry, plain);
    expect(text).toContain('▲ up   1.1.0 books V1.1.0__books.up.cypher');
    expect(text).toContain('    transaction 1/2 (then wait for indexes)');
    expect(text).toContain('      1: line 3 CREATE INDEX b FOR (n:Book) ON (n.isbn);');
    expect(text).toContain('      2: line 5 MATCH (n:Book)\n          SET n.x = 1;');
    expect(text).toContain('    validate MATCH (n:Book) RETURN count(n) > 0 AS valid');
    expect(text.split('\n').at(-1)).toBe('Dry run: 1 migration would be applied, 1.0.0 → 1.2.0. Nothing was changed.');
    expect(renderPlan([], plain)).toBe('');
  });
});

describe('ProgressRenderer', () => {
  function capture(tty: boolean): { io: Io; err: () => string } {
    let err = '';
    return {
      io: { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s), isTTY: tty, columns: 200 }, env: {}, cwd: '/' },
      err: () => err,
    };
  }
  const events: MigratorEvent[] = [
    { type: 'connected', server: { version: '5.26.0', edition: 'enterprise', database: 'neo4j' } },
    { type: 'migration:start', direction: 'up', version: '1.1.0', description: 'books', file: 'V1.1.0__books.up.cypher' },
    { type: 'statement:start', version: '1.1.0', index: 1, total: 2, line: 4, text: '// comment\nCREATE INDEX b FOR (n:Book) ON (n.isbn)' },
    { type: 'statement:done', version: '1.1.0', index: 1, counters: { indexesAdded: 1 }, elapsedMs: 40 },
    { type: 'validate', version: '1.1.0', query: 'RETURN true AS valid', valid: true },
    { type: 'migration:done', direction: 'up', version: '1.1.0', elapsedMs: 55, counters: { indexesAdded: 1 } },
    { type: 'migration:failed', direction: 'up', version: '1.2.0', error: new NeomigError('MIGRATION_FAILED', 'boom'), partialChanges: 'undone' },
    { type: 'log', level: 'warn', message: 'slow', version: '1.2.0' },
  ];

  it('writes one plain line per event to a pipe', () => {
    const { io, err } = capture(false);
    const p = new ProgressRenderer(new Output(io, { json: false, color: true }));
    events.forEach((e) => p.handle(e));
    p.stop();
    expect(err().split('\n')).toEqual([
      'Connected to Neo4j 5.26.0 enterprise, database neo4j',
      '▲ 1.1.0 books V1.1.0__books.up.cypher',
      '  ✓ statement 1/2 (line 4) CREATE INDEX b FOR (n:Book) ON (n.isbn) 40ms indexesAdded 1',
      '  ✓ validate RETURN true AS valid',
      '  applied 1.1.0 in 55ms (indexesAdded 1)',
      '  ✗ 1.2.0 up failed: boom (its partial changes were undone by its down)',
      '  warn 1.2.0: slow',
      '',
    ]);
  });

  it('ticks the running statement in place on a terminal and clears it afterwards', () => {
    const { io, err } = capture(true);
    let now = 1000;
    const p = new ProgressRenderer(new Output(io, { json: false, color: false }), () => now);
    p.handle(events[2]!);
    expect(err()).toContain('\r\x1b[2K  … statement 1/2 (line 4) CREATE INDEX b FOR (n:Book) ON (n.isbn) 0ms');
    p.handle(events[3]!);
    p.stop();
    expect(err().endsWith('\r\x1b[2K  ✓ statement 1/2 (line 4) CREATE INDEX b FOR (n:Book) ON (n.isbn) 40ms indexesAdded 1\n')).toBe(true);
  });
});

describe('ProgressRenderer on a narrow terminal', () => {
  it('keeps the ticking line within the terminal width', () => {
    let err = '';
    const io: Io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s), isTTY: true, columns: 40 }, env: {}, cwd: '/' };
    const p = new ProgressRenderer(new Output(io, { json: false, color: false }), () => 0);
    p.handle({ type: 'statement:start', version: '1.0.0', index: 1, total: 1, line: 1, text: 'MATCH (n:Book) WHERE n.isbn IS NULL SET n.isbn = randomUUID()' });
    p.stop();
    const drawn = err.split('\r\x1b[2K').filter((s) => s !== '');
    expect(drawn.length).toBeGreaterThan(0);
    for (const line of drawn) expect(line.length).toBeLessThanOrEqual(39);
  });
});
