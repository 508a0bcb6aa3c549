/**
 * Reads CREATE/DROP CONSTRAINT/INDEX statements (Cypher 5 and Cypher 25 forms) into SchemaItems: the
 * desired schema of a `schema.cypher` file for `schema diff`, and what a Cypher migration created or
 * dropped for drift detection when its history entry recorded no `changes`.
 */
import { NeomigError } from '../errors.js';
import { classifyStatement } from './classify.js';
import type { SchemaItem } from './schema.js';
import { splitStatements } from './splitter.js';

export type SchemaStatement =
  /** an unnamed item has name '' (the server will generate one) */
  | { op: 'create'; item: SchemaItem; ifNotExists: boolean }
  | { op: 'drop'; kind: SchemaItem['kind']; name: string; ifExists: boolean };

type Token = { t: 'word' | 'name' | 'string' | 'number' | 'punct' | 'param'; v: string };

/** Thrown inside the parser; the callers turn it into a NeomigError naming the file and line. */
class ParseError extends Error {}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '/' && text[i + 1] === '/') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i + 2) < 0 ? text.length : text.indexOf('*/', i + 2) + 2;
    else if (c === '`') {
      let v = '';
      let k = i + 1;
      for (; k < text.length; k++) {
        if (text[k] === '`' && text[k + 1] === '`') (v += '`'), k++;
        else if (text[k] === '`') break;
        else v += text[k];
      }
      out.push({ t: 'name', v });
      i = k + 1;
    } else if (c === "'" || c === '"') {
      let v = '';
      let k = i + 1;
      for (; k < text.length && text[k] !== c; k++) {
        if (text[k] === '\\') {
          const e = text[++k] ?? '';
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e;
        } else v += text[k];
      }
      out.push({ t: 'string', v });
      i = k + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? '') && /[[{:,(]\s*$|^\s*$/.test(text.slice(0, i)))) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i))!;
      out.push({ t: 'number', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(text.slice(i))!;
      out.push({ t: 'param', v: m[0] });
      i += m[0].length;
    } else if (c === ':' && text[i + 1] === ':') {
      out.push({ t: 'punct', v: '::' });
      i += 2;
    } else {
      out.push({ t: 'punct', v: c });
      i++;
    }
  }
  return out;
}

class Reader {
  private k = 0;
  constructor(private readonly tokens: Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.k + offset];
  }
  done(): boolean {
    return this.k >= this.tokens.length;
  }
  next(): Token {
    const t = this.tokens[this.k++];
    if (!t) throw new ParseError('the statement ends too early');
    return t;
  }
  isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.t === 'word' && t.v.toUpperCase() === word;
  }
  acceptWord(...words: string[]): boolean {
    if (!words.every((w, i) => this.isWord(w, i))) return false;
    this.k += words.length;
    return true;
  }
  expectWord(...words: string[]): void {
    if (this.acceptWord(...words)) return;
    throw new ParseError(`expected ${words.join(' ')} where it says ${this.peek()?.v ?? 'nothing'}`);
  }
  isPunct(p: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.t === 'punct' && t.v === p;
  }
  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.k++;
    return true;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw new ParseError(`expected "${p}" where it says ${this.peek()?.v ?? 'nothing'}`);
  }
  /** an identifier: a bare word or a backtick name */
  name(): string {
    const t = this.next();
    if (t.t !== 'word' && t.t !== 'name') throw new ParseError(`expected a name where it says ${t.v}`);
    return t.v;
  }
}

const INDEX_TYPES = ['RANGE', 'TEXT', 'POINT', 'LOOKUP', 'FULLTEXT', 'VECTOR', 'BTREE'];

/**
 * One statement as a schema change, or null when it is not a CREATE/DROP of a constraint or index.
 * Throws (ParseError, see parseSchemaStatement) when it is one but neomig cannot read it.
 */
function readStatement(text: string): SchemaStatement | null {
  const r = new Reader(tokenize(text));
  // query options in front: CYPHER 5, CYPHER 25
  while (r.isWord('CYPHER')) {
    r.next();
    if (r.peek()?.t === 'number') r.next();
  }
  // a USE clause names the database, not the change
  if (r.acceptWord('USE')) {
    r.name();
    while (r.acceptPunct('.')) r.name();
  }
  if (r.acceptWord('DROP')) {
    const kind = r.acceptWord('CONSTRAINT') ? 'constraint' : r.acceptWord('INDEX') ? 'index' : null;
    if (!kind) return null;
    if (r.isWord('ON')) throw new ParseError('DROP … ON is the syntax of Neo4j 4; drop the item by its name');
    const name = r.name();
    const ifExists = r.acceptWord('IF', 'EXISTS');
    return { op: 'drop', kind, name, ifExists };
  }
  if (!r.acceptWord('CREATE')) return null;
  if (r.acceptWord('OR', 'REPLACE')) throw new ParseError('CREATE OR REPLACE is not supported for constraints and indexes');
  const t = r.peek();
  const indexType = t?.t === 'word' && INDEX_TYPES.includes(t.v.toUpperCase()) && r.isWord('INDEX', 1) ? t.v.toUpperCase() : null;
  if (indexType) r.next();
  const kind = r.acceptWord('CONSTRAINT') ? 'constraint' : r.acceptWord('INDEX') ? 'index' : null;
  if (!kind || (indexType && kind !== 'index')) return null;
  let name = '';
  if (!r.isWord('FOR') && !(r.isWord('IF') && r.isWord('NOT', 1))) {
    if (r.peek()?.t === 'param') throw new ParseError('a name given as a parameter cannot be read; write the name');
    name = r.name();
  }
  const ifNotExists = r.acceptWord('IF', 'NOT', 'EXISTS');
  r.expectWord('FOR');
  const target = pattern(r);
  const item: SchemaItem = {
    kind,
    name,
    type: '',
    entityType: target.entityType,
    labelsOrTypes: target.labels,
    properties: [],
    propertyType: null,
    options: null,
    createStatement: null,
  };
  if (kind === 'constraint') constraintBody(r, item, target.variable);
  else indexBody(r, item, target.variable, indexType === 'BTREE' ? 'RANGE' : (indexType ?? 'RANGE'));
  if (r.acceptWord('OPTIONS')) item.options = literal(r) as Record<string, unknown>;
  if (!r.done() && !r.isPunct(';')) throw new ParseError(`unexpected ${r.peek()!.v} after the definition`);
  return { op: 'create', item, ifNotExists };
}

/** `(n:Label)`, `(n:A|B)`, `(n)`, `()-[r:TYPE]-()`, `()-[r:TYPE]->()`, `()<-[r]-()` */
function pattern(r: Reader): { entityType: SchemaItem['entityType']; labels: string[]; variable: string } {
  r.expectPunct('(');
  if (r.acceptPunct(')')) {
    r.acceptPunct('<');
    r.expectPunct('-');
    r.expectPunct('[');
    const variable = r.isPunct(':') ? '' : r.name();
    const labels = r.acceptPunct(':') ? labelList(r) : [];
    r.expectPunct(']');
    r.expectPunct('-');
    r.acceptPunct('>');
    r.expectPunct('(');
    r.expectPunct(')');
    return { entityType: 'RELATIONSHIP', labels, variable };
  }
  const variable = r.isPunct(':') ? '' : r.name();
  const labels = r.acceptPunct(':') ? labelList(r) : [];
  r.expectPunct(')');
  return { entityType: 'NODE', labels, variable };
}

function labelList(r: Reader): string[] {
  const labels = [r.name()];
  while (r.acceptPunct('|') || r.acceptPunct(':')) labels.push(r.name());
  return labels;
}

/** `n.p` */
function property(r: Reader, variable: string): string {
  const v = r.name();
  if (variable && v !== variable) throw new ParseError(`${v}.… names another variable than ${variable}`);
  r.expectPunct('.');
  return r.name();
}

/** `n.p` or `(n.p, n.q)` */
function properties(r: Reader, variable: string, open = '(', close = ')'): string[] {
  if (!r.acceptPunct(open)) return [property(r, variable)];
  const out = [property(r, variable)];
  while (r.acceptPunct(',')) out.push(property(r, variable));
  r.expectPunct(close);
  return out;
}

function constraintBody(r: Reader, item: SchemaItem, variable: string): void {
  r.expectWord('REQUIRE');
  item.properties = properties(r, variable);
  r.expectWord('IS');
  const rel = item.entityType === 'RELATIONSHIP';
  if (r.acceptWord('NOT', 'NULL')) item.type = rel ? 'RELATIONSHIP_PROPERTY_EXISTENCE' : 'NODE_PROPERTY_EXISTENCE';
  else if (r.isPunct('::') || r.isWord('TYPED')) {
    r.next();
    item.type = rel ? 'RELATIONSHIP_PROPERTY_TYPE' : 'NODE_PROPERTY_TYPE';
    item.propertyType = propertyType(r);
  } else {
    r.acceptWord('NODE') || r.acceptWord('RELATIONSHIP') || r.acceptWord('REL');
    if (r.acceptWord('UNIQUE')) item.type = rel ? 'RELATIONSHIP_UNIQUENESS' : 'UNIQUENESS';
    else if (r.acceptWord('KEY')) item.type = rel ? 'RELATIONSHIP_KEY' : 'NODE_KEY';
    else throw new ParseError(`unknown constraint predicate IS ${r.peek()?.v ?? ''}`);
  }
}

// longer forms first, so TIMESTAMP WITH TIME ZONE is read before TIME WITH TIME ZONE
const TYPE_ALIASES: [RegExp, string][] = [
  ['TIMESTAMP WITHOUT TIME ZONE', 'LOCAL DATETIME'],
  ['TIMESTAMP WITH TIME ZONE', 'ZONED DATETIME'],
  ['TIME WITHOUT TIME ZONE', 'LOCAL TIME'],
  ['TIME WITH TIME ZONE', 'ZONED TIME'],
  ['SIGNED INTEGER', 'INTEGER'],
  ['INT', 'INTEGER'],
  ['BOOL', 'BOOLEAN'],
  ['VARCHAR', 'STRING'],
  ['ARRAY', 'LIST'],
].map(([alias, name]) => [new RegExp(`(?<=^|<|\\| )${alias}\\b`, 'g'), name as string]);

/** The type of a property type constraint, written the way SHOW CONSTRAINTS reports it (`INTEGER | FLOAT`). */
function propertyType(r: Reader): string {
  const words: string[] = [];
  while (!r.done() && !r.isWord('OPTIONS') && !r.isPunct(';')) words.push(r.next().v.toUpperCase());
  let text = words.join(' ').replace(/\s*([<>|])\s*/g, '$1').replace(/\|/g, ' | ');
  for (const [alias, name] of TYPE_ALIASES) text = text.replace(alias, name);
  return text;
}

function indexBody(r: Reader, item: SchemaItem, variable: string, type: string): void {
  item.type = type;
  r.expectWord('ON');
  if (type === 'LOOKUP') {
    r.expectWord('EACH');
    r.name();
    r.expectPunct('(');
    r.name();
    r.expectPunct(')');
    return;
  }
  if (r.acceptWord('EACH')) {
    item.properties = properties(r, variable, '[', ']');
    return;
  }
  item.properties = properties(r, variable);
}

/** A Cypher literal: map, list, string, number, boolean or null. */
function literal(r: Reader): unknown {
  const t = r.next();
  if (t.t === 'string') return t.v;
  if (t.t === 'number') return Number(t.v);
  if (t.t === 'word') {
    const w = t.v.toLowerCase();
    if (w === 'true' || w === 'false') return w === 'true';
    if (w === 'null') return null;
  }
  if (t.t === 'punct' && t.v === '[') {
    const list: unknown[] = [];
    if (r.acceptPunct(']')) return list;
    do list.push(literal(r));
    while (r.acceptPunct(','));
    r.expectPunct(']');
    return list;
  }
  if (t.t === 'punct' && t.v === '{') {
    const map: Record<string, unknown> = {};
    if (r.acceptPunct('}')) return map;
    do {
      const key = r.name();
      r.expectPunct(':');
      map[key] = literal(r);
    } while (r.acceptPunct(','));
    r.expectPunct('}');
    return map;
  }
  throw new ParseError(`expected a literal value where it says ${t.v}`);
}

export interface StatementPlace {
  file?: string;
  line?: number;
}

/** One statement as a schema change, or null when it is not a CREATE/DROP of a constraint or index. */
export function parseSchemaStatement(text: string, place: StatementPlace = {}): SchemaStatement | null {
  try {
    return readStatement(text);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    const where = [place.file, place.line].filter((x) => x !== undefined).join(':');
    throw new NeomigError('MIGRATION_FILE', `${where ? `${where}: ` : ''}cannot read this schema statement: ${e.message}`, {
      ...(place.file ? { file: place.file } : {}),
      ...(place.line ? { line: place.line } : {}),
      statementText: text.slice(0, 200),
      hint: 'Write it the way SHOW CONSTRAINTS / SHOW INDEXES do (createStatement), '
        + 'e.g. CREATE INDEX book_title FOR (n:Book) ON (n.title).',
    });
  }
}

/**
 * The desired schema of a `schema.cypher` file: one CREATE CONSTRAINT/INDEX per statement. Anything
 * else in the file (data writes, DROP) is an error naming its line: the file says what should exist.
 */
export function parseSchemaFile(text: string, file: string): SchemaItem[] {
  const items: SchemaItem[] = [];
  for (const s of splitStatements(text, file)) {
    const parsed = parseSchemaStatement(s.text, { file, line: s.line });
    if (!parsed || parsed.op !== 'create') {
      const message = `${file}:${s.line}: a schema file holds only CREATE CONSTRAINT and CREATE INDEX statements`;
      throw new NeomigError('MIGRATION_FILE', message, {
        file,
        line: s.line,
        hint: 'Move data statements and DROPs into a migration; the schema file says what should exist.',
      });
    }
    const twin = parsed.item.name ? items.find((i) => i.name === parsed.item.name) : undefined;
    if (twin) {
      throw new NeomigError('MIGRATION_FILE', `${file}:${s.line}: ${parsed.item.name} is defined twice`, {
        file,
        line: s.line,
        hint: 'Give each constraint and index its own name.',
      });
    }
    items.push(parsed.item);
  }
  return items;
}

/** What a Cypher script changes in the schema, statement by statement; the ones neomig cannot read are
 *  returned apart (a schema procedure, a form it does not know) so drift can say it is incomplete. */
export function schemaChangesOf(statements: { text: string; line: number }[]): {
  changes: SchemaStatement[];
  unreadable: number[];
} {
  const changes: SchemaStatement[] = [];
  const unreadable: number[] = [];
  for (const s of statements) {
    if (classifyStatement(s.text).kind !== 'schema') continue;
    try {
      const parsed = readStatement(s.text);
      if (parsed) changes.push(parsed);
      else unreadable.push(s.line);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      unreadable.push(s.line);
    }
  }
  return { changes, unreadable };
}
