import type { NeomigConfig } from './config/types.js';
import type { MigrationContext } from './runner/types.js';
import type { Requirements, TransactionMode } from './core/types.js';

/** The fields of a TypeScript migration; the same keys as a Cypher file's metadata block. */
export interface MigrationDefinition {
  description?: string;
  /** versions that must be applied first */
  dependsOn?: string[];
  /** stop the run (exit 3) before anything runs unless these hold: neo4j, edition, procedures, query */
  requires?: Requirements;
  /** skip this migration (recorded `skipped`, evaluated again by later runs) unless these hold */
  assume?: Requirements;
  /** Cypher returning one row with a boolean column `valid`, run after up */
  validate?: string | string[];
  transaction?: TransactionMode;
  /** transaction timeout: seconds, or '30s' / '2m' / '500ms' */
  timeout?: number | string;
  /** no down on purpose */
  irreversible?: boolean;
  /** procedures Neo4j runs in schema mode that neomig does not know (e.g. your own plugin's) */
  schemaProcedures?: string[];
  up(ctx: MigrationContext): Promise<void> | void;
  down?(ctx: MigrationContext): Promise<void> | void;
}

/** Declares a TypeScript migration with type checking: `export default defineMigration({ up, down })`. */
export function defineMigration(definition: MigrationDefinition): MigrationDefinition {
  return definition;
}

/** Declares neomig's configuration with type checking: `export default defineConfig({ ... })`. */
export function defineConfig(config: NeomigConfig): NeomigConfig {
  return config;
}
