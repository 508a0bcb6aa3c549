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
  /** 1-based column of that character */
  column: number;
  /** from the first code character to just before its `;`, right-trimmed; inner comments kept */
  text: string;
}

/** A cypher-shell command line (`:begin`, `:use neo4j`, `:param x => 1`) found where a statement could start. */
export interface ScriptCommand {
  /** 1-based line of the command */
  line: number;
  /** the command's name, lower-cased, without its colon: `begin`, `use`, `param` */
  name: string;
  /** what follows the name on its line, trimmed, without a trailing `;` */
  argument: string;
  /** the command as written, trimmed, without a trailing `;` */
  text: string;
}

export type ScriptPart = ({ type: 'statement' } & SplitStatement) | ({ type: 'command' } & ScriptCommand);

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

/** The statements of a Cypher script, split on `;` outside strings, backtick names and comments
 *  (command lines such as `:begin` are left out; splitScript() returns them too). */
export function splitStatements(text: string, file?: string): SplitStatement[] {
  return splitScript(text, file).flatMap(({ type, ...rest }) => (type === 'statement' ? [rest as SplitStatement] : []));
}

/**
 * A Cypher script's statements and cypher-shell command lines, in file order. A command is a line
 * that starts with `:` and a letter where a statement could start; it ends at its line's end (or an
 * optional `;`). A `\;` outside strings and comments is refused: it is not Cypher, and a file written
 * for a tool that reads it as an escaped `;` would be split differently here.
 */
export function splitScript(text: string, file?: string): ScriptPart[] {
  const masked = maskCypher(text, file);
  const lineAt = lineCounter(text);
  const escaped = masked.indexOf('\\;');
  if (escaped >= 0) {
    const line = lineAt(escaped);
    throw new NeomigError('MIGRATION_FILE', `${file ? `${file}:${line}` : `line ${line}`}: \\; is not Cypher`, {
      ...(file ? { file } : {}),
      line,
      hint: 'End a statement with a plain `;`. A `;` inside a string or a comment needs no escape.',
    });
  }
  const parts: ScriptPart[] = [];
  let index = 0;
  let from = 0;
  while (from <= text.length) {
    const start = firstCodeChar(masked, from, text.length);
    if (start < 0) break;
    if (masked[start] === ';') {
      from = start + 1; // an empty statement
      continue;
    }
    const line = lineAt(start);
    if (masked[start] === ':' && /[A-Za-z]/.test(masked[start + 1] ?? '')) {
      let end = start;
      while (end < text.length && !'\r\n;'.includes(masked[end] as string)) end++;
      // the original text (a backtick name keeps its contents), up to where the masked text ends (no comment)
      const written = text.slice(start, start + masked.slice(start, end).trimEnd().length);
      const [, name = '', argument = ''] = /^:([A-Za-z][\w-]*)\s*(.*)$/s.exec(written) ?? [];
      parts.push({ type: 'command', line, name: name.toLowerCase(), argument: argument.trim(), text: written });
      from = masked[end] === ';' ? end + 1 : end;
      continue;
    }
    let to = masked.indexOf(';', start);
    if (to < 0) to = text.length;
    const body = masked.slice(start, to);
    const inside = /^[ \t]*:(begin|commit|rollback)[ \t\r]*$/im.exec(body);
    if (inside) {
      const at = lineAt(start + inside.index + inside[0].indexOf(':'));
      const where = file ? `${file}:${at}` : `line ${at}`;
      throw new NeomigError('MIGRATION_FILE', `${where}: :${inside[1]} stands inside the statement that starts at line ${line}`, {
        ...(file ? { file } : {}),
        line: at,
        hint: `End the statement before :${inside[1]} with \`;\`.`,
      });
    }
    parts.push({ type: 'statement', index: ++index, line, column: columnAt(text, start), text: text.slice(start, to).trimEnd() });
    from = to + 1;
  }
  return parts;
}

/** The 1-based column of an offset; CRLF, LF and lone CR each end a line. */
function columnAt(text: string, offset: number): number {
  let k = offset;
  while (k > 0 && text[k - 1] !== '\n' && text[k - 1] !== '\r') k--;
  return offset - k + 1;
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
export function endOfString(text: string, open: number): number {
  const quote = text[open];
  for (let k = open + 1; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === quote) return k;
  }
  return -1;
}

/** Offset of the closing backtick; a doubled backtick is a literal one. -1 when never closed. */
export function endOfName(text: string, open: number): number {
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
