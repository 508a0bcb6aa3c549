/**
 * Finds and reads neomig.config.*. TypeScript and JavaScript configs are loaded with jiti (so a
 * `.ts` config needs no build step); JSON and YAML with the yaml package. Both loaders are imported
 * only when a file of their kind is read, to keep `neomig --version` fast.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { NeomigError } from '../errors.js';
import type { NeomigConfig } from './types.js';
import { configError, validateConfig } from './validate.js';

export const CONFIG_EXTENSIONS = ['ts', 'mts', 'js', 'mjs', 'json', 'yaml', 'yml'] as const;
export const CONFIG_BASENAME = 'neomig.config';

/** The config file in `dir`, or null. Two candidates at once are an error: which one wins would be a guess. */
export function findConfigFile(dir: string): string | null {
  const found = CONFIG_EXTENSIONS.map((ext) => path.join(dir, `${CONFIG_BASENAME}.${ext}`)).filter((f) => existsSync(f));
  if (found.length > 1) {
    throw new NeomigError('CONFIG', `Found ${found.length} config files in ${dir}: ${found.map((f) => path.basename(f)).join(', ')}`, {
      hint: 'Keep one of them, or choose one with --config <path>.',
    });
  }
  return found[0] ?? null;
}

/**
 * The config file for a command run in `cwd`: the nearest one in `cwd` or a folder above it, as git,
 * eslint and Prisma look for theirs, so that `cd src && neomig create x` still uses the project's
 * config and its migrations folder. The search stops at the repository root (a folder holding `.git`)
 * or the filesystem root; null when there is none.
 */
export function findConfigUpwards(cwd: string): string | null {
  for (let dir = path.resolve(cwd); ; ) {
    const found = findConfigFile(dir);
    if (found) return found;
    const parent = path.dirname(dir);
    if (existsSync(path.join(dir, '.git')) || parent === dir) return null;
    dir = parent;
  }
}

/** Reads and validates a config file. */
export async function loadConfigFile(file: string): Promise<NeomigConfig> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute) || !statSync(absolute).isFile()) {
    throw new NeomigError('CONFIG', `Config file not found: ${absolute}`, {
      file: absolute,
      hint: 'Check the --config path (or NEOMIG_CONFIG); without it neomig looks for neomig.config.{ts,js,mjs,json,yaml} in the current directory and the folders above it, up to the repository root.',
    });
  }
  const ext = path.extname(absolute).slice(1).toLowerCase();
  let raw: unknown;
  if (ext === 'json' || ext === 'yaml' || ext === 'yml') raw = await readDataFile(absolute);
  else if (['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].includes(ext)) raw = await importModule(absolute);
  else {
    throw configError(absolute, null, `unsupported config file type '.${ext}'`,
      `Name it ${CONFIG_BASENAME}.{${CONFIG_EXTENSIONS.join(',')}}.`);
  }
  return validateConfig(raw, absolute);
}

async function readDataFile(file: string): Promise<unknown> {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  if (file.toLowerCase().endsWith('.json')) return parseJson(text, file);
  const { parse } = await import('yaml');
  try {
    // an empty file, or one holding only comments, is an empty config
    return parse(text) ?? {};
  } catch (e) {
    // Only the first line: the rest is a code frame quoting the file, which may hold a password.
    throw configError(file, null, `cannot be parsed: ${firstLine(e)}`, 'Fix the syntax at the line and column given.');
  }
}

/** Strict JSON (YAML would accept trailing commas and comments); errors give a position, never the text. */
function parseJson(text: string, file: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    const position = /at position (\d+)/.exec(e instanceof Error ? e.message : '')?.[1];
    let where = '';
    if (position !== undefined) {
      const before = text.slice(0, Number(position)).split(/\r\n|\r|\n/);
      where = ` at line ${before.length}, column ${before.at(-1)!.length + 1}`;
    }
    throw configError(file, null, `cannot be parsed: not valid JSON${where}`, 'Fix the syntax (JSON allows no trailing commas or comments), or use neomig.config.yaml.');
  }
}

async function importModule(file: string): Promise<unknown> {
  const { createJiti } = await import('jiti');
  // a config only needs defineConfig: resolving 'neomig' to the light define module keeps the driver unloaded
  const { SELF_URL, ownModule } = await import('../self.js');
  const define = ownModule('define');
  const jiti = createJiti(SELF_URL, { moduleCache: false, alias: define ? { neomig: define } : {} });
  let exported: unknown;
  try {
    exported = await jiti.import(file, { default: true });
    if (typeof exported === 'function') exported = await (exported as () => unknown)();
  } catch (e) {
    throw configError(file, null, `cannot be loaded: ${firstLine(e)}`,
      'Fix the error in the config module; it must `export default defineConfig({ ... })` (or a function returning the settings).');
  }
  return exported;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.trim();
}
