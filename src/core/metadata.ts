/**
 * Migration metadata: the YAML block at the top of a Cypher file, or the fields of a TS
 * `defineMigration({...})`, checked and turned into a MigrationMeta.
 */
import semver from 'semver';
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import { NeomigError } from '../errors.js';
import type { MigrationMeta, Requirements, TransactionMode } from './types.js';
import { parseVersion, stripLeadingZeros } from './version.js';

const META_KEYS = ['description', 'dependsOn', 'requires', 'assume', 'validate', 'transaction', 'timeout', 'irreversible', 'schemaProcedures'] as const;
const HANDLER_KEYS = ['up', 'down'];
const REQUIRES_KEYS = ['neo4j', 'edition', 'procedures', 'query'];
const TRANSACTION_MODES: TransactionMode[] = ['auto', 'migration', 'statement', 'implicit'];
const FENCE = /^\/\/ ---[ \t]*$/;

const EXAMPLE = '// ---\n// description: add books\n// dependsOn: ["1.1.0"]\n// transaction: auto\n// ---';

export interface NormalizeOptions {
  /** a TS migration's fields: `up` and `down` are handlers, not metadata */
  allowHandlers?: boolean;
}

/** The YAML between the leading `// ---` lines of a Cypher file; `line` is the file line of its first YAML line. */
export function extractMetadataBlock(text: string, file: string): { yaml: string; line: number } | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let open = -1;
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k] as string;
    if (FENCE.test(l)) {
      open = k;
      break;
    }
    // Only blank lines and comments (a licence header, say) may come before the block.
    if (l.trim() !== '' && !l.trimStart().startsWith('//')) return null;
  }
  if (open < 0) return null;
  const yaml: string[] = [];
  for (let k = open + 1; k < lines.length; k++) {
    const l = lines[k] as string;
    if (FENCE.test(l)) return { yaml: yaml.join('\n'), line: open + 2 };
    const body = /^\s*\/\/ ?(.*)$/.exec(l);
    if (body === null && l.trim() !== '') break;
    yaml.push(body?.[1] ?? '');
  }
  throw new NeomigError('MIGRATION_FILE', `${file}: the metadata block opened at line ${open + 1} is not closed by a \`// ---\` line`, {
    file,
    line: open + 1,
    hint: `Every line of the block starts with //, and a line \`// ---\` ends it:\n${EXAMPLE}`,
  });
}

/** The metadata of a Cypher file (defaults when it has no block); throws MIGRATION_FILE naming file and line. */
export function parseCypherMetadata(text: string, file: string): MigrationMeta {
  const block = extractMetadataBlock(text, file);
  if (block === null) return normalizeMeta(undefined, file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(block.yaml, { lineCounter });
  const fileLine = (yamlLine: number) => block.line + yamlLine - 1;
  const error = doc.errors[0];
  if (error) {
    const line = fileLine(error.linePos?.[0].line ?? 1);
    throw new NeomigError('MIGRATION_FILE', `${file}:${line}: the metadata block is not valid YAML: ${error.message.split('\n')[0]}`, {
      file,
      line,
      hint: `Write the block as YAML behind // comments:\n${EXAMPLE}`,
    });
  }
  const keyLines = new Map<string, number>();
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.range) keyLines.set(String(pair.key.value), fileLine(lineCounter.linePos(pair.key.range[0]).line));
    }
  }
  return normalizeWith(doc.toJS(), file, (key) => keyLines.get(key) ?? block.line, {});
}

/** Checks raw metadata (parsed YAML, or a TS migration's fields) and fills in the defaults. */
export function normalizeMeta(raw: unknown, file: string, line?: number, options: NormalizeOptions = {}): MigrationMeta {
  return normalizeWith(raw, file, () => line, options);
}

function normalizeWith(
  raw: unknown,
  file: string,
  lineOf: (key: string) => number | undefined,
  options: NormalizeOptions,
): MigrationMeta {
  const meta: MigrationMeta = { dependsOn: [], validate: [], transaction: 'auto', irreversible: false };
  if (raw === undefined || raw === null) return meta;
  const fail = (key: string, problem: string, hint: string): never => {
    const line = lineOf(key);
    throw new NeomigError('MIGRATION_FILE', `${file}${line !== undefined ? `:${line}` : ''}: metadata ${problem}`, {
      file,
      ...(line !== undefined ? { line } : {}),
      hint,
    });
  };
  if (!isPlainObject(raw)) return fail('', 'must be a mapping of keys to values', `For example:\n${EXAMPLE}`);

  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const expected = (type: string, example: string): never =>
      fail(key, `key "${key}" must be ${type}`, `For example: ${key}: ${example}`);
    switch (key) {
      case 'description':
        if (typeof value !== 'string') expected('a string', 'add books index');
        if ((value as string).trim() !== '') meta.description = (value as string).trim();
        break;
      case 'dependsOn':
        meta.dependsOn = unique(
          (asList(value, (v) => typeof v === 'string' || typeof v === 'number') ??
            expected('a version or a list of versions', '["1.1.0", "1.2.0"]')).map(
            // Numbers are accepted via String(), but YAML reads an unquoted 1.10 as 1.1: quote versions.
            (v) => parseVersion(String(v)) ?? fail(key, `key "dependsOn" has "${String(v)}", which is not a version`, 'For example: dependsOn: ["1.1.0"] (quote versions in YAML: unquoted 1.10 reads as 1.1)'),
          ),
        );
        break;
      case 'requires':
      case 'assume':
        meta[key] = requirements(key, value, (problem, hint) => fail(key, problem, hint));
        break;
      case 'validate':
        meta.validate = (asList(value, isNonEmptyString) ??
          expected('a Cypher query or a list of them', '"MATCH (b:Book) RETURN count(b) > 0 AS valid"')).map((q) => (q as string).trim());
        break;
      case 'transaction':
        if (!TRANSACTION_MODES.includes(value as TransactionMode)) expected(`one of ${TRANSACTION_MODES.join(', ')}`, 'auto');
        meta.transaction = value as TransactionMode;
        break;
      case 'timeout':
        meta.timeoutMs = timeoutMs(value) ?? expected('a positive number of seconds or a duration like "500ms", "30s", "2m"', '30s');
        break;
      case 'irreversible':
        if (typeof value !== 'boolean') expected('true or false', 'true');
        meta.irreversible = value as boolean;
        break;
      case 'schemaProcedures':
        meta.schemaProcedures = unique(
          (asList(value, isProcedureName) ?? expected('a procedure name or a list of them', '[acme.schema.apply, acme.ddl.*]'))
            .map((p) => (p as string).trim()),
        );
        break;
      default:
        if (options.allowHandlers && HANDLER_KEYS.includes(key)) break;
        fail(key, `key "${key}" is not known`, `Allowed keys: ${[...META_KEYS, ...(options.allowHandlers ? HANDLER_KEYS : [])].join(', ')}`);
    }
  }
  return meta;
}

function requirements(name: 'requires' | 'assume', value: unknown, fail: (problem: string, hint: string) => never): Requirements {
  if (!isPlainObject(value)) return fail(`key "${name}" must be a mapping`, `For example: ${name}: { neo4j: ">=5.26", edition: enterprise }`);
  const req: Requirements = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (key === 'neo4j') {
      // Calendar releases are zero-padded ("2025.01"), which strict semver would reject.
      const range = typeof v === 'string' || typeof v === 'number' ? semver.validRange(stripLeadingZeros(String(v))) : null;
      if (range === null) fail(`key "${name}.neo4j" must be a semver range of the server version, not ${JSON.stringify(v)}`, 'For example: neo4j: ">=5.26 || >=2025.1"');
      req.neo4j = stripLeadingZeros(String(v)).trim();
    } else if (key === 'edition') {
      if (v !== 'community' && v !== 'enterprise') fail(`key "${name}.edition" must be community or enterprise`, 'For example: edition: enterprise');
      req.edition = v as Requirements['edition'];
    } else if (key === 'procedures') {
      const list = asList(v, isNonEmptyString);
      if (list === null) fail(`key "${name}.procedures" must be a procedure name or a list of them`, 'For example: procedures: [apoc.create.node]');
      req.procedures = unique((list as string[]).map((p) => p.trim()));
    } else if (key === 'query') {
      const list = asList(v, isNonEmptyString);
      if (list === null) fail(`key "${name}.query" must be a Cypher query returning one boolean, or a list of them`, 'For example: query: "MATCH (b:Book) RETURN count(b) = 0"');
      req.query = (list as string[]).map((q) => q.trim());
    } else {
      fail(`key "${name}.${key}" is not known`, `Allowed keys under ${name}: ${REQUIRES_KEYS.join(', ')}`);
    }
  }
  return req;
}

/** Milliseconds from seconds (a number) or "500ms", "30s", "2m", "1h"; null when not a positive duration. */
function timeoutMs(value: unknown): number | null {
  const factor: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms: number;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
    if (m === null) return null;
    ms = Number(m[1]) * (factor[m[2] ?? 's'] as number);
  } else return null;
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
}

function asList(value: unknown, ok: (v: unknown) => boolean): unknown[] | null {
  const list = Array.isArray(value) ? value : [value];
  return list.every(ok) ? list : null;
}

/** `apoc.schema.assert`, or `acme.schema.*` for a whole namespace. */
export function isProcedureName(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\.\*)?$/.test(v.trim());
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unique<T>(list: T[]): T[] {
  return [...new Set(list)];
}
