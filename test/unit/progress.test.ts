import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Output, type Io } from '../../src/cli/output.js';
import { ProgressRenderer, formatEta, formatRate, progressInterval } from '../../src/cli/render/progress.js';
import { progressEvent } from '../../src/runner/batch.js';
import type { BatchProgressEvent, MigratorEvent } from '../../src/runner/types.js';

function capture(tty: boolean, env: Io['env'] = {}): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (s: string) => (out += s), isTTY: tty, columns: 200 },
      stderr: { write: (s: string) => (err += s), isTTY: tty, columns: 200 },
      env,
      cwd: '/',
    },
    out: () => out,
    err: () => err,
  };
}

/** What the live line on a terminal shows last (the text after the last clear-line sequence). */
function lastDrawn(err: string): string {
  return err.split('\r\x1b[2K').at(-1)!;
}

const start: MigratorEvent = { type: 'migration:start', direction: 'up', version: '2.0.0', description: 'items', file: 'V2.0.0__items.ts' };

function batch(phase: BatchProgressEvent['phase'], label: string, rows: number, batches: number, elapsedMs: number, total?: number): BatchProgressEvent {
  return progressEvent('2.0.0', label, phase, { rows, batches, total }, elapsedMs, rows ? { propertiesSet: rows } : {});
}

describe('batch:progress events', () => {
  it('carry rows/s, and an ETA when a total is known', () => {
    const e = batch('running', 'backfill', 5000, 5, 2000, 20_000);
    expect(e).toMatchObject({ label: 'backfill', rows: 5000, batches: 5, elapsedMs: 2000, rowsPerSecond: 2500, total: 20_000, etaMs: 6000 });
    expect(batch('running', 'b', 5000, 5, 2000).etaMs).toBeUndefined();
    expect(batch('start', 'b', 0, 0, 30, 100)).toMatchObject({ rowsPerSecond: 0, total: 100 });
    expect(batch('start', 'b', 0, 0, 30, 100).etaMs).toBeUndefined();
    expect(batch('done', 'b', 120, 2, 1000, 100)).toMatchObject({ etaMs: 0 });
  });
});

describe('ProgressRenderer on a terminal', () => {
  it('shows each batch job live with its own label, rows, rows/s, total, ETA and elapsed time', () => {
    const { io, err } = capture(true);
    let now = 10_000;
    const p = new ProgressRenderer(new Output(io, { json: false, color: false }), () => now);
    p.handle(start);
    p.handle(batch('start', 'backfill', 0, 0, 0, 20_000));
    expect(lastDrawn(err())).toBe('  … backfill: 0/20,000 rows 0% · 0ms');
    now += 2000;
    p.handle(batch('running', 'backfill', 5000, 5, 2000, 20_000));
    expect(lastDrawn(err())).toBe('  … backfill: 5,000/20,000 rows 25% · 2,500 rows/s · ETA 6s · 2.0s');
    now += 6000;
    p.handle(batch('done', 'backfill', 20_000, 20, 8000, 20_000));
    expect(err()).toContain('  ✓ backfill: 20,000 rows in 20 batches, 8.0s, 2,500 rows/s propertiesSet 20000\n');

    // a second ctx.batch() is a new job: its own label, its clock starts again, no total
    now += 500;
    p.handle(batch('start', 'batch 2', 0, 0, 0));
    expect(lastDrawn(err())).toBe('  … batch 2: 0 rows · 0ms');
    now += 1000;
    p.handle(batch('running', 'batch 2', 300, 1, 1000));
    expect(lastDrawn(err())).toBe('  … batch 2: 300 rows · 300 rows/s · 1.0s');
    p.stop();
  });

  it('counts the ETA and elapsed time down between batches', () => {
    vi.useFakeTimers();
    try {
      const { io, err } = capture(true);
      const p = new ProgressRenderer(new Output(io, { json: false, color: false }), () => Date.now());
      p.handle(start);
      p.handle(batch('start', 'slow', 0, 0, 0, 1000));
      vi.advanceTimersByTime(10_000);
      p.handle(batch('running', 'slow', 100, 1, 10_000, 1000));
      expect(lastDrawn(err())).toBe('  … slow: 100/1,000 rows 10% · 10 rows/s · ETA 1m 30s · 10.0s');
      vi.advanceTimersByTime(30_000);
      expect(lastDrawn(err())).toBe('  … slow: 100/1,000 rows 10% · 10 rows/s · ETA 1m 00s · 40.0s');
      p.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('draws the whole line on a terminal that reports 0 columns (a pty of unknown size)', () => {
    const { io, err } = capture(true);
    io.stderr.columns = 0;
    const p = new ProgressRenderer(new Output(io, { json: false, color: false }), () => 2000);
    p.handle(start);
    p.handle(batch('running', 'backfill', 5000, 5, 2000, 20_000));
    expect(lastDrawn(err())).toBe('  … backfill: 5,000/20,000 rows 25% · 2,500 rows/s · ETA 6s · 2.0s');
    p.stop();
  });

  it('uses no color with NO_COLOR, and writes nothing to stdout with --json', () => {
    const { io, out, err } = capture(true, { NO_COLOR: '1' });
    const p = new ProgressRenderer(new Output(io, { json: true, color: true }), () => 0);
    p.handle(start);
    p.handle(batch('running', 'backfill', 10, 1, 1000, 20));
    p.handle(batch('done', 'backfill', 20, 2, 2000, 20));
    p.stop();
    expect(out()).toBe('');
    expect(err()).toContain('backfill: 20 rows in 2 batches');
    // only the clear-line sequence of the live line, no color codes
    expect(err().replaceAll('\r\x1b[2K', '')).not.toContain('\x1b');
  });
});

describe('ProgressRenderer in a pipe (CI logs)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function pipe(intervalMs?: number, env: Io['env'] = {}) {
    const { io, err } = capture(false, env);
    const p = new ProgressRenderer(new Output(io, { json: false, color: true }), () => Date.now(), intervalMs);
    return { p, lines: () => err().split('\n').filter((l) => l !== '') };
  }

  it('prints a line about a long statement every 5 s, driven by a timer, not by events', () => {
    const { p, lines } = pipe();
    p.handle({ type: 'migration:start', direction: 'up', version: '1.0.0', description: 'big', file: 'V1.0.0__big.up.cypher' });
    p.handle({ type: 'statement:start', version: '1.0.0', index: 3, total: 5, line: 12, text: 'MATCH (n) SET n.x = 1' });
    vi.advanceTimersByTime(4_900);
    expect(lines()).toHaveLength(1);
    vi.advanceTimersByTime(11_000);
    expect(lines().slice(1)).toEqual([
      '  … still running statement 3/5 (line 12) MATCH (n) SET n.x = 1, 5.0s',
      '  … still running statement 3/5 (line 12) MATCH (n) SET n.x = 1, 10.0s',
      '  … still running statement 3/5 (line 12) MATCH (n) SET n.x = 1, 15.0s',
    ]);
    p.handle({ type: 'statement:done', version: '1.0.0', index: 3, counters: { propertiesSet: 9 }, elapsedMs: 15_900 });
    vi.advanceTimersByTime(4_000);
    expect(lines().at(-1)).toBe('  ✓ statement 3/5 (line 12) MATCH (n) SET n.x = 1 15.9s propertiesSet 9');
    p.stop();
  });

  it('prints batch progress with rows/s and ETA at the interval, not once per batch, and one line per finished job', () => {
    const { p, lines } = pipe();
    p.handle(start);
    p.handle(batch('start', 'backfill', 0, 0, 0, 100_000));
    for (let i = 1; i <= 12; i++) {
      vi.advanceTimersByTime(1000);
      p.handle(batch('running', 'backfill', i * 5000, i, i * 1000, 100_000));
    }
    p.handle(batch('done', 'backfill', 60_000, 12, 12_000, 100_000));
    expect(lines().slice(1)).toEqual([
      // the timer fires just before the 5th and 10th batch report: the ETA has counted down since the last one
      '  … backfill: 20,000/100,000 rows 20% · 5,000 rows/s · ETA 15s · 5.0s',
      '  … backfill: 45,000/100,000 rows 45% · 5,000 rows/s · ETA 10s · 10.0s',
      '  ✓ backfill: 60,000 rows in 12 batches, 12.0s, 5,000 rows/s propertiesSet 60000',
    ]);
    p.stop();
  });

  it('keeps a long TypeScript step (one slow ctx.run) from going silent', () => {
    const { p, lines } = pipe(2000);
    p.handle(start);
    vi.advanceTimersByTime(4_500);
    expect(lines().slice(1)).toEqual(['  … still running 2.0.0, 2.0s', '  … still running 2.0.0, 4.0s']);
    p.handle({ type: 'migration:done', direction: 'up', version: '2.0.0', elapsedMs: 4600, counters: { nodesCreated: 1 } });
    vi.advanceTimersByTime(10_000);
    expect(lines().at(-1)).toBe('  applied 2.0.0 in 4.6s (nodesCreated 1)');
    p.stop();
  });

  it('takes its interval from NEOMIG_PROGRESS_INTERVAL_MS', () => {
    expect(progressInterval({})).toBe(5000);
    expect(progressInterval({ NEOMIG_PROGRESS_INTERVAL_MS: '250' })).toBe(250);
    expect(progressInterval({ NEOMIG_PROGRESS_INTERVAL_MS: '' })).toBe(5000);
    expect(progressInterval({ NEOMIG_PROGRESS_INTERVAL_MS: 'soon' })).toBe(5000);
    expect(progressInterval({ NEOMIG_PROGRESS_INTERVAL_MS: '0' })).toBe(5000);

    const { p, lines } = pipe(undefined, { NEOMIG_PROGRESS_INTERVAL_MS: '1000' });
    p.handle(start);
    vi.advanceTimersByTime(3_100);
    expect(lines()).toHaveLength(4);
    p.stop();
  });
});

describe('progress formats', () => {
  it('rates and ETAs', () => {
    expect(formatRate(64_516.2)).toBe('64,516 rows/s');
    expect(formatRate(2.345)).toBe('2.3 rows/s');
    expect(formatEta(400)).toBe('<1s');
    expect(formatEta(12_100)).toBe('13s');
    expect(formatEta(125_000)).toBe('2m 05s');
  });
});
