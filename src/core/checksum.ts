/**
 * Checksums that survive a Windows checkout or an editor's whitespace habits but catch any real edit.
 */
import { createHash } from 'node:crypto';

/** Drops a leading BOM, turns CRLF/CR into LF, strips trailing whitespace per line and trailing blank lines. */
export function normalizeText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+$/gm, '')
    .replace(/\n+$/, '');
}

/** sha256 hex over the normalized statements, so comments and blank lines between them do not count. */
export function checksumStatements(statements: readonly string[]): string {
  return sha256(statements.map(normalizeText).join('\n;\n'));
}

/** sha256 hex over a TS/JS module's normalized source. */
export function checksumSource(source: string): string {
  return sha256(normalizeText(source));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
