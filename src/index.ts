/**
 * neomig's public API: `createMigrator(config)` runs migrations; `defineConfig` and `defineMigration`
 * type-check configuration and TypeScript migrations.
 */
export { defineConfig, defineMigration } from './define.js';
export type { MigrationDefinition } from './define.js';
export { NeomigError, isNeomigError } from './errors.js';
export type { ErrorCode, ErrorDetails } from './errors.js';
export { MigrationRunError } from './runner/migrator.js';
export type * from './runner/types.js';
export type * from './config/types.js';
export { planRefactor, REFACTOR_KINDS } from './core/refactor/index.js';
export type * from './core/refactor/types.js';
export type { RefactorApi, RefactorMethod, RefactorResult } from './runner/refactor.js';
export type {
  AppliedMigration,
  LocalMigration,
  MigrationMeta,
  MigrationState,
  MigrationStatus,
  Plan,
  PlanStep,
  Statement,
  StatementKind,
  TransactionGroup,
  TransactionMode,
  ValidationIssue,
} from './core/types.js';

import { createMigrator as createFromResolved } from './runner/migrator.js';
import type { NeomigConfig, ResolvedConfig } from './config/types.js';
import type { Migrator } from './runner/types.js';
import { resolveConfig } from './config/resolve.js';

/**
 * Creates a migrator. Pass a resolved config (as the CLI does) or a plain `defineConfig` object, which
 * is completed from NEO4J_* / NEOMIG_* environment variables and defaults, relative to the cwd.
 */
export function createMigrator(config: NeomigConfig | ResolvedConfig, options: { env?: string } = {}): Migrator {
  if ('migrationsDir' in config) return createFromResolved(config);
  return createFromResolved(resolveConfig(config, { env: options.env, baseDir: process.cwd(), processEnv: process.env }));
}
