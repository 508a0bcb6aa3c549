/**
 * Reads the constraints a Cypher statement creates or drops, so `check` and the preflight can test the
 * data against a constraint before Neo4j is asked to create it. The statement is read through
 * maskCypher (comments and string contents blanked), names are taken from the original text, so a
 * `REQUIRE` inside a comment or a backtick name never confuses it.
 */
import { maskCypher } from './splitter.js';
import { queryOptionsLength } from './classify.js';

/** What a constraint demands of the data. */
export type ConstraintRule = 'unique' | 'key' | 'exists' | 'type';

export interface ConstraintSpec {
  /** the name given in the statement, else null (Neo4j generates one) */
  name: string | null;
  rule: ConstraintRule;
  entity: 'node' | 'relationship';
  /** the label or relationship type */
  target: string;
  properties: string[];
  /** for `type`: the declared type as written, upper-cased (`STRING`, `INTEGER | FLOAT`) */
  propertyType: string | null;
  ifNotExists: boolean;
}

export type ConstraintChange = { action: 'create'; spec: ConstraintSpec } | { action: 'drop'; name: string; ifExists: boolean };

const IDENT = String.raw`(?:\`[^\`]*\`|[A-Za-z_][\w]*)`;
// `d`: the groups' offsets, so names are read from the original text (the masked one blanks backtick names)
const CREATE = new RegExp(String.raw`^CREATE\s+CONSTRAINT\b(?:\s+(?!IF\b|FOR\b|ON\b)(${IDENT}))?(\s+IF\s+NOT\s+EXISTS)?\s+(?:FOR|ON)\s+`, 'id');
const NODE = new RegExp(String.raw`^\(\s*(${IDENT})\s*:\s*(${IDENT})\s*\)`, 'd');
const RELATIONSHIP = new RegExp(String.raw`^\(\s*\)\s*<?-\s*\[\s*(${IDENT})\s*:\s*(${IDENT})\s*\]\s*->?\s*\(\s*\)`, 'd');
const REQUIRE = /^\s*(?:REQUIRE|ASSERT)\s+/i;
const DROP = new RegExp(String.raw`^DROP\s+CONSTRAINT\s+(${IDENT})(\s+IF\s+EXISTS)?\s*$`, 'id');

/** The constraint a statement creates or drops, or null when it does neither (or is written in a form
 *  neomig does not read, e.g. a 4.x `DROP CONSTRAINT ON ... ASSERT`). */
export function constraintChange(text: string): ConstraintChange | null {
  const masked = maskCypher(text);
  const start = skipUse(masked, queryOptionsLength(masked));
  const code = masked.slice(start);
  const original = text.slice(start);
  const drop = DROP.exec(code);
  if (drop) return { action: 'drop', name: group(original, 0, drop, 1)!, ifExists: drop[2] !== undefined };
  const create = CREATE.exec(code);
  if (!create) return null;
  const name = group(original, 0, create, 1);
  let at = create[0].length;
  let entity: ConstraintSpec['entity'] = 'node';
  let pattern = NODE.exec(code.slice(at));
  if (!pattern) {
    pattern = RELATIONSHIP.exec(code.slice(at));
    entity = 'relationship';
  }
  if (!pattern) return null;
  const variable = group(original, at, pattern, 1)!;
  const target = group(original, at, pattern, 2)!;
  at += pattern[0].length;
  const require = REQUIRE.exec(code.slice(at));
  if (!require) return null;
  at += require[0].length;
  const body = readRequirement(code.slice(at), original.slice(at), variable);
  if (!body) return null;
  return { action: 'create', spec: { name, entity, target, ifNotExists: create[2] !== undefined, ...body } };
}

/** `n.p`, `(n.a, n.b)` then `IS [NODE|REL|RELATIONSHIP] UNIQUE|KEY`, `IS NOT NULL`, `IS :: T`, `IS TYPED T`. */
function readRequirement(code: string, original: string, variable: string): Pick<ConstraintSpec, 'rule' | 'properties' | 'propertyType'> | null {
  const prop = String.raw`${IDENT}\s*\.\s*(${IDENT})`;
  const list = new RegExp(String.raw`^(?:\(\s*${prop}(?:\s*,\s*${IDENT}\s*\.\s*${IDENT})*\s*\)|${prop})\s*`);
  const m = list.exec(code);
  if (!m) return null;
  const properties: string[] = [];
  const one = new RegExp(String.raw`(${IDENT})\s*\.\s*(${IDENT})`, 'g');
  for (const p of code.slice(0, m[0].length).matchAll(one)) {
    const at = p.index!;
    const v = unquote(original.slice(at, at + p[1]!.length));
    if (v !== variable) return null;
    const propAt = at + p[0].length - p[2]!.length;
    properties.push(unquote(original.slice(propAt, propAt + p[2]!.length)));
  }
  const rest = code.slice(m[0].length);
  const restOriginal = original.slice(m[0].length);
  let r: RegExpExecArray | null;
  if ((r = /^IS\s+(?:(?:NODE|REL|RELATIONSHIP)\s+)?UNIQUE\b/i.exec(rest))) return { rule: 'unique', properties, propertyType: null };
  if ((r = /^IS\s+(?:(?:NODE|REL|RELATIONSHIP)\s+)?KEY\b/i.exec(rest))) return { rule: 'key', properties, propertyType: null };
  if ((r = /^IS\s+NOT\s+NULL\b/i.exec(rest))) return { rule: 'exists', properties, propertyType: null };
  if ((r = /^IS\s*(?:::|TYPED\b)\s*/i.exec(rest))) {
    // the type runs to OPTIONS or the end: `STRING`, `INTEGER | FLOAT`, `LIST<STRING NOT NULL>`
    const tail = restOriginal.slice(r[0].length);
    const end = /\s+OPTIONS\b/i.exec(rest.slice(r[0].length));
    const type = (end ? tail.slice(0, end.index) : tail).trim().replace(/\s+/g, ' ').toUpperCase();
    return /^[A-Z][A-Z0-9 <>|,]*$/.test(type) ? { rule: 'type', properties, propertyType: type } : null;
  }
  return null;
}

/** Past a leading `USE <graph>` clause (the constraint is created in that graph; neomig checks the target). */
function skipUse(masked: string, from: number): number {
  const use = new RegExp(String.raw`^USE\s+${IDENT}(?:\s*\.\s*${IDENT})*\s+`, 'i').exec(masked.slice(from));
  return use ? from + use[0].length : from;
}

/** A group of a match made on masked text at `offset`, read from the original text and unquoted. */
function group(original: string, offset: number, m: RegExpExecArray, n: number): string | null {
  const span = m.indices?.[n];
  return span ? unquote(original.slice(offset + span[0], offset + span[1])) : null;
}

/** `name` or `` `odd name` `` as the name itself. */
export function unquote(name: string): string {
  return name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name;
}

/** A name as Cypher needs it: backticks unless plain. */
export function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

/** `unique :User(email)`, `exists [:RATED](score)`, `type :Book(isbn) :: STRING`: how reports name a constraint. */
export function describeConstraint(spec: ConstraintSpec): string {
  const target = spec.entity === 'node' ? `:${spec.target}` : `[:${spec.target}]`;
  const type = spec.propertyType ? ` :: ${spec.propertyType}` : '';
  return `${spec.rule} ${target}(${spec.properties.join(', ')})${type}`;
}

/** A name for files and keys when the statement gives none: `user_email_unique`. */
export function constraintSlug(spec: ConstraintSpec): string {
  const raw = spec.name ?? `${spec.target}_${spec.properties.join('_')}_${spec.rule}`;
  return raw.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'constraint';
}

/** Whether a constraint the server reports (SchemaItem fields) demands the same of the data as `spec`. */
export function sameRule(
  spec: ConstraintSpec,
  item: { type: string; entityType: string; labelsOrTypes: string[]; properties: string[]; propertyType: string | null },
): boolean {
  const type = item.type.toUpperCase();
  // Cypher 5 and 25 name the types differently (UNIQUENESS, NODE_PROPERTY_UNIQUENESS …): read the words
  const rule: ConstraintRule | null =
    type.includes('KEY') ? 'key' : type.includes('UNIQUE') ? 'unique' : type.includes('EXIST') ? 'exists' : type.includes('TYPE') ? 'type' : null;
  return (
    rule === spec.rule &&
    (item.entityType === 'RELATIONSHIP') === (spec.entity === 'relationship') &&
    item.labelsOrTypes.length === 1 && item.labelsOrTypes[0] === spec.target &&
    item.properties.join('\u0000') === spec.properties.join('\u0000') &&
    (spec.rule !== 'type' || normalType(item.propertyType) === normalType(spec.propertyType))
  );
}

function normalType(t: string | null): string {
  return (t ?? '').toUpperCase().replace(/\s+/g, '');
}
