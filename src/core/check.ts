/**
 * What `neomig check` and up's preflight decide without a database: which constraints the pending
 * migrations create (and which of them exist already, live or earlier in the same plan), which labels
 * and types each migration touches, and which data statements are big enough to need batching. The
 * numbers (violations, counts) come from neo4j/data-check.ts; this module only plans and judges.
 *
 * Deliberately static: the data is read as it is now. What an earlier pending migration does to the
 * data (deleting the duplicates itself, say) is not simulated; constraints it creates or drops are.
 */
import { type ConstraintSpec, constraintChange, describeConstraint, sameRule } from './constraints.js';
import type { SchemaItem } from './schema.js';
import { type Touch, touchesOf, writesData } from './touches.js';
import type { LocalMigration, Statement } from './types.js';

/** A constraint a pending migration creates, where, and whether the data must be checked for it. */
export interface PlannedConstraint {
  version: string;
  file: string;
  /** statement number and line in the file */
  statement: number;
  line: number;
  spec: ConstraintSpec;
  /** `check`: new, test the data; `exists`: an equivalent one is live; `earlier`: an earlier pending
   *  statement creates an equivalent one; `fixed`: a pending fix written by `check --fix` for it runs
   *  first (its violations are reported, but do not fail) */
  status: 'check' | 'exists' | 'earlier' | 'fixed';
  /** for `fixed`: the version of the fix */
  fixedBy?: string;
}

/** The line `check --fix` starts a fix's up with, naming the constraint it resolves. */
export const FIX_MARKER = '// neomig-fix:';

/** The constraint (as describeConstraint names it) a fix migration resolves, from its marker line. */
export function fixedConstraint(text: string): string | null {
  const line = text.split(/\r?\n|\r/).find((l) => l.startsWith(FIX_MARKER));
  return line ? line.slice(FIX_MARKER.length).trim() : null;
}

/** The constraints the migrations (in plan order) create, against the live ones (SHOW CONSTRAINTS). */
export function plannedConstraints(migrations: LocalMigration[], live: SchemaItem[]): PlannedConstraint[] {
  type Held = { name: string | null; spec?: ConstraintSpec; item?: SchemaItem; planned: boolean };
  const held: Held[] = live.filter((i) => i.kind === 'constraint').map((item) => ({ name: item.name, item, planned: false }));
  const out: PlannedConstraint[] = [];
  const fixes = new Map<string, string>();
  for (const m of migrations) {
    if (m.up.kind !== 'cypher') continue;
    const fixed = fixedConstraint(m.up.text);
    if (fixed) fixes.set(fixed, m.version);
    for (const s of m.up.statements) {
      if (s.kind !== 'schema') continue;
      const change = constraintChange(s.text);
      if (!change) continue;
      if (change.action === 'drop') {
        const at = held.findIndex((h) => h.name === change.name);
        if (at >= 0) held.splice(at, 1);
        continue;
      }
      const spec = change.spec;
      const same = held.find((h) => (h.item ? sameRule(spec, h.item) : sameSpec(spec, h.spec!)));
      const fixedBy = fixes.get(describeConstraint(spec));
      const status = same ? (same.planned ? 'earlier' : 'exists') : fixedBy ? 'fixed' : 'check';
      const where = { version: m.version, file: m.up.file, statement: s.index, line: s.line };
      out.push({ ...where, spec, status, ...(status === 'fixed' ? { fixedBy } : {}) });
      if (!same) held.push({ name: spec.name, spec, planned: true });
    }
  }
  return out;
}

function sameSpec(a: ConstraintSpec, b: ConstraintSpec): boolean {
  return describeConstraint(a) === describeConstraint(b);
}

/** What the data holds against one constraint now. */
export interface Violations {
  /** unique/key: values held by more than one node (or relationship) */
  duplicates?: { groups: number; entities: number; first: DuplicateGroup[] };
  /** key/exists: entities without (one of) the properties */
  missing?: { count: number; elementIds: string[] };
  /** type: values of another type */
  wrongType?: { count: number; first: { value: unknown; elementId: string }[] };
}

export interface DuplicateGroup {
  /** the property values, one per property of the constraint */
  value: unknown[];
  count: number;
  /** the first few element ids holding it */
  elementIds: string[];
}

/** The queries data-check.ts must run for a constraint. */
export function checksFor(rule: ConstraintSpec['rule']): (keyof Violations)[] {
  switch (rule) {
    case 'unique':
      return ['duplicates'];
    case 'key':
      return ['duplicates', 'missing'];
    case 'exists':
      return ['missing'];
    case 'type':
      return ['wrongType'];
  }
}

/** True when creating the constraint would fail on this data. */
export function violates(v: Violations | null | undefined): boolean {
  if (!v) return false;
  return (v.duplicates?.groups ?? 0) > 0 || (v.missing?.count ?? 0) > 0 || (v.wrongType?.count ?? 0) > 0;
}

/** One line for people: "3 duplicate values (12 nodes), 4 nodes without email". */
export function describeViolations(spec: ConstraintSpec, v: Violations): string {
  const what = spec.entity === 'node' ? 'node' : 'relationship';
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (v.duplicates?.groups) {
    const sample = v.duplicates.first.slice(0, 3).map((g) => `${formatValue(g.value)} ×${g.count}`).join(', ');
    const more = v.duplicates.groups > 3 ? ', …' : '';
    parts.push(`${n(v.duplicates.groups, 'duplicated value')} on ${n(v.duplicates.entities, what)} (${sample}${more})`);
  }
  if (v.missing?.count) parts.push(`${n(v.missing.count, what)} without ${spec.properties.join(' or ')}`);
  if (v.wrongType?.count) parts.push(`${n(v.wrongType.count, what)} whose ${spec.properties[0]} is not ${spec.propertyType}`);
  return parts.join('; ');
}

/** A value as Cypher would print it: strings quoted, lists of one shown as their element. */
export function formatValue(value: unknown): string {
  const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(formatValue).join(', ')}]` : String(JSON.stringify(v) ?? v);
}

/** One data statement of a migration that is not batched though it visits many rows. */
export interface Unbatched {
  statement: number;
  line: number;
  /** the label or type it visits with the most entities, and how many carry it */
  name: string;
  entity: Touch['entity'];
  rows: number;
}

/** What a migration touches and how much of it there is now. */
export interface MigrationTouches {
  version: string;
  file: string;
  /** false for TypeScript migrations: their statements are only known when they run */
  checked: boolean;
  touches: (Touch & { count: number })[];
  unbatched: Unbatched[];
}

/** Labels and types each migration's statements name, for the counts to be read. */
export function touchesByMigration(migrations: LocalMigration[]): { migration: LocalMigration; statements: StatementTouches[] }[] {
  return migrations.map((migration) => ({
    migration,
    statements: migration.up.kind === 'cypher' ? migration.up.statements.flatMap(statementTouches) : [],
  }));
}

export interface StatementTouches {
  index: number;
  line: number;
  /** a data write outside CALL { } IN TRANSACTIONS: one transaction for all it visits */
  unbatchedWrite: boolean;
  touches: Touch[];
}

/** Data statements by their patterns; a constraint by the label or type it constrains. */
function statementTouches(s: Statement): StatementTouches[] {
  const base = { index: s.index, line: s.line, unbatchedWrite: false };
  if (s.kind === 'data' || s.kind === 'periodic') {
    return [{ ...base, unbatchedWrite: s.kind === 'data' && writesData(s.text), touches: touchesOf(s.text) }];
  }
  const change = s.kind === 'schema' ? constraintChange(s.text) : null;
  if (change?.action !== 'create') return [];
  return [{ ...base, touches: [{ entity: change.spec.entity, name: change.spec.target, reads: true }] }];
}

/** `node:Book` / `relationship:RATED`: the key of a count. */
export function countKey(t: Pick<Touch, 'entity' | 'name'>): string {
  return `${t.entity}:${t.name}`;
}

/** Joins the statements' touches with the counts; flags data statements (not CALL { } IN TRANSACTIONS)
 *  that visit more than `limit` entities of one label or type. */
export function judgeTouches(planned: ReturnType<typeof touchesByMigration>, counts: Map<string, number>, limit: number): MigrationTouches[] {
  return planned.map(({ migration, statements }) => {
    const touches = new Map<string, Touch & { count: number }>();
    const unbatched: Unbatched[] = [];
    for (const s of statements) {
      let biggest: (Touch & { count: number }) | undefined;
      for (const t of s.touches) {
        const key = countKey(t);
        const count = counts.get(key) ?? 0;
        const had = touches.get(key);
        if (had) had.reads ||= t.reads;
        else touches.set(key, { ...t, count });
        if (t.reads && (!biggest || count > biggest.count)) biggest = { ...t, count };
      }
      if (s.unbatchedWrite && biggest && biggest.count > limit) {
        unbatched.push({ statement: s.index, line: s.line, name: biggest.name, entity: biggest.entity, rows: biggest.count });
      }
    }
    const checked = migration.up.kind === 'cypher';
    return { version: migration.version, file: migration.up.file, checked, touches: [...touches.values()], unbatched };
  });
}

/** `:Book` or `[:RATED]`. */
export function touchName(t: Pick<Touch, 'entity' | 'name'>): string {
  return t.entity === 'node' ? `:${t.name}` : `[:${t.name}]`;
}

/** A planned constraint with what the data holds against it (null: not read, it exists already). */
export interface ConstraintCheck extends PlannedConstraint {
  violations: Violations | null;
  fails: boolean;
}
