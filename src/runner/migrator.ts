import type { ResolvedConfig } from '../config/types.js';
import { baseline } from './operations/baseline.js';
import { clean } from './operations/clean.js';
import { down } from './operations/down.js';
import { hash } from './operations/hash.js';
import { repair } from './operations/repair.js';
import { status } from './operations/status.js';
import { up } from './operations/up.js';
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
    schemaPull: () => schemaPull(session),
    schemaBaseline: (options) => schemaBaseline(session, options),
    schemaDiff: (options) => schemaDiff(session, options),
    on: (listener) => session.events.on(listener),
    close: () => session.close(),
  };
}
