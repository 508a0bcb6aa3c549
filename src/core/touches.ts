/**
 * Which labels and relationship types a Cypher statement names in its patterns, and whether it reads
 * them (MATCH, OPTIONAL MATCH, MERGE: it visits every node carrying the label) or only writes them
 * (CREATE, SET, REMOVE). `check` turns this into "touches 4.2 M :Book" from the count store. The text
 * is read through maskCypher, so strings, comments and map values never look like labels.
 */
import { maskCypher } from './splitter.js';

export interface Touch {
  entity: 'node' | 'relationship';
  name: string;
  /** named in a MATCH, OPTIONAL MATCH or MERGE pattern: the statement visits what carries it */
  reads: boolean;
}

const IDENT = String.raw`(?:\`[^\`]*\`|[A-Za-z_][\w]*)`;
const LABELS = String.raw`!?\s*${IDENT}(?:\s*[:|&]+\s*!?\s*${IDENT})*`;
// `(n:A:B {…})`, `(:A|B)`; `-[r:T]->`, `<-[:T|U*1..3]-`; `SET n:A`, `REMOVE n:A`
const NODE = new RegExp(String.raw`\(\s*(?:${IDENT}\s*)?:\s*(${LABELS})`, 'gd');
const RELATIONSHIP = new RegExp(String.raw`-\s*\[\s*(?:${IDENT}\s*)?:\s*(${LABELS})`, 'gd');
const SET_LABEL = new RegExp(String.raw`\b(?:SET|REMOVE)\s+${IDENT}\s*:\s*(${LABELS})`, 'gid');
const CLAUSE = /\b(OPTIONAL\s+MATCH|MATCH|MERGE|CREATE|SET|REMOVE|DELETE|WITH|RETURN|UNWIND|WHERE|FOREACH|CALL|LOAD\s+CSV)\b/gi;
const READING = new Set(['MATCH', 'OPTIONAL MATCH', 'MERGE']);

/** The labels and types a statement's patterns name, each once (read wins over write), in text order. */
export function touchesOf(text: string): Touch[] {
  const masked = maskCypher(text);
  const clauses = [...masked.matchAll(CLAUSE)].map((m) => ({ at: m.index, clause: m[1]!.toUpperCase().replace(/\s+/g, ' ') }));
  const clauseAt = (offset: number) => {
    let found = '';
    for (const c of clauses) {
      if (c.at > offset) break;
      found = c.clause;
    }
    return found;
  };
  const found = new Map<string, Touch>();
  const add = (entity: Touch['entity'], pattern: RegExp) => {
    for (const m of masked.matchAll(pattern)) {
      const [from, to] = m.indices![1]!;
      const reads = READING.has(clauseAt(m.index));
      for (const name of namesIn(text.slice(from, to), masked.slice(from, to))) {
        const key = `${entity}\u0000${name}`;
        const had = found.get(key);
        if (had) had.reads ||= reads;
        else found.set(key, { entity, name, reads });
      }
    }
  };
  add('node', NODE);
  add('relationship', RELATIONSHIP);
  add('node', SET_LABEL);
  return [...found.values()];
}

const WRITE = /\b(CREATE|MERGE|SET|DELETE|REMOVE|FOREACH)\b/i;

/** Whether a statement writes (outside strings and comments): only writes need batching. */
export function writesData(text: string): boolean {
  return WRITE.test(maskCypher(text));
}

/** `A:B`, `A|B`, `A&!B`, `` `odd name` `` as names (the masked text finds them, the original spells them). */
function namesIn(original: string, masked: string): string[] {
  const names: string[] = [];
  for (const m of masked.matchAll(new RegExp(IDENT, 'g'))) {
    const raw = original.slice(m.index, m.index + m[0].length);
    names.push(raw.startsWith('`') ? raw.slice(1, -1).replace(/``/g, '`') : raw);
  }
  return names;
}

/** Labels and relationship types, by name. */
export interface NamedEntities {
  labels: string[];
  types: string[];
}

// `CALL db.x()`, `CALL apoc.create.node(…)`: a procedure may create any label; `CALL {` and `CALL (x) {` are subqueries
const PROCEDURE_CALL = /\bCALL\s+(?![({\s])/i;
// `:$(expr)`, `:$any(…)`, `:$all(…)`: a label or type named at run time
const DYNAMIC = /:\s*\$\s*(?:any|all)?\s*\(/i;

/**
 * Every label and relationship type that statements could give the graph, when their text names them
 * all; null when one names them at run time or calls a procedure. Fingerprints count these instead of
 * asking the server which labels are in use after every migration.
 */
export function namedEntities(texts: string[]): NamedEntities | null {
  const labels = new Set<string>();
  const types = new Set<string>();
  for (const text of texts) {
    const masked = maskCypher(text);
    if (PROCEDURE_CALL.test(masked) || DYNAMIC.test(masked)) return null;
    for (const t of touchesOf(text)) (t.entity === 'node' ? labels : types).add(t.name);
  }
  return { labels: [...labels].sort(), types: [...types].sort() };
}
