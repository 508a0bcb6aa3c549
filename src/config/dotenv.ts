/**
 * A `.env` file next to the config (as Prisma and most Node tools read it): `KEY=value` lines, with
 * `export ` allowed, `#` comments, and single-, double- or back-quoted values (double quotes expand
 * \n, \t and escaped quotes; quoted values may span lines). Our own small reader rather than
 * `process.loadEnvFile`, which Node 20 has only from 20.12 and which writes to process.env directly.
 * Nothing here ever prints a value.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;
const QUOTES = ['"', "'", '`'];

export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const match = ASSIGNMENT.exec(lines[i]!);
    if (!match) continue; // blank lines, comments, anything that is not an assignment
    const [, key, raw] = match as unknown as [string, string, string];
    const quote = raw[0];
    if (quote !== undefined && QUOTES.includes(quote)) {
      let body = raw.slice(1);
      let end = closingQuote(body, quote);
      while (end === -1 && i + 1 < lines.length) {
        body += `\n${lines[++i]}`;
        end = closingQuote(body, quote);
      }
      const value = end === -1 ? body : body.slice(0, end);
      vars[key] = quote === '"' ? unescape(value) : value;
    } else {
      vars[key] = raw.replace(/(^|\s)#.*$/, '').trim();
    }
  }
  return vars;
}

/** The variables of `file`, or null when there is no such file. */
export function readDotenv(file: string): Record<string, string> | null {
  if (!existsSync(file) || !statSync(file).isFile()) return null;
  return parseDotenv(readFileSync(file, 'utf8'));
}

function closingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function unescape(value: string): string {
  const map: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
  return value.replace(/\\(.)/g, (_, c: string) => map[c] ?? c);
}
