/**
 * What a migration changed, as neomig records it on the migration's history entry (property `changes`,
 * JSON): node counts per label and relationship counts per type that moved, and the constraints and
 * indexes added or dropped. Written by the fingerprinting of `up`/`down`; read by `show`,
 * `status --verbose`, `verify` and schema drift detection.
 */
import type { SchemaItem } from './schema.js';

export interface ChangeSet {
  /** label -> change in node count; labels whose count did not move are absent */
  labels: Record<string, number>;
  /** relationship type -> change in relationship count */
  types: Record<string, number>;
  /** constraints and indexes that exist after and did not before */
  schemaAdded: SchemaItem[];
  /** constraints and indexes that existed before and do not after */
  schemaDropped: SchemaItem[];
}

/** A recorded `changes` value, or null when absent or unreadable (entries written before fingerprints). */
export function parseChangeSet(text: string | null): ChangeSet | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<ChangeSet>;
    return { labels: v.labels ?? {}, types: v.types ?? {}, schemaAdded: v.schemaAdded ?? [], schemaDropped: v.schemaDropped ?? [] };
  } catch {
    return null;
  }
}
