import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../src/config/resolve.js';
import type { EnvironmentConfig, ResolvedConfig } from '../../src/config/types.js';
import { createMigrator } from '../../src/runner/migrator.js';
import type { Migrator, MigratorEvent } from '../../src/runner/types.js';
import { testServer } from './neo4j.js';

const made: string[] = [];

/** A fresh migrations folder holding `files` (name -> content). */
export function migrationsDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'neomig-migrations-'));
  made.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** A copy of the repository's example migrations. */
export function exampleMigrations(): string {
  const dir = migrationsDir();
  cpSync(fileURLToPath(new URL('../../migrations', import.meta.url)), dir, { recursive: true });
  return dir;
}

export function removeMigrationDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A resolved config pointing at the test server. */
export function testConfig(dir: string, overrides: EnvironmentConfig = {}): ResolvedConfig {
  const server = testServer();
  return resolveConfig(
    { uri: server.uri, username: server.username, password: server.password, migrations: dir, ...overrides },
    { baseDir: dir, processEnv: {} },
  );
}

/** A migrator on the test server that records its events. */
export function testMigrator(dir: string, overrides: EnvironmentConfig = {}): Migrator & { events: MigratorEvent[] } {
  const migrator = createMigrator(testConfig(dir, overrides));
  const events: MigratorEvent[] = [];
  migrator.on((e) => events.push(e));
  return Object.assign(migrator, { events });
}
