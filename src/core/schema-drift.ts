/**
 * Schema drift: the constraints and indexes the applied migrations created, folded in the order they
 * were applied, compared with what the database holds. What a migration created comes from its
 * recorded `changes` (schemaAdded/schemaDropped) when it has them, else from reading its Cypher up
 * statically (CREATE/DROP CONSTRAINT/INDEX, named or not). A TypeScript migration or a baseline with
 * neither makes the comparison incomplete: that is said as a warning, never guessed.
 */
import type { ChangeSet } from './fingerprint.js';
import { describeSchemaItem, definitionKey, isDefaultLookup, type SchemaItem } from './schema.js';
import { schemaChangesOf } from './schema-parse.js';

/** One applied history entry, as drift needs it. */
export interface DriftSource {
  version: string;
  status: 'applied' | 'baseline';
  type: 'cypher' | 'typescript' | 'baseline';
  /** what neomig recorded the migration changed, if it did */
  changes?: ChangeSet | null;
  /** the up's statements (Cypher migrations whose file is at hand), else null */
  statements: { text: string; line: number }[] | null;
}

export interface DriftItem {
  item: SchemaItem;
  /** unexpected: in the database, created by no migration; missing: created by a migration, gone */
  kind: 'unexpected' | 'missing';
  message: string;
  /** the migration that created a missing item */
  version?: string;
}

export interface DriftReport {
  drift: DriftItem[];
  /** why the comparison could not be complete (warnings); when it is not, drift is only a warning, since
   *  an item may come from the migration neomig could not read */
  incomplete: string[];
}

interface Expected {
  item: SchemaItem;
  version: string;
}

/** What the applied migrations should have left, in application order. */
export function expectedSchema(sources: DriftSource[]): {
  expected: Expected[];
  droppedNames: Set<string>;
  droppedLookups: Set<string>;
  incomplete: string[];
} {
  let expected: Expected[] = [];
  const droppedNames = new Set<string>();
  const droppedLookups = new Set<string>();
  const incomplete: string[] = [];
  const sameItem = (a: SchemaItem, b: SchemaItem) =>
    a.kind === b.kind && (a.name && b.name ? a.name === b.name : definitionKey(a) === definitionKey(b));
  for (const s of sources) {
    if (s.changes) {
      for (const d of s.changes.schemaDropped) {
        expected = expected.filter((e) => !sameItem(e.item, d));
        droppedNames.add(d.name);
        if (d.type === 'LOOKUP') droppedLookups.add(d.entityType);
      }
      for (const a of s.changes.schemaAdded) {
        expected = expected.filter((e) => !sameItem(e.item, a));
        expected.push({ item: a, version: s.version });
      }
      continue;
    }
    if (!s.statements) {
      const what = s.type === 'typescript' ? 'TypeScript migration' : s.type === 'baseline' ? 'baseline' : 'migration';
      const why = s.type === 'typescript' ? 'recorded no schema changes' : 'recorded no schema changes and its file is not here';
      incomplete.push(`${what} ${s.version} ${why}: constraints and indexes it made cannot be told from drift`);
      continue;
    }
    const { changes, unreadable } = schemaChangesOf(s.statements);
    if (unreadable.length) {
      incomplete.push(`migration ${s.version} changes the schema in a way neomig cannot read (line ${unreadable.join(', ')})`);
    }
    for (const c of changes) {
      if (c.op === 'drop') {
        const gone = expected.filter((e) => e.item.kind === c.kind && e.item.name === c.name);
        expected = expected.filter((e) => !gone.includes(e));
        droppedNames.add(c.name);
        continue;
      }
      const unnamedTwin = (e: Expected) => c.item.name === '' && definitionKey(e.item) === definitionKey(c.item);
      const twin = expected.find((e) => sameItem(e.item, c.item) || unnamedTwin(e));
      // with IF NOT EXISTS an existing twin means nothing was created; without it the statement failed
      // and the migration with it, so the twin stays either way
      if (twin) continue;
      expected.push({ item: c.item, version: s.version });
    }
  }
  return { expected, droppedNames, droppedLookups, incomplete };
}

/** The drift between what the migrations created and the database's live schema (readSchema). */
export function schemaDrift(sources: DriftSource[], live: SchemaItem[]): DriftReport {
  const { expected, droppedNames, droppedLookups, incomplete } = expectedSchema(sources);
  // a database's own LOOKUP indexes are expected unless a migration dropped them
  const liveLeft = new Set(live);
  const expectedLeft = new Set(expected);
  const match = (test: (e: Expected, l: SchemaItem) => boolean) => {
    for (const e of [...expectedLeft]) {
      const l = [...liveLeft].find((x) => test(e, x));
      if (!l) continue;
      expectedLeft.delete(e);
      liveLeft.delete(l);
    }
  };
  const def = (i: SchemaItem) => definitionKey(i);
  match((e, l) => e.item.kind === l.kind && e.item.name !== '' && e.item.name === l.name && def(e.item) === def(l));
  // unnamed ones, and named ones whose IF NOT EXISTS met an equal item under another name
  match((e, l) => e.item.kind === l.kind && def(e.item) === def(l) && !expectedNames(expected).has(l.name));
  const drift: DriftItem[] = [];
  for (const l of liveLeft) {
    if (isDefaultLookup(l) && !droppedNames.has(l.name) && !droppedLookups.has(l.entityType)) continue;
    const was = [...expectedLeft].find((e) => e.item.name === l.name && e.item.kind === l.kind);
    const message = was
      ? `${l.kind} ${l.name} is ${describeDefinition(l)} `
        + `but migration ${was.version} created it as ${describeDefinition(was.item)}`
      : `${l.kind} ${l.name} exists but no migration created it`;
    drift.push({ item: l, kind: 'unexpected', message });
  }
  for (const e of expectedLeft) {
    const named = e.item.name ? `${e.item.kind} ${e.item.name}` : `${e.item.kind} ${describeDefinition(e.item)}`;
    const message = `${named} was created by migration ${e.version} but does not exist`;
    drift.push({ item: e.item, kind: 'missing', version: e.version, message });
  }
  return { drift, incomplete };
}

function expectedNames(expected: Expected[]): Set<string> {
  return new Set(expected.map((e) => e.item.name).filter((n) => n !== ''));
}

/** `(RANGE :Book(year))`: an item's definition without its kind and name. */
function describeDefinition(item: SchemaItem): string {
  return describeSchemaItem(item).replace(/^\S+ \S* ?/, '');
}

/** What a baseline stands for, for drift: every constraint and index the database had (its own LOOKUPs aside). */
export function baselineChanges(items: SchemaItem[]): ChangeSet {
  return { labels: {}, types: {}, schemaAdded: items.filter((i) => !isDefaultLookup(i)), schemaDropped: [] };
}
