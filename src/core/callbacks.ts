/**
 * Callbacks: scripts in `migrations/callbacks/` run at a phase of an operation, inside the lock, never
 * recorded as migrations. A file is named for its phase: `<phase>.cypher|.ts|.mts|.js|.mjs` or
 * `<phase>__<description>.<ext>` (neo4j-migrations' naming). Pure: names and order only.
 */
import { NeomigError } from '../errors.js';

/** The folder under the migrations folder that holds callbacks; discovery never reads it for migrations. */
export const CALLBACKS_FOLDER = 'callbacks';

export const CALLBACK_PHASES = [
  'beforeMigrate',
  'beforeEachMigrate',
  'afterEachMigrate',
  'afterMigrate',
  'afterMigrateError',
  'beforeDown',
  'afterDown',
  'beforeClean',
  'afterClean',
  'beforeValidate',
] as const;

export type CallbackPhase = (typeof CALLBACK_PHASES)[number];

export interface CallbackFileName {
  /** relative to the migrations folder: `callbacks/beforeMigrate__seed.cypher` */
  file: string;
  phase: CallbackPhase;
  /** the part after `__` ('' without one); orders the files of one phase */
  description: string;
  type: 'cypher' | 'typescript';
}

const NAME = /^([A-Za-z]+)(?:__(.+?))?\.(cypher|ts|mts|js|mjs)$/;
// neo4j-migrations phases that have no neomig counterpart yet: named so the error can say so
const NOT_HERE = ['beforeFirstUse', 'afterValidate', 'beforeInfo', 'afterInfo'];

/** Reads a callback's file name (`name` is the base name); throws MIGRATION_FILE for an unknown phase. */
export function parseCallbackFileName(file: string, name: string): CallbackFileName | null {
  if (/\.d\.[cm]?ts$|\.map$/.test(name)) return null;
  const m = NAME.exec(name);
  const phase = m?.[1];
  if (!m || !CALLBACK_PHASES.includes(phase as CallbackPhase)) {
    const known = CALLBACK_PHASES.join(', ');
    const why = phase && NOT_HERE.includes(phase) ? `${phase} is a neo4j-migrations phase neomig does not run` : 'is not named for a callback phase';
    throw new NeomigError('MIGRATION_FILE', `${file}: ${why}`, {
      file,
      hint: `Name a callback <phase>.cypher or <phase>__<description>.cypher (or .ts); phases: ${known}.`,
    });
  }
  return { file, phase: phase as CallbackPhase, description: (m[2] ?? '').replace(/_/g, ' '), type: m[3] === 'cypher' ? 'cypher' : 'typescript' };
}

/** The order callbacks of one phase run in: the bare `<phase>.<ext>` first, then by description, then by file. */
export function orderCallbacks<T extends CallbackFileName>(list: T[]): T[] {
  return [...list].sort((a, b) => cmp(a.phase, b.phase) || cmp(a.description, b.description) || cmp(a.file, b.file));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
