import type { SkippedStep } from '../core/preconditions.js';
import type { HistoryStore } from '../neo4j/history.js';
import type { Events } from './events.js';
import { historyEntry } from './steps.js';
import type { SkippedReport } from './types.js';

export function skippedReports(skipped: SkippedStep[]): SkippedReport[] {
  return skipped.map(({ step, reasons }) => ({ version: step.version, description: step.description, file: step.migration!.up.file, reasons }));
}

/**
 * Records the migrations whose assumptions did not hold as `skipped`, in one write. An entry already
 * skipped for the same reasons is left as it is, so a run that skips again adds no audit noise.
 */
export async function recordSkipped(history: HistoryStore, events: Events, skipped: SkippedStep[]): Promise<void> {
  const writes = [];
  for (const { step, reasons } of skipped) {
    const m = step.migration!;
    events.emit({ type: 'migration:skipped', version: m.version, description: m.description, file: m.up.file, reasons });
    const same = step.applied?.status === 'skipped' && step.applied.skipReason === reasons.join('; ') && step.applied.checksum === m.checksum;
    if (!same) writes.push(history.skippedWrite(historyEntry(m), reasons));
  }
  if (writes.length) await history.save(writes);
}
