/**
 * Splits a Cypher script into statements. One small lexer knows Cypher's strings, backtick names and
 * comments; the classifier reuses it through maskCypher() so the two can never disagree.
 */
import { NeomigError } from '../errors.js';

export interface SplitStatement {
  /** 1-based among the statements kept */
  index: number;
  /** 1-based line of the statement's first code character */
  line: number;
  /** from the first code character to just before its `;`, right-trimmed; inner comments kept */
  text: string;
}

type Opening = { what: 'string' | 'name' | 'comment'; offset: number; quote: string };

/** The text with comments, string contents and backtick-name contents blanked (same length and line breaks); throws on unterminated ones. */
export function maskCypher(text: string, file?: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "'" || c === '"') {
      const end = endOfString(text, i);
      if (end < 0) unterminated(text, file, { what: 'string', offset: i, quote: c });
      blank(i + 1, end);
      i = end + 1;
    } else if (c === '`') {
      const end = endOfName(text, i);
      if (end < 0) unterminated(text, file, { what: 'name', offset: i, quote: c });
      blank(i + 1, end);
      i = end + 1;
    } else if (c === '/' && next === '/') {
      let end = i;
      while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
      blank(i, end);
      i = end;
    } else if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) unterminated(text, file, { what: 'comment', offset: i, quote: '/*' });
      blank(i, close + 2);
      i = close + 2;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** The statements of a Cypher script, split on `;` outside strings, backtick names and comments. */
export function splitStatements(text: string, file?: string): SplitStatement[] {
  const masked = maskCypher(text, file);
  const lineAt = lineCounter(text);
  const statements: SplitStatement[] = [];
  let from = 0;
  while (from <= text.length) {
    let to = masked.indexOf(';', from);
    if (to < 0) to = text.length;
    const start = firstCodeChar(masked, from, to);
    if (start >= 0) {
      statements.push({ index: statements.length + 1, line: lineAt(start), text: text.slice(start, to).trimEnd() });
    }
    from = to + 1;
  }
  return statements;
}

/** The 1-based line of an offset; CRLF, LF and lone CR each end a line. */
function lineCounter(text: string): (offset: number) => number {
  const starts = [0];
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === '\n' || (c === '\r' && text[k + 1] !== '\n')) starts.push(k + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function firstCodeChar(masked: string, from: number, to: number): number {
  for (let k = from; k < to; k++) if (!/\s/.test(masked[k] as string)) return k;
  return -1;
}

/** Offset of the closing quote; a backslash escapes whatever follows it. -1 when never closed. */
function endOfString(text: string, open: number): number {
  const quote = text[open];
  for (let k = open + 1; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === quote) return k;
  }
  return -1;
}

/** Offset of the closing backtick; a doubled backtick is a literal one. -1 when never closed. */
function endOfName(text: string, open: number): number {
  for (let k = open + 1; k < text.length; k++) {
    if (text[k] !== '`') continue;
    if (text[k + 1] === '`') k++;
    else return k;
  }
  return -1;
}

function unterminated(text: string, file: string | undefined, o: Opening): never {
  const line = lineCounter(text)(o.offset);
  const where = file ? `${file}: ` : '';
  const [what, hint] =
    o.what === 'string'
      ? [`string opened with ${o.quote} at line ${line} is never closed`, `Close it with ${o.quote}; write \\${o.quote} for a quote inside the string.`]
      : o.what === 'name'
        ? [`backtick name opened at line ${line} is never closed`, 'Close it with `; write `` for a backtick inside the name.']
        : [`block comment opened at line ${line} is never closed`, 'Close it with */.'];
  throw new NeomigError('MIGRATION_FILE', `${where}${what}`, { ...(file ? { file } : {}), line, hint });
}
