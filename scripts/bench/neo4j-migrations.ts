/**
 * neo4j-migrations (the Neo4j Labs tool) as a contender: its CLI on the JVM, from Maven Central.
 *
 * Its 2.x poms name a parent pom that Maven Central may not serve (then nothing resolves transitively),
 * so the bench resolves the third-party libraries through a small generated pom and copies the tool's
 * own two jars with dependency:copy, which needs no pom. The versions are 2.19.2's (its parent pom's
 * properties). Everything lands in .neomig-local/neo4j-migrations-<version>/lib (gitignored) once.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const NEO4J_MIGRATIONS_VERSION = '2.19.2';
const GROUP = 'eu.michael-simons.neo4j';
const MAIN_CLASS = 'ac.simons.neo4j.migrations.cli.MigrationsCli';
/** neo4j-migrations 2.19.2's own dependencies, with the versions its parent pom pins. */
const LIBRARIES = [
  ['org.neo4j.driver', 'neo4j-java-driver', '5.28.9'],
  ['io.github.classgraph', 'classgraph', '4.8.180'],
  ['org.neo4j', 'neo4j-cypher-dsl-schema-name-support', '2025.0.2'],
  ['info.picocli', 'picocli', '4.7.7'],
] as const;

export interface JvmTool {
  /** `java` plus the arguments up to and including the main class */
  command: string[];
  version: string;
}

/** Fetches the CLI's jars once; returns how to run it, or why it cannot run (Maven or the artifact missing). */
export function prepareNeo4jMigrations(repoDir: string, log: (line: string) => void): JvmTool | string {
  const home = path.join(repoDir, '.neomig-local', `neo4j-migrations-${NEO4J_MIGRATIONS_VERSION}`);
  const lib = path.join(home, 'lib');
  const done = path.join(home, 'complete');
  if (!existsSync(done)) {
    if (spawnSync('mvn', ['--version'], { stdio: 'ignore' }).status !== 0) return 'Maven (mvn) is not on the PATH';
    log(`bench: fetching neo4j-migrations ${NEO4J_MIGRATIONS_VERSION} with Maven into ${path.relative(repoDir, home)}/ ...`);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(lib, { recursive: true });
    writeFileSync(path.join(home, 'pom.xml'), pom());
    try {
      const mvn = (...args: string[]) => execFileSync('mvn', ['-B', '-q', ...args], { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
      mvn('dependency:copy-dependencies', `-DoutputDirectory=${lib}`);
      for (const artifact of ['neo4j-migrations', 'neo4j-migrations-cli']) {
        mvn('dependency:copy', `-Dartifact=${GROUP}:${artifact}:${NEO4J_MIGRATIONS_VERSION}`, `-DoutputDirectory=${lib}`);
      }
    } catch (e) {
      const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '';
      const error = out.split('\n').find((l) => l.includes('[ERROR]')) ?? (e instanceof Error ? e.message : String(e));
      return `Maven could not fetch it: ${error.trim().slice(0, 300)}`;
    }
    writeFileSync(done, readdirSync(lib).join('\n'));
  }
  // The JVM's default heap on a big shared machine is large; the tool needs little.
  return { command: ['java', '-Xmx256m', '-cp', `${lib}/*`, MAIN_CLASS], version: NEO4J_MIGRATIONS_VERSION };
}

/** Its connection and location flags (picocli: -a/--address, -u, -p, --location file:...). */
export function neo4jMigrationsArgs(server: { uri: string; username: string; password: string }, dir: string, command: string): string[] {
  return ['-a', server.uri, '-u', server.username, '-p', server.password, '--location', `file://${dir}`, command];
}

/** Its file naming: V<n>__<description>.cypher. */
export function neo4jMigrationsFile(version: number): string {
  return `V${version}__x.cypher`;
}

function pom(): string {
  const deps = LIBRARIES.map(([g, a, v]) => `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`);
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>neomig.bench</groupId><artifactId>neo4j-migrations-cli-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    ${deps.join('\n    ')}
  </dependencies>
</project>
`;
}
