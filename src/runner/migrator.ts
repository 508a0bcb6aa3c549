import type { ResolvedConfig } from '../config/types.js';
import { baseline } from './operations/baseline.js';
import { check } from './operations/check.js';
import { clean } from './operations/clean.js';
import { down } from './operations/down.js';
import { hash } from './operations/hash.js';
import { repair } from './operations/repair.js';
import { deleteEntry, resolve } from './operations/resolve.js';
import { restore } from './operations/restore.js';
import { snapshot } from './operations/snapshot.js';
import { status } from './operations/status.js';
import { show } from './operations/show.js';
import { up } from './operations/up.js';
import { verify } from './operations/verify.js';
import { validate } from './operations/validate.js';
import { schemaDiff } from './schema/diff.js';
import { schemaBaseline, schemaPull } from './schema/pull.js';
import { MigratorSession } from './session.js';
import type { Migrator } from './types.js';

export { MigrationRunError } from './results.js';

/** Creates the migrator for a resolved configuration; each operation lives in operations/<name>.ts. */
export function createMigrator(config: ResolvedConfig): Migrator {
  const session = new MigratorSession(config);
  return {
    up: (options) => up(session, options),
    down: (options) => down(session, options),
    status: () => status(session),
    validate: (options) => validate(session, options),
    baseline: (version, description) => baseline(session, version, description),
    repair: (options) => repair(session, options),
    clean: () => clean(session),
    hash: (options) => hash(session, options),
    resolve: (version, decision, options) => resolve(session, version, decision, options),
    delete: (version, options) => deleteEntry(session, version, options),
    check: (options) => check(session, options),
    show: (version) => show(session, version),
    verify: (options) => verify(session, options),
    snapshot: (options) => snapshot(session, options),
    restore: (file, options) => restore(session, file, options),
    schemaPull: () => schemaPull(session),
    schemaBaseline: (options) => schemaBaseline(session, options),
    schemaDiff: (options) => schemaDiff(session, options),
    on: (listener) => session.events.on(listener),
    close: () => session.close(),
  };
}
