/**
 * Turns the migrator's events into progress on stderr: which migration, which statement (and its
 * line) or batch job, elapsed time, rows, rows/s, ETA and counters. On a terminal the running statement or
 * batch job ticks in place; in a pipe (CI logs) each finished statement and batch job gets one line, and
 * whatever is still running gets a line every NEOMIG_PROGRESS_INTERVAL_MS (5 s), so a log never goes silent.
 */
import { leftNothing } from '../../core/types.js';
import { partialChangesText } from '../../runner/results.js';
import type { BatchProgressEvent, MigratorEvent } from '../../runner/types.js';
import type { Output } from '../output.js';
import { firstLine, formatCounters, formatDuration, formatTimestamp } from './format.js';
import { stripAnsi, visibleLength } from './table.js';

const TICK_MS = 100;
const MESSAGE_MAX = 160;
export const DEFAULT_PROGRESS_INTERVAL_MS = 5000;

/** The first line of a message, cut short: the full text comes with the run's summary. */
function shorten(message: string): string {
  const line = message.split('\n')[0]!;
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX - 1)}…` : line;
}

/** What is running now: a Cypher statement, a ctx.batch() job, or (between them) the migration itself. */
type Running =
  | { kind: 'step'; label: string; startedAt: number }
  | { kind: 'statement'; label: string; startedAt: number }
  | { kind: 'batch'; label: string; startedAt: number; event: BatchProgressEvent; eventAt: number };

export class ProgressRenderer {
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private step: Running | undefined;
  private current: Running | undefined;
  private lastLineAt: number;
  private drawn = false;

  constructor(
    private readonly output: Output,
    private readonly now: () => number = Date.now,
    intervalMs?: number,
  ) {
    this.tty = output.stderrIsTTY;
    this.intervalMs = intervalMs ?? progressInterval(output.io.env);
    this.lastLineAt = now();
  }

  handle(event: MigratorEvent): void {
    const p = this.output.errPaint;
    switch (event.type) {
      case 'connected':
        return this.line(p.gray(`Connected to Neo4j ${event.server.version} ${event.server.edition}, database ${event.server.database}`));
      case 'lock:waiting':
        return this.line(p.yellow(`Waiting for the lock held by ${event.heldBy.owner} (${event.heldBy.host}, pid ${event.heldBy.pid}) since ${formatTimestamp(event.heldBy.acquiredAt)}…`));
      case 'lock:acquired':
        if (event.tookOverFrom) this.line(p.yellow(`Took over a stale lock from ${event.tookOverFrom.owner} (last heartbeat ${formatTimestamp(event.tookOverFrom.heartbeatAt)})`));
        return;
      case 'lock:released':
        return;
      case 'migration:start': {
        const arrow = event.direction === 'up' ? p.green('▲') : p.magenta('▼');
        const why = event.reason === 'compensate' || event.reason === 'atomic' ? p.yellow(' (reversing after a failure)') : '';
        this.line(`${arrow} ${p.bold(event.version)} ${event.description} ${p.gray(event.file)}${why}`);
        this.current = undefined;
        this.step = { kind: 'step', label: event.version, startedAt: this.now() };
        return this.started();
      }
      case 'statement:start':
        this.current = { kind: 'statement', label: `statement ${event.index}/${event.total} (line ${event.line}) ${p.gray(firstLine(event.text))}`, startedAt: this.now() };
        return this.started();
      case 'statement:done': {
        const label = this.current?.kind === 'statement' ? this.current.label : `statement ${event.index}`;
        this.current = undefined;
        const counters = formatCounters(event.counters);
        return this.line(`  ${p.green('✓')} ${label} ${p.gray(formatDuration(event.elapsedMs))}${counters ? ` ${p.gray(counters)}` : ''}`);
      }
      case 'batch:progress':
        return this.batch(event);
      case 'validate':
        return this.line(`  ${event.valid ? p.green('✓') : p.red('✗')} validate ${p.gray(firstLine(event.query))}`);
      case 'migration:done': {
        this.current = this.step = undefined;
        const verb = event.direction === 'up' ? 'applied' : 'reversed';
        const counters = formatCounters(event.counters);
        return this.line(`  ${p.green(verb)} ${event.version} in ${formatDuration(event.elapsedMs)}${counters ? p.gray(` (${counters})`) : ''}`);
      }
      case 'migration:failed': {
        this.current = this.step = undefined;
        const text = partialChangesText(event);
        const state = leftNothing(event.partialChanges) ? p.yellow(text) : p.red(text);
        return this.line(`  ${p.red('✗')} ${event.version} ${event.direction} failed: ${shorten(event.error.message)} (${state})`);
      }
      case 'migration:skipped':
        return this.line(`${p.yellow('↷')} ${p.bold(event.version)} ${event.description} ${p.gray(event.file)} ${p.yellow(`skipped: ${event.reasons.join('; ')}`)}`);
      case 'callback:start':
        this.current = undefined;
        return this.line(`${p.cyan('◆')} ${event.phase} ${p.gray(event.name)}`);
      case 'callback:done':
        return this.line(`  ${p.green('✓')} ${event.phase} ${event.name} ${p.gray(formatDuration(event.elapsedMs))}`);
      case 'callback:failed':
        return this.line(`  ${p.red('✗')} ${event.phase} ${event.name} failed: ${shorten(event.error.message)}`);
      case 'preflight:start':
        return this.line(p.gray(`Preflight: compiling ${event.statements} statements of ${event.migrations} migrations, checking new constraints…`));
      case 'preflight:done': {
        const skipped = event.notChecked ? `, ${event.notChecked} not checked` : '';
        return this.line(`  ${p.green('✓')} preflight: ${event.compiled} statements compile, ${event.constraints} new constraints hold${skipped} ${p.gray(formatDuration(event.elapsedMs))}`);
      }
      case 'log': {
        const tag = event.level === 'warn' ? p.yellow('warn') : p.gray(event.level);
        return this.line(`  ${tag} ${event.version ? `${event.version}: ` : ''}${event.message}`);
      }
    }
  }

  /** Stops the ticker and clears a half-drawn line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
    this.current = this.step = undefined;
  }

  /** Each ctx.batch() call is its own job: a new label and clock, and a line of its own when it ends. */
  private batch(event: BatchProgressEvent): void {
    const t = this.now();
    if (event.phase === 'done') {
      this.current = undefined;
      const p = this.output.errPaint;
      const counters = formatCounters(event.counters);
      const rate = event.rows > 0 ? `, ${formatRate(event.rowsPerSecond)}` : '';
      const batches = `${event.batches} ${event.batches === 1 ? 'batch' : 'batches'}`;
      const summary = `${formatCount(event.rows)} rows in ${batches}, ${formatDuration(event.elapsedMs)}${rate}`;
      return this.line(`  ${p.green('✓')} ${event.label}: ${summary}${counters ? ` ${p.gray(counters)}` : ''}`);
    }
    const same = this.current?.kind === 'batch' && this.current.label === event.label && event.phase === 'running';
    const startedAt = same ? this.current!.startedAt : t - event.elapsedMs;
    this.current = { kind: 'batch', label: event.label, startedAt, event, eventAt: t };
    if (event.phase === 'start' || !this.timer) this.started();
    else this.tick();
  }

  private started(): void {
    if (!this.timer) {
      // off a terminal nothing is redrawn: the timer only has to notice when a progress line is due
      const every = this.tty ? TICK_MS : Math.max(20, Math.min(1000, Math.floor(this.intervalMs / 4)));
      this.timer = setInterval(() => this.tick(), every);
      this.timer.unref();
    }
    if (this.tty) this.tick();
  }

  private tick(): void {
    const r = this.current ?? this.step;
    if (!r) return;
    const t = this.now();
    if (this.tty) {
      const p = this.output.errPaint;
      let text = `  ${p.cyan('…')} ${this.describe(r, t)}`;
      // a wrapped line could not be redrawn in place: keep it within the terminal's width
      // a pty of unknown size (script, some CI runners) reports 0 columns
      const width = (this.output.io.stderr.columns || 80) - 1;
      if (visibleLength(text) > width) text = `${stripAnsi(text).slice(0, width - 1)}…`;
      this.output.writeErr(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else if (t - this.lastLineAt >= this.intervalMs) {
      this.line(`  … ${r.kind === 'batch' ? '' : 'still running '}${this.describe(r, t)}`);
    }
  }

  /** "statement 3/5 (line 12) MATCH …, 15.0s", or for a batch job
   *  "backfill: 12,000/20,000 rows 60% · 3,000 rows/s · ETA 3s · 4.0s" (short enough for 80 columns) */
  private describe(r: Running, t: number): string {
    const p = this.output.errPaint;
    const elapsed = formatDuration(t - r.startedAt);
    if (r.kind !== 'batch') return this.tty ? `${r.label} ${p.gray(elapsed)}` : `${r.label}, ${elapsed}`;
    const e = r.event;
    const of = e.total !== undefined ? `/${formatCount(e.total)}` : '';
    const share = e.total !== undefined && e.total > 0 ? ` ${Math.min(100, Math.floor((e.rows * 100) / e.total))}%` : '';
    const parts = [`${r.label}: ${formatCount(e.rows)}${of} rows${share}`];
    if (e.batches > 0) parts.push(formatRate(e.rowsPerSecond));
    // counts down between events, so a slow batch does not freeze the ETA on a terminal
    if (e.etaMs !== undefined) parts.push(`ETA ${formatEta(e.etaMs - (t - r.eventAt))}`);
    parts.push(p.gray(elapsed));
    return parts.join(' · ');
  }

  private line(text: string): void {
    this.clear();
    this.output.log(text);
    this.lastLineAt = this.now();
    if (this.tty && (this.current ?? this.step)) this.tick();
  }

  private clear(): void {
    if (this.drawn) this.output.writeErr('\r\x1b[2K');
    this.drawn = false;
  }
}

/** NEOMIG_PROGRESS_INTERVAL_MS: how often a pipe gets a line about what is still running (default 5000). */
export function progressInterval(env: Record<string, string | undefined>): number {
  const value = env.NEOMIG_PROGRESS_INTERVAL_MS ?? '';
  const n = Number(value);
  return value !== '' && Number.isFinite(n) && n > 0 ? n : DEFAULT_PROGRESS_INTERVAL_MS;
}

/** 200,000 */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** "64,516 rows/s"; one decimal below 10 rows/s */
export function formatRate(rowsPerSecond: number): string {
  const value = rowsPerSecond < 10 ? rowsPerSecond.toFixed(1) : formatCount(rowsPerSecond);
  return `${value} rows/s`;
}

/** Whole seconds: an ETA in milliseconds would pretend a precision it does not have. */
export function formatEta(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return '<1s';
  if (ms < 60_000) return `${Math.ceil(ms / 1000)}s`;
  return formatDuration(ms);
}
