/**
 * Migration file names: `V<version>__<description>.up.cypher` / `.down.cypher` (paired),
 * `V…__….cypher` / `U…__….cypher` (Flyway style) and `V…__….ts|.mts|.js|.mjs` (module).
 * Repeatables are named the same way without a version: `R__<description>.cypher` (or `.up.cypher`)
 * with an optional `R__<description>.down.cypher` or `U__<description>.cypher`, or `R__<description>.ts`.
 */
import { NeomigError } from '../errors.js';
import { REPEATABLE_PREFIX } from './repeatable.js';
import type { MigrationType } from './types.js';
import { parseVersion } from './version.js';

export interface ParsedFileName {
  /** the file name as given */
  file: string;
  /** normalized semver; for a repeatable its key, `R__<description as written>` (see core/repeatable.ts) */
  version: string;
  /** the version as the name spells it ("0007" for 7.0.0); not for a repeatable */
  spelled?: string;
  /** the description part, `_` shown as a space */
  description: string;
  type: MigrationType;
  /** `module`: a TS/JS file that holds both up and down */
  role: 'up' | 'down' | 'module';
  style: 'paired' | 'flyway' | 'module';
  /** an `R__` file (or the `U__` down of one): no version, run again whenever it changes */
  repeatable?: boolean;
}

const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
// Declaration files and source maps sit next to compiled migrations; they are never migrations.
const NEVER_MIGRATIONS = /\.d\.[cm]?ts$|\.map$/;
const CYPHER_HINT = 'Name it like V1.2.0__add_books.up.cypher with V1.2.0__add_books.down.cypher, or V1.2.0__add_books.cypher with U1.2.0__add_books.cypher';
const MODULE_HINT = 'Name it like V1.2.0__add_books.ts (one module exporting up and down)';
const REPEATABLE_HINT =
  'Name it like R__refresh_views.cypher (with R__refresh_views.down.cypher or U__refresh_views.cypher as its down), ' +
  'or R__refresh_views.ts';

/** Reads a migration file name; null for files that are not migrations, throws for malformed ones. */
export function parseMigrationFileName(name: string): ParsedFileName | null {
  if (NEVER_MIGRATIONS.test(name)) return null;
  const ext = extensionOf(name);
  const prefix = name[0];
  const repeatable = /^[RU]__/.test(name);
  const looksVersioned = /^[VUvu]\d/.test(name);
  if (!looksVersioned && !repeatable) return null;

  const fail = (problem: string, hint: string): never => {
    throw new NeomigError('MIGRATION_FILE', `Migration file name "${name}" ${problem}`, { file: name, hint });
  };

  if (ext === null) {
    // Only names that also carry the `__` separator clearly mean to be migrations; "V2 notes.txt" does not.
    if (/\.(cjs|cts)$/.test(name) && name.includes('__')) fail('uses a CommonJS extension', MODULE_HINT);
    return null;
  }
  const isCypher = ext === '.cypher';
  const hint = repeatable ? REPEATABLE_HINT : isCypher ? CYPHER_HINT : MODULE_HINT;
  if (prefix === 'v' || prefix === 'u') fail(`must start with an upper-case ${prefix.toUpperCase()}`, hint);

  let stem = name.slice(0, -ext.length);
  let role: ParsedFileName['role'] = isCypher ? 'up' : 'module';
  let style: ParsedFileName['style'] = isCypher ? 'flyway' : 'module';
  const pairedRole = /\.(up|down)$/.exec(stem)?.[1] as 'up' | 'down' | undefined;
  if (pairedRole !== undefined) {
    if (!isCypher) fail(`has ".${pairedRole}": a ${ext} module holds both up and down in one file`, repeatable ? hint : MODULE_HINT);
    if (prefix === 'U') fail(`mixes the U prefix with ".${pairedRole}"`, hint);
    stem = stem.slice(0, -(pairedRole.length + 1));
    role = pairedRole;
    style = 'paired';
  } else if (prefix === 'U') {
    if (!isCypher) fail('uses the U (down) prefix, which only Cypher files take', repeatable ? hint : MODULE_HINT);
    role = 'down';
  }
  if (repeatable) {
    const description = describe(stem.slice(3));
    if (description === '') fail('has an empty description', hint);
    const key = REPEATABLE_PREFIX + stem.slice(3);
    const type = isCypher ? 'cypher' : 'typescript';
    return { file: name, version: key, description, type, role, style, repeatable: true };
  }

  const sep = stem.indexOf('__');
  if (sep < 0) fail('has no "__" between the version and the description', hint);
  const rawVersion = stem.slice(1, sep);
  const version = parseVersion(rawVersion);
  if (version === null) {
    fail(`has "${rawVersion}", which is not a version (use 1, 1.2, 1.2.0, 1_2_0, 0001 or 1.2.0-rc.1)`, hint);
  }
  const description = describe(stem.slice(sep + 2));
  if (description === '') fail('has an empty description', hint);

  return { file: name, version: version as string, spelled: rawVersion, description, type: isCypher ? 'cypher' : 'typescript', role, style };
}

/** The file names `neomig create` writes for a new migration (paired Cypher, or one TS module). The
 *  version is spelled in full semver ("V1.3.0__"), or as `spelled` writes it ("V0008__", in a folder
 *  numbered that way: see nextIntegerSpelling) when that is the same version. */
export function migrationFileNames(version: string, description: string, kind: MigrationType, spelled?: string): string[] {
  const normalized = parseVersion(version);
  if (normalized === null) {
    throw new NeomigError('USAGE', `"${version}" is not a version`, { hint: 'Use a version like 1.3.0' });
  }
  const spelling = spelled !== undefined && parseVersion(spelled) === normalized ? spelled : normalized;
  const base = `V${spelling}__${fileSlug(description)}`;
  return kind === 'cypher' ? [`${base}.up.cypher`, `${base}.down.cypher`] : [`${base}.ts`];
}

/** The file names `neomig create --repeatable` writes: `R__<slug>.cypher` with `R__<slug>.down.cypher`,
 *  or `R__<slug>.ts`. */
export function repeatableFileNames(description: string, kind: MigrationType): string[] {
  const base = `${REPEATABLE_PREFIX}${fileSlug(description)}`;
  return kind === 'cypher' ? [`${base}.cypher`, `${base}.down.cypher`] : [`${base}.ts`];
}

/** A description as a file name part: lower case, ASCII letters and digits, `_` between words. */
export function fileSlug(description: string): string {
  const slug = description
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // so "Ändere" keeps its letters as "andere"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (slug === '') {
    throw new NeomigError('USAGE', `The description "${description}" has no letters or digits to name a file with`, {
      hint: 'Describe the change, e.g. neomig create "add books index"',
    });
  }
  return slug;
}

/** A file name's description part as shown: `_` as a space. */
function describe(raw: string): string {
  return raw.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}

function extensionOf(name: string): string | null {
  if (name.endsWith('.cypher')) return '.cypher';
  return MODULE_EXTENSIONS.find((e) => name.endsWith(e)) ?? null;
}
