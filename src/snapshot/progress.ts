/** Progress of a snapshot or restore phase, as the batch events the CLI already renders (rows, rows/s, ETA). */
import type { BatchProgressEvent } from '../core/vocabulary.js';

export class Progress {
  private rows = 0;
  private batches = 0;
  private readonly started = performance.now();

  constructor(
    private readonly operation: 'snapshot' | 'restore',
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly emit: ((event: BatchProgressEvent) => void) | undefined,
  ) {}

  start(): void {
    this.send('start');
  }

  add(rows: number): void {
    this.rows += rows;
    this.batches++;
    this.send('running');
  }

  done(): { rows: number; elapsedMs: number; rowsPerSecond: number } {
    const event = this.send('done');
    return { rows: this.rows, elapsedMs: event.elapsedMs, rowsPerSecond: event.rowsPerSecond };
  }

  private send(phase: BatchProgressEvent['phase']): BatchProgressEvent {
    const elapsedMs = performance.now() - this.started;
    const rowsPerSecond = elapsedMs > 0 ? (this.rows * 1000) / elapsedMs : 0;
    const left = this.total !== undefined ? Math.max(0, this.total - this.rows) : undefined;
    const event: BatchProgressEvent = {
      type: 'batch:progress',
      version: this.operation,
      phase,
      label: `${this.operation} ${this.label}`,
      batches: this.batches,
      rows: this.rows,
      elapsedMs,
      rowsPerSecond,
      ...(this.total !== undefined ? { total: this.total } : {}),
      ...(left !== undefined && rowsPerSecond > 0 && this.batches > 0 ? { etaMs: (left * 1000) / rowsPerSecond } : {}),
      counters: {},
    };
    this.emit?.(event);
    return event;
  }
}
