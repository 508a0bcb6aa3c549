/**
 * `${name}` placeholders in Cypher migrations, filled from the config (`placeholders`, per
 * environment), `NEOMIG_PLACEHOLDER_<NAME>` and the built-ins `${neomig:database}`, `${neomig:user}`
 * and `${neomig:version}`. Pure: the values arrive already merged (see config/resolve.ts).
 *
 * Where a placeholder is replaced, read with the splitter's own knowledge of Cypher:
 * - in code and inside backtick names (`` :`${label}` ``): always; unresolved is an error;
 * - inside a string literal: only when its name is declared in `placeholdersInStrings` (`*`: every
 *   name), since `'${x}'` is as likely to be data as a placeholder; an undeclared one stays as written;
 * - inside a comment: never.
 * The checksum is taken of the text before substitution, so environments with different values share
 * one history; the texts recorded in the history stay unsubstituted and are filled again when they run.
 */
import { NeomigError } from '../errors.js';
import { endOfName, endOfString } from './splitter.js';

export const BUILTIN_PREFIX = 'neomig:';
const BUILTINS = ['database', 'user', 'version'] as const;

export interface PlaceholderContext {
  /** user placeholders (config merged with env vars) */
  values: Readonly<Record<string, string>>;
  /** names also replaced inside string literals; `*` for every name */
  inStrings: readonly string[];
  /** `${neomig:database}`: the target database */
  database: string;
  /** `${neomig:user}`: the user neomig connects as */
  user: string;
}

export interface PlaceholderUse {
  name: string;
  /** offset of the `$` */
  offset: number;
  /** length of `${name}` */
  length: number;
  /** 1-based */
  line: number;
  where: 'code' | 'name' | 'string' | 'comment';
}

const PLACEHOLDER = /^\$\{([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\}/;

/** Every `${name}` in a Cypher text, with where it stands (code, backtick name, string, comment). */
export function findPlaceholders(text: string): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  let line = 1;
  let lineAt = 0; // offset up to which `line` is counted
  const lineOf = (offset: number) => {
    for (; lineAt < offset; lineAt++) {
      const c = text[lineAt];
      if (c === '\n' || (c === '\r' && text[lineAt + 1] !== '\n')) line++;
    }
    return line;
  };
  const scan = (from: number, to: number, where: PlaceholderUse['where']) => {
    for (let k = text.indexOf('${', from); k >= 0 && k < to; k = text.indexOf('${', k + 2)) {
      const m = PLACEHOLDER.exec(text.slice(k, to));
      if (m) uses.push({ name: m[1]!, offset: k, length: m[0].length, line: lineOf(k), where });
    }
  };
  let i = 0;
  let code = 0; // start of the current stretch of code
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    let end = -1;
    let where: PlaceholderUse['where'] | null = null;
    if (c === "'" || c === '"') [end, where] = [endOfString(text, i), 'string'];
    else if (c === '`') [end, where] = [endOfName(text, i), 'name'];
    else if (c === '/' && next === '/') {
      end = i;
      while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
      where = 'comment';
    } else if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      [end, where] = [close < 0 ? -1 : close + 1, 'comment'];
    }
    if (where === null) {
      i++;
      continue;
    }
    scan(code, i, 'code');
    // unterminated: the splitter reports it with its line; here the rest counts as that part
    const stop = end < 0 ? text.length : end + 1;
    scan(i, stop, where);
    i = code = stop;
  }
  scan(code, text.length, 'code');
  return uses;
}

/** Whether the text holds a `${name}` anywhere (cheap test before the full scan). */
export function mayHavePlaceholders(text: string): boolean {
  return text.includes('${');
}

/**
 * The text with its placeholders filled. `version` is the migration's version (or repeatable key)
 * for `${neomig:version}`. Throws MIGRATION_FILE naming the file and line of the first placeholder
 * that has no value.
 */
export function substitutePlaceholders(text: string, file: string, version: string, ctx: PlaceholderContext): string {
  if (!mayHavePlaceholders(text)) return text;
  let out = '';
  let from = 0;
  for (const use of findPlaceholders(text)) {
    if (use.where === 'comment') continue;
    if (use.where === 'string' && !declaredInStrings(use.name, ctx)) continue;
    const value = valueOf(use.name, version, ctx);
    if (value === undefined) throw unresolved(use, file, ctx);
    out += text.slice(from, use.offset) + value;
    from = use.offset + use.length;
  }
  return out + text.slice(from);
}

/** The env var that sets a placeholder: `NEOMIG_PLACEHOLDER_` and the name upper-cased, `.`/`-` as `_`. */
export function placeholderEnvVar(name: string): string {
  return `NEOMIG_PLACEHOLDER_${envKey(name)}`;
}

export function envKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function declaredInStrings(name: string, ctx: PlaceholderContext): boolean {
  return ctx.inStrings.includes('*') || ctx.inStrings.includes(name);
}

function valueOf(name: string, version: string, ctx: PlaceholderContext): string | undefined {
  if (name.startsWith(BUILTIN_PREFIX)) {
    switch (name.slice(BUILTIN_PREFIX.length)) {
      case 'database':
        return ctx.database;
      case 'user':
        return ctx.user;
      case 'version':
        return version;
      default:
        return undefined;
    }
  }
  if (Object.hasOwn(ctx.values, name)) return ctx.values[name];
  // a value set as NEOMIG_PLACEHOLDER_LABEL arrives keyed LABEL: the env var's spelling of the name
  const key = envKey(name);
  const match = Object.keys(ctx.values).find((k) => envKey(k) === key);
  return match === undefined ? undefined : ctx.values[match];
}

function unresolved(use: PlaceholderUse, file: string, ctx: PlaceholderContext): NeomigError {
  const builtin = use.name.startsWith(BUILTIN_PREFIX);
  const known = Object.keys(ctx.values);
  return new NeomigError('MIGRATION_FILE', `${file}:${use.line}: placeholder \${${use.name}} has no value`, {
    file,
    line: use.line,
    hint: builtin
      ? `The built-in placeholders are ${BUILTINS.map((b) => `\${${BUILTIN_PREFIX}${b}}`).join(', ')}.`
      : `Set placeholders.${use.name} in the config (or under environments.<name>.placeholders), or the env var ` +
        `${placeholderEnvVar(use.name)}. Known: ${known.length ? known.join(', ') : 'none'}.`,
  });
}
