/**
 * Checks a config object as read from neomig.config.*: every key known, every value of the right
 * type. Errors name the file and the key path (`environments.staging.lock.mode`) and never echo a
 * value, so a misplaced password cannot leak through an error message.
 */
import { NeomigError } from '../errors.js';
import { editDistance } from '../core/words.js';
import type { EnvironmentConfig, NeomigConfig } from './types.js';
import { GROUPS, SETTINGS, checkValue, settingFor } from './settings.js';
import { CALLBACK_PHASES } from '../core/callbacks.js';

const TOP_LEVEL_ONLY = ['environments', 'callbacks'];

export function validateConfig(raw: unknown, file: string): NeomigConfig {
  if (!isPlainObject(raw)) {
    throw configError(file, null, `must export an object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw}`,
      'Export the settings as an object: `export default defineConfig({ uri: "bolt://localhost:7687" })`.');
  }
  const { environments, callbacks, ...rest } = raw;
  const config: NeomigConfig = validateEnvironment(rest, file, '', true);
  if (callbacks !== undefined) config.callbacks = validateCallbacks(callbacks, file);
  if (environments !== undefined) {
    if (!isPlainObject(environments)) {
      throw configError(file, 'environments', 'expected an object of named environments',
        'Write `environments: { staging: { uri: ... }, production: { ... } }`.');
    }
    config.environments = {};
    for (const [name, env] of Object.entries(environments)) {
      const path = `environments.${name}`;
      if (!isPlainObject(env)) throw configError(file, path, 'expected an object of settings', 'Each environment holds the same keys as the top level.');
      config.environments[name] = validateEnvironment(env, file, `${path}.`, false);
    }
  }
  return config;
}

function validateCallbacks(raw: unknown, file: string): NeomigConfig['callbacks'] {
  const hint = `Write \`callbacks: { afterMigrate: async (ctx) => { ... } }\`; phases: ${CALLBACK_PHASES.join(', ')}.`;
  if (!isPlainObject(raw)) throw configError(file, 'callbacks', 'expected an object of functions per phase', hint);
  for (const [phase, value] of Object.entries(raw)) {
    if (!(CALLBACK_PHASES as readonly string[]).includes(phase)) throw unknownKey(file, 'callbacks.', phase, [...CALLBACK_PHASES], '`callbacks`');
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((f) => typeof f === 'function')) throw configError(file, `callbacks.${phase}`, 'expected a function or a list of functions', hint);
  }
  return raw as NeomigConfig['callbacks'];
}

function validateEnvironment(raw: Record<string, unknown>, file: string, prefix: string, topLevel: boolean): EnvironmentConfig {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if ((GROUPS as readonly string[]).includes(key)) {
      out[key] = validateGroup(key, value, file, prefix);
      continue;
    }
    const setting = settingFor(key);
    if (!setting || key.includes('.')) throw unknownKey(file, prefix, key, topLevelKeys(topLevel), prefix ? 'an environment' : 'the config');
    const problem = checkValue(setting.kind, value);
    if (problem) throw configError(file, prefix + key, problem, `Fix ${prefix + key} in ${baseName(file)}, or remove it to use the default.`);
    out[key] = value;
  }
  return out as EnvironmentConfig;
}

function validateGroup(group: string, value: unknown, file: string, prefix: string): Record<string, unknown> {
  const path = prefix + group;
  if (!isPlainObject(value)) throw configError(file, path, 'expected an object', `Write \`${group}: { ${groupKeys(group)[0]}: ... }\`.`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const setting = settingFor(`${group}.${key}`);
    if (!setting) throw unknownKey(file, `${path}.`, key, groupKeys(group), `\`${group}\``);
    const problem = checkValue(setting.kind, v);
    if (problem) throw configError(file, `${path}.${key}`, problem, `Fix ${path}.${key} in ${baseName(file)}, or remove it to use the default.`);
    out[key] = v;
  }
  return out;
}

function topLevelKeys(topLevel: boolean): string[] {
  const keys = [...SETTINGS.filter((s) => !s.key.includes('.')).map((s) => s.key), ...GROUPS];
  return topLevel ? [...keys, ...TOP_LEVEL_ONLY] : keys;
}

function groupKeys(group: string): string[] {
  return SETTINGS.filter((s) => s.key.startsWith(`${group}.`)).map((s) => s.key.slice(group.length + 1));
}

function unknownKey(file: string, prefix: string, key: string, known: string[], where: string): NeomigError {
  const suggestion = closest(key, known);
  const hint = `${suggestion ? `Did you mean '${suggestion}'? ` : ''}Keys allowed in ${where}: ${known.join(', ')}.`;
  return configError(file, prefix + key, 'unknown key', hint);
}

export function configError(file: string, key: string | null, problem: string, hint: string): NeomigError {
  const where = key ? `${baseName(file)}: ${key}: ` : `${baseName(file)}: `;
  return new NeomigError('CONFIG', `${where}${problem}`, { file, ...(key ? { key } : {}), hint });
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The known key nearest to a misspelling (edit distance at most a third of its length). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
