/**
 * Configuration: find the config file, read it, and merge it with env vars and flags.
 * `readConfig` is what the CLI calls; the pieces are exported for the library and for tests.
 */
import path from 'node:path';
import type { EnvironmentConfig, NeomigConfig, ResolvedConfig } from './types.js';
import { readDotenv } from './dotenv.js';
import { findConfigUpwards, loadConfigFile } from './load.js';
import { resolveConfig } from './resolve.js';
import { ENV, SETTINGS } from './settings.js';

export { findConfigFile, findConfigUpwards, loadConfigFile, CONFIG_EXTENSIONS } from './load.js';
export { parseDotenv, readDotenv } from './dotenv.js';
export { resolveConfig, readEnvLayer, defaultInstalledBy, setPath, DEFAULTS } from './resolve.js';
export { validateConfig } from './validate.js';
export { SETTINGS, ENV, flagFor, settingForFlag, parseText } from './settings.js';
export type * from './types.js';

export interface ReadConfigOptions {
  /** working directory: where the config file is looked for and relative flag paths start */
  cwd: string;
  /** --config; falls back to NEOMIG_CONFIG, then the nearest neomig.config.* in cwd or above it */
  configPath?: string;
  /** --env; falls back to NEOMIG_ENV */
  env?: string;
  /** settings from CLI flags */
  flags?: EnvironmentConfig;
  /** the environment; variables of a `.env` next to the config (or in cwd without one) are added to it
   *  where unset, so TypeScript migrations see them too (default true) */
  processEnv?: Record<string, string | undefined>;
  /** read the `.env` file (default true) */
  dotenv?: boolean;
  /** called with every secret found in any layer (file, environments, env vars, flags), even ones a
   *  higher layer overrides, so the output layer can mask them all */
  onSecret?: (secret: string) => void;
}

export async function readConfig(options: ReadConfigOptions): Promise<ResolvedConfig> {
  const processEnv = options.processEnv ?? {};
  const explicit = options.configPath ?? (processEnv[ENV.config]?.trim() || undefined);
  const configFile = explicit ? path.resolve(options.cwd, explicit) : findConfigUpwards(options.cwd);
  const baseDir = configFile ? path.dirname(configFile) : options.cwd;
  let envFile: string | null = null;
  const dotenv = options.dotenv === false ? null : readDotenv(path.join(baseDir, '.env'));
  if (dotenv) {
    envFile = path.join(baseDir, '.env');
    // variables already set win over the file
    for (const [key, value] of Object.entries(dotenv)) if (processEnv[key] === undefined) processEnv[key] = value;
  }
  const fileConfig: NeomigConfig = configFile ? await loadConfigFile(configFile) : {};
  if (options.onSecret) {
    for (const layer of [fileConfig, ...Object.values(fileConfig.environments ?? {}), options.flags ?? {}]) {
      if (layer.password) options.onSecret(layer.password);
    }
    const fromEnv = processEnv[SETTINGS.find((s) => s.key === 'password')!.env!];
    if (fromEnv) options.onSecret(fromEnv);
  }
  return resolveConfig(fileConfig, {
    env: options.env ?? null,
    processEnv,
    flags: options.flags,
    baseDir,
    cwd: options.cwd,
    configFile,
    envFile,
  });
}
