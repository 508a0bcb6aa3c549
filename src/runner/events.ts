import type { MigratorEvent, MigratorListener } from './types.js';

/** A tiny typed event fan-out; a listener that throws never breaks a migration. */
export class Events {
  private readonly listeners = new Set<MigratorListener>();

  on(listener: MigratorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit = (event: MigratorEvent): void => {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a rendering problem must not fail a deploy
      }
    }
  };

  warn(message: string, version?: string): void {
    this.emit({ type: 'log', level: 'warn', message, version });
  }

  info(message: string, version?: string): void {
    this.emit({ type: 'log', level: 'info', message, version });
  }
}
