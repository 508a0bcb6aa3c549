/** How an error is shown: to a person on stderr, or as the `error` member of the JSON document. */
import { describeLocation, isNeomigError } from '../../errors.js';
import type { Paint } from '../output.js';

/** Fields that are rendered on their own line, not in the "details" dump. */
const SHOWN = new Set(['file', 'version', 'statement', 'line', 'column', 'excerpt', 'neo4jCode', 'hint']);

export function errorJson(error: unknown): Record<string, unknown> {
  if (isNeomigError(error)) return { ...error.toJSON() };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'UNEXPECTED', message };
}

export function renderError(error: unknown, paint: Paint, options: { debug?: boolean } = {}): string {
  if (!isNeomigError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    const lines = [`${paint.red(paint.bold('error'))} unexpected: ${message}`];
    lines.push(paint.gray('  This looks like a bug in neomig. Run again with NEOMIG_DEBUG=1 for the stack trace and report it.'));
    if (options.debug && error instanceof Error && error.stack) lines.push(paint.gray(error.stack));
    return lines.join('\n');
  }
  const d = error.details;
  const lines = [`${paint.red(paint.bold('error'))} ${paint.gray(`[${error.code}]`)} ${error.message}`];
  const location = describeLocation(d);
  if (location) lines.push(`  ${paint.gray('at')}     ${location}`);
  if (d.excerpt && d.line !== undefined) lines.push(...caretLines(d.line, d.excerpt, paint));
  if (d.version && !error.message.includes(d.version)) lines.push(`  ${paint.gray('version')} ${d.version}`);
  if (d.neo4jCode) lines.push(`  ${paint.gray('neo4j')}  ${d.neo4jCode}`);
  const cause = error.cause instanceof Error ? error.cause.message.split('\n')[0] : undefined;
  if (cause && !error.message.includes(cause)) lines.push(`  ${paint.gray('cause')}  ${cause}`);
  if (d.hint) lines.push(`  ${paint.cyan('hint')}   ${d.hint.split('\n').join('\n         ')}`);
  if (options.debug) {
    const extra = Object.fromEntries(Object.entries(d).filter(([k]) => !SHOWN.has(k)));
    if (Object.keys(extra).length) lines.push(paint.gray(`  details ${JSON.stringify(extra)}`));
    if (error.stack) lines.push(paint.gray(error.stack));
  }
  return lines.join('\n');
}

/** The offending file line with a caret under the column, as compilers show it. */
export function caretLines(line: number, excerpt: { text: string; caret: number }, paint: Paint): string[] {
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  // keep the line's tabs in the caret line so the caret stands under the same character
  const under = excerpt.text.slice(0, excerpt.caret).replace(/[^\t]/g, ' ');
  return [
    `  ${paint.gray(`${gutter} |`)} ${excerpt.text}`,
    `  ${paint.gray(`${pad} |`)} ${under}${paint.red(paint.bold('^'))}`,
  ];
}
