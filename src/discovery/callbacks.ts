import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CALLBACKS_FOLDER, type CallbackFileName, orderCallbacks, parseCallbackFileName } from '../core/callbacks.js';
import { readScript } from '../core/dialect.js';
import type { Statement } from '../core/types.js';
import { NeomigError } from '../errors.js';
import { listFiles } from './files.js';
import { importMigrationModule } from './typescript.js';

/** A callback file read from disk: its statements (Cypher) or its function (TS/JS). */
export type LocalCallback = CallbackFileName &
  ({ type: 'cypher'; statements: Statement[] } | { type: 'typescript'; handler: (ctx: never) => unknown });

/** The callbacks under `<migrationsDir>/callbacks/`, in the order they run (see orderCallbacks). */
export async function loadCallbacks(migrationsDir: string, options: { schemaProcedures?: readonly string[] } = {}): Promise<LocalCallback[]> {
  const dir = path.join(migrationsDir, CALLBACKS_FOLDER);
  if (!existsSync(dir)) return [];
  const out: LocalCallback[] = [];
  for (const rel of await listFiles(dir)) {
    const file = `${CALLBACKS_FOLDER}/${rel}`;
    const named = parseCallbackFileName(file, path.basename(rel));
    if (!named) continue;
    const full = path.join(dir, rel);
    if (named.type === 'cypher') {
      const text = readFileSync(full, 'utf8').replace(/^\uFEFF/, '');
      const { statements } = readScript(text, file, { schemaProcedures: [...(options.schemaProcedures ?? [])] });
      out.push({ ...named, type: 'cypher', statements });
    } else {
      out.push({ ...named, type: 'typescript', handler: await callbackFunction(full, file) });
    }
  }
  return orderCallbacks(out);
}

/** A TS/JS callback exports its function as default (or as `run`). */
async function callbackFunction(full: string, file: string): Promise<(ctx: never) => unknown> {
  let mod: unknown;
  try {
    mod = await importMigrationModule(full);
  } catch (e) {
    const why = (e as Error).message?.split('\n')[0];
    throw new NeomigError('MIGRATION_FILE', `${file} could not be loaded: ${why}`, { file, hint: 'Fix the module so that it compiles.' }, { cause: e });
  }
  const fn = typeof mod === 'function' ? mod : (mod as { run?: unknown } | undefined)?.run;
  if (typeof fn !== 'function') {
    throw new NeomigError('MIGRATION_FILE', `${file} does not export a callback function`, {
      file,
      hint: 'Export it as default: `export default async function (ctx) { await ctx.run(...) }`.',
    });
  }
  return fn as (ctx: never) => unknown;
}
