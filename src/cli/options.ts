/**
 * Option builders shared by every command, and the bridge from parsed flags to the config layer.
 * Flags that override settings are named in config/settings.ts, next to their config key and env var.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { NeomigError } from '../errors.js';
import type { EnvironmentConfig } from '../config/types.js';
import { flagFor, parseText, setPath, settingForFlag } from '../config/index.js';

/** The options every command takes (SPEC §4). */
export interface CommonOptions {
  config?: string;
  env?: string;
  json?: boolean;
  /** true with --color, false with --no-color */
  color?: boolean;
  uri?: string;
  username?: string;
  password?: string;
  database?: string;
  migrations?: string;
}

/** --config, --env, --json, --color/--no-color, the connection flags and --migrations. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <path>', 'config file (default: neomig.config.{ts,mts,js,mjs,json,yaml,yml} in the current directory; env NEOMIG_CONFIG)')
    .option('-e, --env <name>', 'environment from the config\'s `environments` (env NEOMIG_ENV)')
    .option('--json', 'print exactly one JSON document on stdout; logs go to stderr')
    .option('--color', 'colors even when the output is not a terminal (also FORCE_COLOR=1)')
    .option('--no-color', 'no colors (also NO_COLOR=1; default: colors on a terminal only)')
    .option(`--${flagFor('uri')} <uri>`, 'Neo4j URI, e.g. neo4j+s://host (env NEO4J_URI)')
    .option(`--${flagFor('username')} <name>`, 'Neo4j user (env NEO4J_USERNAME)')
    .option(`--${flagFor('password')} <password>`, 'Neo4j password (env NEO4J_PASSWORD, preferred: flags show in process lists)')
    .option(`--${flagFor('database')} <name>`, 'target database (env NEO4J_DATABASE; default: the server\'s default)')
    .option(`--${flagFor('migrations')} <dir>`, 'migrations folder (env NEOMIG_MIGRATIONS; default: migrations)');
}

/** --lock-timeout <seconds> */
export function lockTimeoutOption(): Option {
  return new Option(`--${flagFor('lock.timeoutSeconds')} <seconds>`, 'wait at most this long for the lock (env NEOMIG_LOCK_TIMEOUT; default 60)');
}

/** --no-fingerprints (up, down): record no before/after delta for this run */
export function noFingerprintsOption(): Option {
  return new Option(`--no-${flagFor('fingerprints')}`, 'record no before/after delta of each migration (config fingerprints; env NEOMIG_FINGERPRINTS)');
}

/** --dry-run, described in the command's own words */
export function dryRunOption(description = 'print the plan and every statement; change nothing'): Option {
  return new Option('--dry-run', description);
}

export function yesOption(what: string): Option {
  return new Option('-y, --yes', `confirm ${what} (nothing ever prompts)`);
}

/** commander argument parser for a whole number >= 1 */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

/**
 * The settings the user gave as flags, typed like a config layer. Only flags actually typed on the
 * command line count: a default such as `--no-atomic`'s implied `atomic: true` must not override
 * the config file.
 */
export function flagsLayer(cmd: Command): EnvironmentConfig {
  const layer: Record<string, unknown> = {};
  const opts = cmd.opts<Record<string, unknown>>();
  for (const option of cmd.options) {
    const name = option.attributeName();
    if (cmd.getOptionValueSource(name) !== 'cli') continue;
    const flag = option.long?.replace(/^--(no-)?/, '');
    const setting = flag ? settingForFlag(flag) : undefined;
    if (!setting) continue; // not a setting: --json, --dry-run, ...
    const value = opts[name];
    if (typeof value === 'boolean') {
      setPath(layer, setting.key, value);
      continue;
    }
    const parsed = parseText(setting.kind, String(value));
    if ('problem' in parsed) {
      throw new NeomigError('USAGE', `--${flag}: ${parsed.problem}`, { hint: `Run neomig ${cmd.name()} --help for the expected value.` });
    }
    setPath(layer, setting.key, parsed.value);
  }
  return layer as EnvironmentConfig;
}
