/**
 * Every setting neomig reads, declared once: its config key, the environment variable and the CLI
 * flag that override it, and how a value is checked. The config validator, the env-var reader and
 * the CLI's option builders all read this table, so a key, a variable and a flag can never drift
 * apart (the way node-pg-migrate shares option names between flags and config).
 */
import type { TransactionMode } from '../core/types.js';

export type ValueKind =
  | { type: 'string'; pattern?: RegExp; patternHint?: string }
  | { type: 'boolean' }
  | { type: 'number'; integer?: boolean; min?: number }
  | { type: 'enum'; values: readonly string[] }
  /** a list of strings; as text (env var), comma-separated */
  | { type: 'list'; pattern?: RegExp; patternHint?: string }
  /** names to strings (numbers and booleans are taken as their text); keys must match `pattern` */
  | { type: 'map'; pattern: RegExp; patternHint: string };

export interface Setting {
  /** dotted key within an environment (top level or `environments.<name>`) */
  key: string;
  kind: ValueKind;
  /** environment variable that overrides the config file */
  env?: string;
  /** long CLI flag (without `--`) that overrides everything */
  flag?: string;
  /** never printed, never copied into error details */
  secret?: boolean;
}

const TRANSACTION_MODES: readonly TransactionMode[] = ['auto', 'migration', 'statement', 'implicit'];
const LABEL: ValueKind = {
  type: 'string',
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  patternHint: 'a label is a letter or `_` followed by letters, digits or `_`',
};

/** Environment variables neomig reads besides the settings' own (see SETTINGS[].env). */
export const ENV = {
  /** path of the config file, like --config */
  config: 'NEOMIG_CONFIG',
  /** environment name, like --env */
  environment: 'NEOMIG_ENV',
  /** prefix of the variables that set placeholders: NEOMIG_PLACEHOLDER_LABEL sets ${label} */
  placeholderPrefix: 'NEOMIG_PLACEHOLDER_',
} as const;

export const SETTINGS: readonly Setting[] = [
  {
    key: 'uri',
    kind: { type: 'string', pattern: /^(bolt|neo4j)(\+s|\+ssc)?:\/\/\S+$/, patternHint: 'use bolt://, bolt+s://, neo4j:// or neo4j+s:// followed by a host' },
    env: 'NEO4J_URI',
    flag: 'uri',
  },
  { key: 'username', kind: { type: 'string' }, env: 'NEO4J_USERNAME', flag: 'username' },
  { key: 'password', kind: { type: 'string' }, env: 'NEO4J_PASSWORD', flag: 'password', secret: true },
  { key: 'database', kind: { type: 'string' }, env: 'NEO4J_DATABASE', flag: 'database' },
  { key: 'connectionTimeoutMs', kind: { type: 'number', integer: true, min: 1 } },
  { key: 'migrations', kind: { type: 'string' }, env: 'NEOMIG_MIGRATIONS', flag: 'migrations' },
  { key: 'outOfOrder', kind: { type: 'boolean' }, env: 'NEOMIG_OUT_OF_ORDER', flag: 'out-of-order' },
  { key: 'allowSchemaDrift', kind: { type: 'boolean' }, env: 'NEOMIG_ALLOW_SCHEMA_DRIFT' },
  { key: 'validateOnMigrate', kind: { type: 'boolean' }, env: 'NEOMIG_VALIDATE_ON_MIGRATE' },
  { key: 'atomic', kind: { type: 'boolean' }, env: 'NEOMIG_ATOMIC', flag: 'atomic' },
  { key: 'transaction', kind: { type: 'enum', values: TRANSACTION_MODES } },
  {
    key: 'schemaProcedures',
    kind: {
      type: 'list',
      pattern: /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\.\*)?$/,
      patternHint: 'a procedure name like acme.schema.apply, or acme.schema.* for a namespace',
    },
    env: 'NEOMIG_SCHEMA_PROCEDURES',
  },
  // Deliberately no env var: enabling a command that wipes the database must be written down.
  { key: 'cleanEnabled', kind: { type: 'boolean' } },
  { key: 'protected', kind: { type: 'boolean' } },
  { key: 'fingerprints', kind: { type: 'boolean' }, env: 'NEOMIG_FINGERPRINTS', flag: 'fingerprints' },
  // Deliberately no env var, like cleanEnabled: verify's ups and downs on this database must be written down.
  { key: 'disposable', kind: { type: 'boolean' } },
  { key: 'installedBy', kind: { type: 'string' }, env: 'NEOMIG_INSTALLED_BY' },
  { key: 'lock.mode', kind: { type: 'enum', values: ['wait', 'fail'] }, env: 'NEOMIG_LOCK_MODE' },
  { key: 'lock.timeoutSeconds', kind: { type: 'number', min: 0 }, env: 'NEOMIG_LOCK_TIMEOUT', flag: 'lock-timeout' },
  { key: 'lock.ttlSeconds', kind: { type: 'number', min: 1 } },
  { key: 'lock.heartbeatSeconds', kind: { type: 'number', min: 0.1 } },
  { key: 'preflight', kind: { type: 'boolean' }, env: 'NEOMIG_PREFLIGHT', flag: 'preflight' },
  { key: 'check.unbatchedRowLimit', kind: { type: 'number', integer: true, min: 1 }, env: 'NEOMIG_UNBATCHED_ROW_LIMIT' },
  {
    key: 'placeholders',
    kind: {
      type: 'map',
      pattern: /^[A-Za-z_][\w.-]*$/,
      patternHint: 'a placeholder name is a letter or `_` followed by letters, digits, `_`, `.` or `-`',
    },
  },
  { key: 'placeholdersInStrings', kind: { type: 'list' }, env: 'NEOMIG_PLACEHOLDERS_IN_STRINGS' },
  { key: 'templates', kind: { type: 'string' }, env: 'NEOMIG_TEMPLATES' },
  { key: 'labels.history', kind: LABEL },
  { key: 'labels.audit', kind: LABEL },
  { key: 'labels.lock', kind: LABEL },
  { key: 'snapshot.beforeUp', kind: { type: 'boolean' }, env: 'NEOMIG_SNAPSHOT_BEFORE_UP', flag: 'snapshot' },
  { key: 'snapshot.restoreOnFailure', kind: { type: 'boolean' }, env: 'NEOMIG_RESTORE_ON_FAILURE', flag: 'restore-on-failure' },
  { key: 'snapshot.dir', kind: { type: 'string' }, env: 'NEOMIG_SNAPSHOT_DIR' },
];

/** The nested objects of an environment (`lock`, `labels`, `check`, `snapshot`). */
export const GROUPS = ['lock', 'labels', 'check', 'snapshot'] as const;

export function settingFor(key: string): Setting | undefined {
  return SETTINGS.find((s) => s.key === key);
}

/** The setting a CLI flag (without `--`) overrides, if it overrides one. */
export function settingForFlag(flag: string): Setting | undefined {
  return SETTINGS.find((s) => s.flag === flag);
}

/** The flag (without `--`) that overrides a config key; the option builders name their flags with it. */
export function flagFor(key: string): string {
  const flag = settingFor(key)?.flag;
  if (!flag) throw new Error(`setting ${key} has no flag`);
  return flag;
}

/** Why `value` does not fit `kind`, or null when it does. Never includes the value itself. */
export function checkValue(kind: ValueKind, value: unknown): string | null {
  switch (kind.type) {
    case 'string':
      if (typeof value !== 'string') return `expected a string, got ${describeType(value)}`;
      if (value.trim() === '') return 'must not be empty';
      if (kind.pattern && !kind.pattern.test(value)) return `is not valid: ${kind.patternHint ?? `must match ${kind.pattern}`}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `expected true or false, got ${describeType(value)}`;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a number, got ${describeType(value)}`;
      if (kind.integer && !Number.isInteger(value)) return 'expected a whole number';
      if (kind.min !== undefined && value < kind.min) return `must be at least ${kind.min}`;
      return null;
    case 'enum':
      return typeof value === 'string' && kind.values.includes(value)
        ? null
        : `expected one of ${kind.values.map((v) => `'${v}'`).join(', ')}`;
    case 'list': {
      if (!Array.isArray(value)) return `expected a list of strings, got ${describeType(value)}`;
      const bad = value.findIndex((v) => typeof v !== 'string' || (kind.pattern !== undefined && !kind.pattern.test(v)));
      if (bad < 0) return null;
      return typeof value[bad] === 'string'
        ? `item ${bad + 1} is not valid: ${kind.patternHint ?? `must match ${kind.pattern}`}`
        : `item ${bad + 1}: expected a string, got ${describeType(value[bad])}`;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return `expected an object of names and values, got ${describeType(value)}`;
      }
      for (const [name, v] of Object.entries(value)) {
        if (!kind.pattern.test(name)) return `key '${name}' is not valid: ${kind.patternHint}`;
        if (!['string', 'number', 'boolean'].includes(typeof v)) return `'${name}': expected a string, got ${describeType(v)}`;
      }
      return null;
    }
  }
}

/** Reads a value given as text (env var, flag) into the kind's type, or returns why it cannot. */
export function parseText(kind: ValueKind, text: string): { value: unknown } | { problem: string } {
  let value: unknown = text;
  if (kind.type === 'boolean') {
    const t = text.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(t)) value = true;
    else if (['false', '0', 'no', 'off'].includes(t)) value = false;
    else return { problem: 'expected true or false' };
  } else if (kind.type === 'number') {
    value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) return { problem: 'expected a number' };
  } else if (kind.type === 'list') {
    value = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  }
  const problem = checkValue(kind, value);
  return problem ? { problem } : { value };
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
