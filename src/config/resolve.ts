/**
 * Merges the layers of configuration into one ResolvedConfig. Precedence, highest first:
 * CLI flags > environment variables > the selected environment (`--env`) > the config's top level
 * > defaults. `lock` and `labels` merge key by key, so an environment can change one lock setting
 * and keep the others.
 */
import os from 'node:os';
import path from 'node:path';
import { NeomigError } from '../errors.js';
import type { EnvironmentConfig, NeomigConfig, ResolvedConfig } from './types.js';
import { envKey } from '../core/placeholders.js';
import { ENV, SETTINGS, parseText } from './settings.js';

export const DEFAULTS = {
  uri: 'bolt://localhost:7687',
  username: 'neo4j',
  connectionTimeoutMs: 30_000,
  migrations: 'migrations',
  outOfOrder: false,
  allowSchemaDrift: false,
  validateOnMigrate: true,
  atomic: true,
  transaction: 'auto',
  cleanEnabled: false,
  protected: false,
  fingerprints: true,
  disposable: false,
  lock: { mode: 'wait', timeoutSeconds: 60, ttlSeconds: 60, heartbeatSeconds: 10 },
  labels: { history: 'SchemaVersion', audit: 'SchemaVersionEvent', lock: 'NeomigLock' },
  preflight: true,
  check: { unbatchedRowLimit: 100_000 },
  snapshot: { beforeUp: false, restoreOnFailure: false, dir: 'snapshots' },
} as const satisfies EnvironmentConfig;

export interface ResolveInput {
  /** the environment chosen with --env; falls back to NEOMIG_ENV */
  env?: string | null;
  /** environment variables to read (default: none) */
  processEnv?: Record<string, string | undefined>;
  /** settings given as CLI flags, already typed (see cli/options.ts) */
  flags?: EnvironmentConfig;
  /** folder the config file's relative paths are resolved against (the config file's folder) */
  baseDir: string;
  /** folder that env-var and flag paths are resolved against (default: baseDir) */
  cwd?: string;
  /** absolute path of the config file, for the record */
  configFile?: string | null;
  /** absolute path of the .env file read into processEnv, for the record */
  envFile?: string | null;
}

export function resolveConfig(file: NeomigConfig, input: ResolveInput): ResolvedConfig {
  const processEnv = input.processEnv ?? {};
  const cwd = input.cwd ?? input.baseDir;
  const envName = input.env ?? nonEmpty(processEnv[ENV.environment]) ?? null;
  const { environments, callbacks, ...topLevel } = file;

  let selected: EnvironmentConfig = {};
  if (envName !== null) {
    const known = Object.keys(environments ?? {});
    const found = environments && Object.hasOwn(environments, envName) ? environments[envName] : undefined;
    if (!found) {
      throw new NeomigError('CONFIG', `Unknown environment '${envName}'${input.configFile ? ` in ${path.basename(input.configFile)}` : ''}`, {
        ...(input.configFile ? { file: input.configFile } : {}),
        hint: known.length
          ? `Known environments: ${known.join(', ')}.`
          : 'The config defines no environments; add `environments: { <name>: { ... } }` or drop --env / NEOMIG_ENV.',
      });
    }
    selected = found;
  }

  const layers: EnvironmentConfig[] = [
    withAbsoluteMigrations(topLevel, input.baseDir),
    withAbsoluteMigrations(selected, input.baseDir),
    withAbsoluteMigrations(readEnvLayer(processEnv), cwd),
    withAbsoluteMigrations(input.flags ?? {}, cwd),
  ];
  const merged = mergeLayers(layers);
  const pick = <K extends keyof EnvironmentConfig>(key: K, fallback: NonNullable<EnvironmentConfig[K]>): NonNullable<EnvironmentConfig[K]> =>
    (merged[key] ?? fallback) as NonNullable<EnvironmentConfig[K]>;

  return {
    migrationsDir: path.resolve(input.baseDir, pick('migrations', DEFAULTS.migrations)),
    configFile: input.configFile ?? null,
    envFile: input.envFile ?? null,
    environment: envName,
    connection: {
      uri: pick('uri', DEFAULTS.uri),
      username: pick('username', DEFAULTS.username),
      password: merged.password,
      database: merged.database,
      connectionTimeoutMs: pick('connectionTimeoutMs', DEFAULTS.connectionTimeoutMs),
    },
    outOfOrder: pick('outOfOrder', DEFAULTS.outOfOrder),
    allowSchemaDrift: pick('allowSchemaDrift', DEFAULTS.allowSchemaDrift),
    validateOnMigrate: pick('validateOnMigrate', DEFAULTS.validateOnMigrate),
    atomic: pick('atomic', DEFAULTS.atomic),
    transaction: pick('transaction', DEFAULTS.transaction),
    schemaProcedures: [...(merged.schemaProcedures ?? [])],
    cleanEnabled: pick('cleanEnabled', DEFAULTS.cleanEnabled),
    protected: pick('protected', DEFAULTS.protected),
    installedBy: merged.installedBy ?? defaultInstalledBy(),
    fingerprints: pick('fingerprints', DEFAULTS.fingerprints),
    disposable: pick('disposable', DEFAULTS.disposable),
    lock: { ...DEFAULTS.lock, ...merged.lock },
    labels: { ...DEFAULTS.labels, ...merged.labels },
    callbacks: { ...callbacks },
    preflight: pick('preflight', DEFAULTS.preflight),
    check: { ...DEFAULTS.check, ...merged.check },
    snapshot: { ...DEFAULTS.snapshot, ...merged.snapshot, dir: path.resolve(input.baseDir, merged.snapshot?.dir ?? DEFAULTS.snapshot.dir) },
    placeholders: placeholdersOf(merged.placeholders ?? {}, processEnv),
    placeholdersInStrings: [...(merged.placeholdersInStrings ?? [])],
    templatesDir: merged.templates === undefined ? null : path.resolve(input.baseDir, merged.templates),
  };
}

/** The config's placeholder values as text, with NEOMIG_PLACEHOLDER_<NAME> variables over them (the
 *  variable's <NAME> is the name upper-cased, `.` and `-` as `_`; one with no config entry is kept as <NAME>). */
function placeholdersOf(
  fromConfig: Record<string, string | number | boolean>,
  processEnv: Record<string, string | undefined>,
): Record<string, string> {
  const values: Record<string, string> = Object.fromEntries(Object.entries(fromConfig).map(([k, v]) => [k, String(v)]));
  for (const [variable, value] of Object.entries(processEnv)) {
    if (!variable.startsWith(ENV.placeholderPrefix) || value === undefined) continue;
    const key = variable.slice(ENV.placeholderPrefix.length);
    const same = Object.keys(values).filter((name) => envKey(name) === key);
    for (const name of same.length ? same : [key]) values[name] = value;
  }
  return values;
}

/** Settings given as environment variables (NEO4J_* and NEOMIG_*); empty variables count as unset. */
export function readEnvLayer(processEnv: Record<string, string | undefined>): EnvironmentConfig {
  const layer: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    if (!setting.env) continue;
    const text = nonEmpty(processEnv[setting.env]);
    if (text === undefined) continue;
    const parsed = parseText(setting.kind, text);
    if ('problem' in parsed) {
      throw new NeomigError('CONFIG', `Environment variable ${setting.env}: ${parsed.problem}`, {
        key: setting.env,
        hint: `Fix or unset ${setting.env}; it overrides '${setting.key}' from the config file.`,
      });
    }
    setPath(layer, setting.key, parsed.value);
  }
  return layer as EnvironmentConfig;
}

function mergeLayers(layers: EnvironmentConfig[]): EnvironmentConfig {
  const merged: EnvironmentConfig = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer) as [keyof EnvironmentConfig, unknown][]) {
      if (value === undefined) continue;
      if (key === 'lock' || key === 'labels' || key === 'check' || key === 'snapshot' || key === 'placeholders') {
        (merged as Record<string, unknown>)[key] = { ...merged[key], ...definedOnly(value as Record<string, unknown>) };
      } else {
        (merged as Record<string, unknown>)[key] = value;
      }
    }
  }
  return merged;
}

/** Makes `migrations` and `templates` absolute against the folder their layer is relative to. */
function withAbsoluteMigrations(layer: EnvironmentConfig, dir: string): EnvironmentConfig {
  const out = layer.migrations === undefined ? layer : { ...layer, migrations: path.resolve(dir, layer.migrations) };
  // the snapshot and templates folders too, against the same folder
  const withSnapshot = layer.snapshot?.dir === undefined ? out : { ...out, snapshot: { ...layer.snapshot, dir: path.resolve(dir, layer.snapshot.dir) } };
  return withSnapshot.templates === undefined ? withSnapshot : { ...withSnapshot, templates: path.resolve(dir, withSnapshot.templates) };
}

function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const [head, ...rest] = dotted.split('.');
  if (rest.length === 0) {
    target[head!] = value;
    return;
  }
  const child = (target[head!] ??= {}) as Record<string, unknown>;
  setPath(child, rest.join('.'), value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** `user@host`, as Flyway records it; containers without a passwd entry fall back to $USER. */
export function defaultInstalledBy(): string {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return `${user}@${os.hostname()}`;
}
