/**
 * The Neo4j versions neomig is tested against, and which one a run uses.
 *
 * NEOMIG_NEO4J_VERSION selects: 'lts' (default), 'calendar' or 'latest', or an exact version such as
 * '5.26.30' or '2026.08.1'. An exact version other than the two below is accepted (the launcher is built
 * for it from Maven Central) but is not what CI tests.
 */

/** The long-term-support line: the last one that runs on Java 17. */
export const NEO4J_LTS_VERSION = '5.26.30';
/** The newest calendar release: needs Java 21+ and speaks Cypher 25 by default in its own packaging. */
export const NEO4J_CALENDAR_VERSION = '2026.08.1';

export const SUPPORTED_NEO4J_VERSIONS = [NEO4J_LTS_VERSION, NEO4J_CALENDAR_VERSION] as const;

export interface Neo4jVersionInfo {
  /** Exact Neo4j version, e.g. '5.26.30'. */
  version: string;
  /** 'lts' for 5.x, 'calendar' for 2025.x and later. */
  line: 'lts' | 'calendar';
  /** Lowest Java feature version that runs it. */
  minJava: number;
  /** Highest Java feature version known to run it (undefined: no known upper bound). */
  maxJava: number | undefined;
  /** The `-Djava.release` the launcher is compiled for. */
  javaRelease: number;
  /** Whether the server knows Cypher 25 (and we set it as the default language). */
  cypher25: boolean;
  /** Whether this is one of SUPPORTED_NEO4J_VERSIONS. */
  supported: boolean;
}

const EXACT = /^(\d+)\.(\d+)\.(\d+)$/;

/** Facts about one exact Neo4j version. Throws on something that is not a version neomig can start. */
export function neo4jVersionInfo(version: string): Neo4jVersionInfo {
  const m = EXACT.exec(version);
  if (!m) throw new Error(`"${version}" is not an exact Neo4j version (expected e.g. ${NEO4J_LTS_VERSION} or ${NEO4J_CALENDAR_VERSION})`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const supported = (SUPPORTED_NEO4J_VERSIONS as readonly string[]).includes(version);
  if (major === 5) {
    // 5.x runs on Java 17 and 21; we pin 17 so that CI proves the LTS line still works there.
    return { version, line: 'lts', minJava: 17, maxJava: 21, javaRelease: 17, cypher25: false, supported };
  }
  if (major >= 2025) {
    // 2025.01 to 2025.09 support Java 21 only; Java 25 is supported from 2025.10.
    const maxJava = major === 2025 && minor < 10 ? 21 : undefined;
    return { version, line: 'calendar', minJava: 21, maxJava, javaRelease: 21, cypher25: true, supported };
  }
  throw new Error(`Neo4j ${version} is not supported by neomig's local server (use 5.x or 2025.01+)`);
}

/**
 * The version a run uses: `NEOMIG_NEO4J_VERSION` ('lts' | 'calendar' | 'latest' | exact version),
 * defaulting to the LTS version.
 */
export function selectedNeo4jVersion(env: NodeJS.ProcessEnv = process.env): Neo4jVersionInfo {
  return neo4jVersionInfo(resolveNeo4jVersion(env['NEOMIG_NEO4J_VERSION']));
}

/** Maps a selector ('lts', 'calendar', 'latest', exact version, or empty) to an exact version. */
export function resolveNeo4jVersion(selector: string | undefined): string {
  const s = (selector ?? '').trim().toLowerCase();
  if (s === '' || s === 'lts') return NEO4J_LTS_VERSION;
  if (s === 'calendar' || s === 'latest') return NEO4J_CALENDAR_VERSION;
  if (EXACT.test(s)) return s;
  throw new Error(
    `NEOMIG_NEO4J_VERSION="${selector}" is not understood: use lts, calendar, latest or an exact version such as ${NEO4J_CALENDAR_VERSION}`,
  );
}
