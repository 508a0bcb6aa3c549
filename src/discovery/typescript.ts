import type { TsHandlers } from '../core/types.js';
import { SELF_URL, ownModule } from '../self.js';

// not jiti's `Jiti` type: its CommonJS typings (used by the CommonJS build) export only values
type Jiti = ReturnType<typeof import('jiti').createJiti>;
let jiti: Promise<Jiti> | undefined;

function selfAlias(): Record<string, string> {
  const index = ownModule('index');
  return index ? { neomig: index } : {};
}

/** jiti is imported on first use only: a project of Cypher migrations never pays for loading it. */
function loader(): Promise<Jiti> {
  jiti ??= import('jiti').then(({ createJiti }) => createJiti(SELF_URL, { moduleCache: false, interopDefault: true, alias: selfAlias() }));
  return jiti;
}

/** A TS/JS migration module's definition object: its default export, or the module itself. */
export type MigrationModule = Record<string, unknown> & Partial<TsHandlers>;

/** Loads a .ts/.mts/.js/.mjs migration from disk, fresh each time (dev mode reloads edited files). */
export async function importMigrationModule(path: string): Promise<MigrationModule> {
  const mod = (await (await loader()).import(path)) as Record<string, unknown>;
  return ((mod['default'] as MigrationModule | undefined) ?? mod) as MigrationModule;
}

/** Evaluates a recorded module source as if it stood at `path`, so its relative imports still resolve. */
export async function evalMigrationSource(source: string, path: string): Promise<MigrationModule> {
  const mod = (await (await loader()).evalModule(source, { filename: path, async: true, forceTranspile: true })) as Record<string, unknown>;
  return ((mod['default'] as MigrationModule | undefined) ?? mod) as MigrationModule;
}
