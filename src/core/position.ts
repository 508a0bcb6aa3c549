/**
 * Neo4j reports a syntax or semantic error at `(line L, column C (offset: O))` counted from the start
 * of the statement it received. A person needs the line and column in the file, and the line itself
 * with a caret under the column; and Neo4j's list of 40 expected tokens needs shortening.
 */
import type { Statement } from './types.js';
import { editDistance } from './words.js';

/** Where Neo4j says an error is, counted from the start of the statement it ran (0-based offset). */
export interface StatementPosition {
  line: number;
  column: number;
  offset: number;
}

/** The same place in the file, and the file line it is on. */
export interface FilePosition {
  /** 1-based file line */
  line: number;
  /** 1-based column in that line */
  column: number;
  /** the line's text (from the statement's first character when the statement starts mid-line) and
   *  the caret's index in it */
  excerpt: { text: string; caret: number };
}

const POSITION = /\s*\(line (\d+), column (\d+) \(offset: (\d+)\)\)/;

/** The position in a Neo4j error message, if it has one. */
export function positionIn(message: string): StatementPosition | undefined {
  const m = POSITION.exec(message);
  return m ? { line: Number(m[1]), column: Number(m[2]), offset: Number(m[3]) } : undefined;
}

/** The message without its `(line …, column … (offset: …))` part. */
export function withoutPosition(message: string): string {
  return message.replace(POSITION, '');
}

/**
 * Maps Neo4j's offset in the statement as sent to the file. What was sent is the statement's text
 * (which starts at its first code character: leading comments and blank lines are not in it) plus the
 * `USE <db> ` clause a `:use` line inserted; an error inside that clause points at where it was put.
 */
export function filePosition(statement: Pick<Statement, 'line' | 'column' | 'text' | 'use'>, sentOffset: number): FilePosition {
  let text = statement.text;
  let offset = Math.max(0, sentOffset);
  if (statement.use) {
    const { at, length } = statement.use;
    text = text.slice(0, at) + text.slice(at + length);
    if (offset >= at + length) offset -= length;
    else if (offset > at) offset = at;
  }
  offset = Math.min(offset, text.length);
  let line = statement.line;
  let lineStart = 0;
  for (let k = 0; k < offset; k++) {
    const c = text[k];
    if (c === '\n' || (c === '\r' && text[k + 1] !== '\n')) {
      line++;
      lineStart = k + 1;
    }
  }
  let lineEnd = lineStart;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const caret = offset - lineStart;
  const column = lineStart === 0 ? (statement.column ?? 1) + caret : caret + 1;
  return { line, column, excerpt: { text: text.slice(lineStart, lineEnd), caret } };
}

// `'CREATE'`, `','`, `<EOF>`, or words like `an expression`, `a database name`
const TOKEN = /'[^']*'|<[^>]*>|[A-Za-z][\w ]*?(?=,| or |$)/g;

/**
 * Shortens Neo4j's "expected 'A', 'B', … or 'Z'" to the first `keep` tokens and a count of the rest,
 * and names a close match of the invalid input first (`CREAT` → did you mean 'CREATE'?).
 */
export function shortenExpected(message: string, keep = 5): string {
  const m = /^(.*?\bexpected:? )(.+?)(\.?)$/s.exec(message);
  if (!m) return message;
  const [, head = '', list = '', end = ''] = m;
  const tokens = list.match(TOKEN)?.map((t) => t.trim()).filter((t) => t !== '') ?? [];
  if (tokens.length === 0) return message;
  const input = /Invalid input '([^']+)'/.exec(head)?.[1];
  const near = input ? closeTokens(input, tokens) : [];
  const hint = near.length ? ` (did you mean ${near.join(' or ')}?)` : '';
  const intro = hint ? head.replace(/:(\s*expected)/, `${hint}:$1`) : head;
  if (tokens.length <= keep + 2) return `${intro}${list}${end}`;
  return `${intro}${tokens.slice(0, keep).join(', ')}, … (${tokens.length - keep} more)${end}`;
}

/** Expected keywords within two edits of what was written, nearest first. */
function closeTokens(input: string, tokens: string[]): string[] {
  if (input.length < 3) return [];
  const word = input.toUpperCase();
  return tokens
    .filter((t) => /^'[A-Z][A-Z ]*'$/.test(t))
    .map((t) => ({ t, d: editDistance(word, t.slice(1, -1)) }))
    .filter(({ d }) => d > 0 && d <= 2)
    .sort((a, b) => a.d - b.d)
    .slice(0, 2)
    .map(({ t }) => t);
}
