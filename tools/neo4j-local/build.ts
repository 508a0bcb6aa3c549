/**
 * Builds the JVM launcher (tools/neo4j-local, a tiny Maven project) that starts a real Neo4j Community
 * server for neomig's integration tests and demo on machines without Docker.
 *
 *   npm run neo4j:build                  # the version NEOMIG_NEO4J_VERSION selects (default: LTS)
 *   npm run neo4j:build -- --all         # every supported version
 *   npm run neo4j:build -- 2026.08.1     # one version (or lts / calendar / latest); --force rebuilds
 *
 * A build is skipped when target/<version>/ holds a build stamp newer than pom.xml and the Java sources.
 * Maven runs with a JDK that fits the version: 17 for 5.26, 21+ for 2025.x and later (JAVA_HOME if it
 * fits, else `java` on PATH, else the lowest fitting JDK under /usr/lib/jvm, read from each `release` file).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  type Neo4jVersionInfo,
  neo4jVersionInfo,
  resolveNeo4jVersion,
  selectedNeo4jVersion,
  SUPPORTED_NEO4J_VERSIONS,
} from './versions.js';

/** tools/neo4j-local */
export const LAUNCHER_PROJECT_DIR = dirname(fileURLToPath(import.meta.url));
export const LAUNCHER_MAIN_CLASS = 'dev.neomig.local.Neo4jLocal';
const STAMP = 'neomig-build.stamp';
const JVM_ROOT = '/usr/lib/jvm';

/** A setup problem (missing tool, failed build) worth one clear sentence rather than a stack trace. */
export class Neo4jLocalError extends Error {
  constructor(
    message: string,
    readonly reason: 'no-jdk' | 'no-maven' | 'build-failed' | 'start-failed',
    /** For a missing tool: what is missing, and what to do (so callers can reword the sentence). */
    readonly missing?: { problem: string; remedy: string },
  ) {
    super(message);
    this.name = 'Neo4jLocalError';
  }

  static missingTool(reason: 'no-jdk' | 'no-maven', problem: string, remedy: string): Neo4jLocalError {
    return new Neo4jLocalError(`${problem[0]!.toUpperCase()}${problem.slice(1)}: ${remedy}.`, reason, { problem, remedy });
  }
}

export interface Jdk {
  home: string;
  /** Java feature version, e.g. 17 or 25. */
  major: number;
  java: string;
  /** Where it was found: 'JAVA_HOME', 'PATH' or '/usr/lib/jvm'. */
  source: string;
}

/** target/<version> */
export function launcherDir(version: string): string {
  return join(LAUNCHER_PROJECT_DIR, 'target', version);
}

export function launcherClasspath(version: string): string {
  const dir = launcherDir(version);
  return `${join(dir, 'classes')}${delimiter}${join(dir, 'lib', '*')}`;
}

/** JVM flags Neo4j needs on Java 17+ (from its own neo4j.conf), with a capped heap. */
export function launcherJvmFlags(info: Neo4jVersionInfo): string[] {
  const flags = [
    '-Xmx1g',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/java.lang=ALL-UNNAMED',
  ];
  if (info.line === 'calendar') flags.push('--enable-native-access=ALL-UNNAMED');
  return flags;
}

// ---------------------------------------------------------------------------------------------- JDKs

function javaMajorOf(home: string): number | undefined {
  try {
    const text = readFileSync(join(home, 'release'), 'utf8');
    const m = /^JAVA_VERSION="?([0-9._]+)/m.exec(text);
    if (!m?.[1]) return undefined;
    const parts = m[1].split('.');
    const first = Number(parts[0]);
    return first === 1 ? Number(parts[1]) : first; // "1.8.0_402" is Java 8
  } catch {
    return undefined;
  }
}

function javaOnPath(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'java');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function fits(info: Neo4jVersionInfo, major: number): boolean {
  return major >= info.minJava && (info.maxJava === undefined || major <= info.maxJava);
}

/** Every JDK we can see, JAVA_HOME first, then `java` on PATH, then /usr/lib/jvm/* (deduplicated). */
export function listJdks(): Jdk[] {
  const found: Jdk[] = [];
  const seen = new Set<string>();
  const add = (home: string, source: string) => {
    let real: string;
    try {
      real = realpathSync(home);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    const java = join(real, 'bin', 'java');
    const major = javaMajorOf(real);
    if (major === undefined || !existsSync(java)) return;
    seen.add(real);
    found.push({ home: real, major, java, source });
  };
  const javaHome = process.env['JAVA_HOME'];
  if (javaHome) add(javaHome, 'JAVA_HOME');
  const onPath = javaOnPath();
  if (onPath) {
    try {
      add(dirname(dirname(realpathSync(onPath))), 'PATH');
    } catch {
      // dangling symlink: ignore
    }
  }
  try {
    for (const name of readdirSync(JVM_ROOT).sort()) add(join(JVM_ROOT, name), JVM_ROOT);
  } catch {
    // no /usr/lib/jvm
  }
  return found;
}

/**
 * A JDK that runs (and, with `compiler`, compiles for) this Neo4j version: JAVA_HOME if it fits, else the
 * lowest fitting Java version found. Throws Neo4jLocalError('no-jdk') with one sentence if none fits.
 */
export function findJdk(info: Neo4jVersionInfo, opts: { compiler?: boolean } = {}): Jdk {
  const usable = listJdks().filter(
    (j) => fits(info, j.major) && (!opts.compiler || existsSync(join(j.home, 'bin', 'javac'))),
  );
  const fromJavaHome = usable.find((j) => j.source === 'JAVA_HOME');
  const best = fromJavaHome ?? [...usable].sort((a, b) => a.major - b.major)[0];
  if (best) return best;
  const range = info.maxJava === undefined ? `${info.minJava}+` : info.minJava === info.maxJava ? `${info.minJava}` : `${info.minJava} to ${info.maxJava}`;
  const example = info.minJava >= 21 ? 'temurin-21-jdk' : 'openjdk-17-jdk';
  throw Neo4jLocalError.missingTool(
    'no-jdk',
    `no JDK ${range} for Neo4j ${info.version} was found (looked at JAVA_HOME, PATH and ${JVM_ROOT})`,
    `install a JDK ${range} (e.g. apt-get install ${example}) or set NEO4J_URI to a running Neo4j`,
  );
}

// --------------------------------------------------------------------------------------------- Maven

function findMaven(): string | undefined {
  const explicit = process.env['MVN'];
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'mvn'))) return join(dir, 'mvn');
  }
  return undefined;
}

function newestSourceMtime(): number {
  let newest = statSync(join(LAUNCHER_PROJECT_DIR, 'pom.xml')).mtimeMs;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(LAUNCHER_PROJECT_DIR, 'src'));
  return newest;
}

/** True when target/<version> holds a complete build newer than pom.xml and the Java sources. */
export function isLauncherFresh(version: string): boolean {
  const dir = launcherDir(version);
  const stamp = join(dir, STAMP);
  if (!existsSync(stamp) || !existsSync(join(dir, 'lib')) || !existsSync(join(dir, 'classes'))) return false;
  return statSync(stamp).mtimeMs >= newestSourceMtime();
}

/** Whether a process with this PID exists (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A per-version lock directory so that two test runs on one checkout do not run Maven at once. */
async function withBuildLock<T>(version: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const targetRoot = join(LAUNCHER_PROJECT_DIR, 'target');
  mkdirSync(targetRoot, { recursive: true });
  const lock = join(targetRoot, `${version}.lock`);
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'owner'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'owner'), 'utf8'));
      } catch {
        // owner not written yet (or gone)
      }
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      const stale = (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) || age > 30 * 60_000 || (Number.isNaN(owner) && age > 10_000);
      if (stale) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!told) {
        log(`neo4j-local: waiting for another build of the Neo4j ${version} launcher (pid ${owner})`);
        told = true;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface BuildResult {
  version: string;
  built: boolean;
  seconds: number;
  jdk?: Jdk;
}

export interface BuildOptions {
  force?: boolean;
  /** Where progress lines go (default: stderr). */
  log?: (line: string) => void;
  /** Also log when the launcher is already up to date. */
  verbose?: boolean;
}

/** Builds target/<version> with Maven unless it is up to date. */
export async function buildLauncher(version: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const info = neo4jVersionInfo(version);
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  if (!opts.force && isLauncherFresh(version)) {
    if (opts.verbose) log(`neo4j-local: launcher for Neo4j ${version} is up to date (checked in ${seconds().toFixed(2)} s)`);
    return { version, built: false, seconds: seconds() };
  }
  const mvn = findMaven();
  if (!mvn) {
    throw Neo4jLocalError.missingTool(
      'no-maven',
      `Maven (mvn), needed to build the Neo4j ${version} launcher, is not on PATH`,
      'install Maven (e.g. apt-get install maven) or set NEO4J_URI to a running Neo4j',
    );
  }
  const jdk = findJdk(info, { compiler: true });
  return withBuildLock(version, log, async () => {
    if (!opts.force && isLauncherFresh(version)) return { version, built: false, seconds: seconds(), jdk };
    log(`neo4j-local: building the Neo4j ${version} launcher with Maven on JDK ${jdk.major} (${jdk.home})...`);
    const dir = launcherDir(version);
    rmSync(join(dir, STAMP), { force: true });
    rmSync(join(dir, 'lib'), { recursive: true, force: true }); // no stale jars from an older pom
    const args = ['-B', '-q', `-Dneo4j.version=${version}`, `-Djava.release=${info.javaRelease}`, 'package'];
    const output: string[] = [];
    const code = await new Promise<number | null>((resolvePromise, reject) => {
      const child = spawn(mvn, args, {
        cwd: LAUNCHER_PROJECT_DIR,
        env: { ...process.env, JAVA_HOME: jdk.home },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const keep = (chunk: Buffer) => {
        output.push(chunk.toString('utf8'));
        if (output.length > 400) output.splice(0, output.length - 400);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', reject);
      child.on('close', (c) => resolvePromise(c));
    });
    if (code !== 0) {
      const tail = output.join('').split('\n').filter((l) => l.trim() && !l.startsWith('WARNING: ')).slice(-30).join('\n');
      throw new Neo4jLocalError(
        `Maven failed (exit ${code}) building the Neo4j ${version} launcher in ${LAUNCHER_PROJECT_DIR} ` +
          `(run: JAVA_HOME=${jdk.home} mvn ${args.join(' ')}):\n${tail}`,
        'build-failed',
      );
    }
    writeFileSync(join(dir, STAMP), JSON.stringify({ version, jdk: jdk.home, javaMajor: jdk.major, builtAt: new Date().toISOString() }) + '\n');
    log(`neo4j-local: built the Neo4j ${version} launcher in ${seconds().toFixed(1)} s`);
    return { version, built: true, seconds: seconds(), jdk };
  });
}

// ----------------------------------------------------------------------------------------------- CLI

async function main(argv: string[]): Promise<void> {
  const force = argv.includes('--force');
  const all = argv.includes('--all');
  const named = argv.filter((a) => !a.startsWith('--'));
  const versions = all
    ? [...SUPPORTED_NEO4J_VERSIONS]
    : named.length > 0
      ? named.map((n) => resolveNeo4jVersion(n))
      : [selectedNeo4jVersion().version];
  for (const version of versions) {
    await buildLauncher(version, { force, verbose: true });
  }
}

const invokedDirectly = (() => {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Neo4jLocalError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
