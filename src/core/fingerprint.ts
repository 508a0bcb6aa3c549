/**
 * What a migration changed, as neomig records it on the migration's history entry (property `changes`,
 * JSON): node counts per label and relationship counts per type that moved, and the constraints and
 * indexes added or dropped. Written by the fingerprinting of `up`/`down`; read by `show`,
 * `status --verbose`, `verify` and schema drift detection.
 */
import { type SchemaItem, describeSchemaItem, schemaDelta } from './schema.js';

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

/** The state a ChangeSet is the difference of: counts from Neo4j's count store, and the schema. */
export interface Fingerprint {
  /** label -> number of nodes carrying it (neomig's own labels left out) */
  labels: Record<string, number>;
  /** relationship type -> number of relationships (neomig's own left out) */
  types: Record<string, number>;
  /** constraints and indexes as readSchema() returns them */
  schema: SchemaItem[];
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

/** What moved from `before` to `after`: only counts that changed, schema items added or dropped. */
export function diffFingerprints(before: Fingerprint, after: Fingerprint): ChangeSet {
  const { added, dropped } = schemaDelta(before.schema, after.schema);
  const [labels, types] = [countDelta(before.labels, after.labels), countDelta(before.types, after.types)];
  return { labels, types, schemaAdded: added, schemaDropped: dropped };
}

function countDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const d = (after[key] ?? 0) - (before[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

export function isEmptyChangeSet(c: ChangeSet): boolean {
  return !Object.keys(c.labels).length && !Object.keys(c.types).length && !c.schemaAdded.length && !c.schemaDropped.length;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** One line per change, for people: `+1000 :Tag`, `-3 [:WROTE]`, `+index tag_name (RANGE :Tag(name))`. */
export function describeChanges(c: ChangeSet): string[] {
  return [
    ...Object.entries(c.labels).map(([l, n]) => `${signed(n)} :${l}`),
    ...Object.entries(c.types).map(([t, n]) => `${signed(n)} [:${t}]`),
    ...c.schemaAdded.map((i) => `+${describeSchemaItem(i)}`),
    ...c.schemaDropped.map((i) => `-${describeSchemaItem(i)}`),
  ];
}

/** The short form for a table cell: `+1000 :Tag, +1 index`; counts first, schema items by kind. */
export function summarizeChanges(c: ChangeSet): string {
  const kinds = (items: SchemaItem[], sign: string) =>
    (['constraint', 'index'] as const)
      .map((kind) => [kind, items.filter((i) => i.kind === kind).length] as const)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${sign}${n} ${n === 1 ? kind : kind === 'index' ? 'indexes' : 'constraints'}`);
  return [
    ...Object.entries(c.labels).map(([l, n]) => `${signed(n)} :${l}`),
    ...Object.entries(c.types).map(([t, n]) => `${signed(n)} [:${t}]`),
    ...kinds(c.schemaAdded, '+'),
    ...kinds(c.schemaDropped, '-'),
  ].join(', ');
}

/** What a down left behind (the difference between before the up and after the down), in words:
 *  `index tag_name (RANGE :Tag(name)) not dropped`, `1000 :Tag nodes not deleted`. */
export function describeLeftBehind(c: ChangeSet): string[] {
  const counted = (n: number, what: string, extra: string, missing: string) =>
    n > 0 ? `${n} ${what} ${extra}` : `${-n} ${what} ${missing}`;
  return [
    ...Object.entries(c.labels).map(([l, n]) => counted(n, `:${l} node${Math.abs(n) === 1 ? '' : 's'}`, 'not deleted', 'deleted and not restored')),
    ...Object.entries(c.types).map(([t, n]) =>
      counted(n, `[:${t}] relationship${Math.abs(n) === 1 ? '' : 's'}`, 'not deleted', 'deleted and not restored')),
    ...c.schemaAdded.map((i) => `${describeSchemaItem(i)} not dropped`),
    ...c.schemaDropped.map((i) => `${describeSchemaItem(i)} dropped and not restored`),
  ];
}
