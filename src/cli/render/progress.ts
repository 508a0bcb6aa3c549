/**
 * Turns the migrator's events into progress on stderr: which migration, which statement (and its
 * line), elapsed time and counters. On a terminal the running statement's line ticks in place; in a
 * pipe (CI logs) each finished statement gets one line, and a long one a "still running" line now
 * and then, so a log never goes silent for minutes.
 */
import { leftNothing } from '../../core/types.js';
import { partialChangesText } from '../../runner/results.js';
import type { MigratorEvent } from '../../runner/types.js';
import type { Output } from '../output.js';
import { firstLine, formatCounters, formatDuration, formatTimestamp } from './format.js';
import { stripAnsi, visibleLength } from './table.js';

const TICK_MS = 100;
const MESSAGE_MAX = 160;

/** The first line of a message, cut short: the full text comes with the run's summary. */
function shorten(message: string): string {
  const line = message.split('\n')[0]!;
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX - 1)}…` : line;
}
const QUIET_LOG_MS = 30_000;

interface Running {
  label: string;
  startedAt: number;
  lastLogAt: number;
}

export class ProgressRenderer {
  private readonly tty: boolean;
  private timer: NodeJS.Timeout | undefined;
  private running: Running | undefined;
  private drawn = false;

  constructor(
    private readonly output: Output,
    private readonly now: () => number = Date.now,
  ) {
    this.tty = output.stderrIsTTY;
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
        return this.line(`${arrow} ${p.bold(event.version)} ${event.description} ${p.gray(event.file)}${why}`);
      }
      case 'statement:start':
        this.start(`statement ${event.index}/${event.total} (line ${event.line}) ${p.gray(firstLine(event.text))}`);
        return;
      case 'statement:done': {
        const label = this.running?.label ?? `statement ${event.index}`;
        this.running = undefined;
        const counters = formatCounters(event.counters);
        return this.line(`  ${p.green('✓')} ${label} ${p.gray(formatDuration(event.elapsedMs))}${counters ? ` ${p.gray(counters)}` : ''}`);
      }
      case 'batch:progress':
        if (!this.running) return this.start(`batch ${event.batches}, ${event.rows} rows`);
        this.running.label = this.running.label.replace(/ · batch .*$/, '') + ` · batch ${event.batches}, ${event.rows} rows`;
        if (this.tty) this.tick();
        return;
      case 'validate':
        return this.line(`  ${event.valid ? p.green('✓') : p.red('✗')} validate ${p.gray(firstLine(event.query))}`);
      case 'migration:done': {
        this.running = undefined;
        const verb = event.direction === 'up' ? 'applied' : 'reversed';
        const counters = formatCounters(event.counters);
        return this.line(`  ${p.green(verb)} ${event.version} in ${formatDuration(event.elapsedMs)}${counters ? p.gray(` (${counters})`) : ''}`);
      }
      case 'migration:failed': {
        this.running = undefined;
        const text = partialChangesText(event);
        const state = leftNothing(event.partialChanges) ? p.yellow(text) : p.red(text);
        return this.line(`  ${p.red('✗')} ${event.version} ${event.direction} failed: ${shorten(event.error.message)} (${state})`);
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
    this.running = undefined;
  }

  private start(label: string): void {
    const t = this.now();
    this.running = { label, startedAt: t, lastLogAt: t };
    this.timer ??= setInterval(() => this.tick(), this.tty ? TICK_MS : 1000);
    this.timer.unref();
    this.tick();
  }

  private tick(): void {
    const r = this.running;
    if (!r) return;
    const elapsed = this.now() - r.startedAt;
    if (this.tty) {
      let text = `  ${this.output.errPaint.cyan('…')} ${r.label} ${this.output.errPaint.gray(formatDuration(elapsed))}`;
      // a wrapped line could not be redrawn in place: keep it within the terminal's width
      const width = (this.output.io.stderr.columns ?? 80) - 1;
      if (visibleLength(text) > width) text = `${stripAnsi(text).slice(0, width - 1)}…`;
      this.output.writeErr(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else if (this.now() - r.lastLogAt >= QUIET_LOG_MS) {
      r.lastLogAt = this.now();
      this.output.log(`  … still running ${r.label} (${formatDuration(elapsed)})`);
    }
  }

  private line(text: string): void {
    this.clear();
    this.output.log(text);
    if (this.running && this.tty) this.tick();
  }

  private clear(): void {
    if (this.drawn) this.output.writeErr('\r\x1b[2K');
    this.drawn = false;
  }
}
