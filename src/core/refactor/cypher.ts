/**
 * The Cypher pieces every refactoring is built from: checked, backtick-quoted names; values as
 * parameters (ctx.refactor sends them) or as literals (a Cypher file has no parameters); batched
 * statements; and the target of a property refactoring (nodes of a label, relationships of a type).
 */
import { NeomigError } from '../../errors.js';
import { maskCypher } from '../splitter.js';

export const DEFAULT_BATCH_SIZE = 1000;
/** Labels neomig keeps its history, audit and lock in (the defaults); never touched by a global refactoring. */
export const NEOMIG_LABELS = ['SchemaVersion', 'SchemaVersionEvent', 'NeomigLock'];

/** A label, relationship type or property name: any non-empty text without NUL, quoted in backticks. */
export function name(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value !== value.trim() || value.includes('\u0000')) {
    const problem = `${what} must be a non-empty name without leading or trailing spaces, not ${JSON.stringify(value)}`;
    throw new NeomigError('USAGE', problem, {
      hint: `For example: ${what} Person`,
    });
  }
  return '`' + value.replace(/`/g, '``') + '`';
}

/** A value a Cypher literal can hold: what a property may be set to, or a list of them. */
export type Scalar = string | number | boolean;
export type PropertyValue = Scalar | Scalar[];

/** A Cypher literal for a value; strings are single-quoted with every special character escaped. */
export function literal(value: unknown): string {
  if (typeof value === 'string') {
    const escaped = value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    return "'" + escaped.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + "'";
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new NeomigError('USAGE', `${value} cannot be stored in Neo4j`, { hint: 'Use a finite number.' });
    }
    // a whole number stays an INTEGER; 1.0 would be read back as the integer 1 otherwise
    return Number.isInteger(value) ? String(value) : String(value).includes('e') ? value.toExponential() : String(value);
  }
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  throw new NeomigError('USAGE', `${JSON.stringify(value)} is not a value a property can hold`, {
    hint: 'Use a string, a number, a boolean or a list of one of those.',
  });
}

/** Where values go: `$name` with params (ctx.refactor), or literals in the text (Cypher files). */
export class Values {
  readonly params: Record<string, unknown> = {};
  constructor(private readonly inline: boolean) {}
  ref(key: string, value: unknown): string {
    const text = literal(value); // checks the value either way
    if (this.inline) return text;
    this.params[key] = value;
    return `$${key}`;
  }
}

export function batchSizeOf(value: unknown): number {
  const n = value === undefined ? DEFAULT_BATCH_SIZE : Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new NeomigError('USAGE', `batch size must be a whole number of at least 1, not ${String(value)}`, {
      hint: 'For example: --batch-size 5000',
    });
  }
  return n;
}

/** `<match> CALL (<vars>) { <body> } IN TRANSACTIONS OF <n> ROWS`: one auto-committed statement. */
export function batched(match: string, vars: string, body: string, batchSize: number): string {
  return `${match}\nCALL (${vars}) { ${body} } IN TRANSACTIONS OF ${batchSize} ROWS`;
}

/** Nodes of one label (or all but neomig's), or relationships of one type (or all). */
export interface Target {
  entity: 'node' | 'relationship';
  /** the variable: n or r */
  v: 'n' | 'r';
  /** the MATCH pattern binding v */
  pattern: string;
  /** a condition the pattern needs (global node scans leave neomig's own nodes out), or '' */
  filter: string;
  /** for messages: "nodes labelled :Person", "relationships of type :KNOWS" */
  what: string;
}

export interface ScopeOptions {
  /** nodes with this label */
  label?: string;
  /** relationships of this type */
  type?: string;
  /** without label and type: which entities a global refactoring covers (default both) */
  scope?: 'nodes' | 'relationships' | 'all';
  /** labels a global node scan leaves out (default neomig's own) */
  exclude?: string[];
}

/** The entities a property refactoring covers; `global` says whether a scope without label/type is allowed. */
export function targetsOf(o: ScopeOptions, kind: string, global: boolean): Target[] {
  const targets: Target[] = [];
  if (o.label !== undefined) {
    const pattern = `(n:${name(o.label, '--label')})`;
    targets.push({ entity: 'node', v: 'n', pattern, filter: '', what: `nodes labelled :${o.label}` });
  }
  if (o.type !== undefined) {
    const pattern = `()-[r:${name(o.type, '--type')}]->()`;
    targets.push({ entity: 'relationship', v: 'r', pattern, filter: '', what: `relationships of type :${o.type}` });
  }
  if (targets.length > 0) return targets;
  if (!global) {
    throw new NeomigError('USAGE', `${kind} needs --label (nodes) and/or --type (relationships)`, {
      hint: `For example: neomig create ... --refactor ${kind} --label Person ...`,
    });
  }
  const scope = o.scope ?? 'all';
  if (!['nodes', 'relationships', 'all'].includes(scope)) {
    throw new NeomigError('USAGE', `scope must be nodes, relationships or all, not ${JSON.stringify(scope)}`);
  }
  if (scope !== 'relationships') {
    const exclude = (o.exclude ?? NEOMIG_LABELS).map((l) => `NOT n:${name(l, 'excluded label')}`).join(' AND ');
    targets.push({ entity: 'node', v: 'n', pattern: '(n)', filter: exclude, what: 'nodes' });
  }
  if (scope !== 'nodes') {
    targets.push({ entity: 'relationship', v: 'r', pattern: '()-[r]->()', filter: '', what: 'relationships' });
  }
  return targets;
}

/** `MATCH <pattern> WHERE <conditions>`, with the target's own filter. */
export function matchWhere(t: Target, ...conditions: string[]): string {
  const all = [t.filter, ...conditions].filter((c) => c !== '');
  return `MATCH ${t.pattern}${all.length ? ` WHERE ${all.join(' AND ')}` : ''}`;
}

/** A Cypher expression given by a user: one expression, no statement separator, balanced brackets. */
export function expression(text: unknown, what: string): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new NeomigError('USAGE', `${what} must be a Cypher expression`, { hint: "For example: --expression 'toUpper(value)'" });
  }
  const masked = maskCypher(text);
  let depth = 0;
  for (const c of masked) {
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth < 0) break;
  }
  if (masked.includes(';') || depth !== 0) {
    throw new NeomigError('USAGE', `${what} ${JSON.stringify(text)} is not one expression (a ; or an unbalanced bracket)`, {
      hint: "Give one expression over `value`, e.g. --expression 'toUpper(value)'",
    });
  }
  return text.trim();
}
